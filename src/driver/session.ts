// A conversation with one driver under test: a child process speaking JSON lines on
// stdin/stdout (process-transport.ts), an ES module run in a worker thread
// (module-transport.ts), or an adapter in this process (adapter-transport.ts), all over one
// session (conversation.ts): every request answered before the next is sent, each answer with a
// deadline, the child's whole process group killed when the session closes or the testbench exits.
import type { DriverOptions, DriverSession } from './conversation.ts';
import { startModuleDriver } from './module-transport.ts';
import { startProcessDriver } from './process-transport.ts';

export { DEFAULT_DRIVER_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT_MS, type DriverOptions, type DriverSession, type Exchange } from './conversation.ts';
export { type DriverAdapter, startAdapterDriver } from './adapter-transport.ts';
export { startModuleDriver } from './module-transport.ts';
export { startProcessDriver } from './process-transport.ts';

/** Where the driver comes from, as the CLI options name it. */
export type DriverSource = { readonly command: string } | { readonly module: string };

export function startDriver(source: DriverSource, options: DriverOptions = {}): Promise<DriverSession> {
  return 'command' in source ? startProcessDriver(source.command, options) : startModuleDriver(source.module, options);
}

export function describeSource(source: DriverSource): string {
  return 'command' in source ? `--driver ${JSON.stringify(source.command)}` : `--driver-module ${source.module}`;
}

/** The options that name the driver, as words of a command line (toolCommand quotes them). */
export function sourceWords(source: DriverSource): string[] {
  return 'command' in source ? ['--driver', source.command] : ['--driver-module', source.module];
}
