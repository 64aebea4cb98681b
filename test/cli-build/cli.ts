// The command line of a CLI child process of the tests: `node ARGV...` with cliArgv(args).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { inject } from 'vitest';
import { ROOT } from './build.ts';

/** bin/mcast-testbench.js: src/ through tsx, as a clone runs the tool. */
export const BIN = join(ROOT, 'bin/mcast-testbench.js');
const PLUGIN_LOADER = join(import.meta.dirname, 'plugin-loader.cjs');

/**
 * The arguments after `node` that run the CLI with `args`: the build of this test run
 * (global-setup.ts), or bin/mcast-testbench.js (src/ through tsx) when `sources` is set.
 */
export function cliArgv(args: readonly string[], options: { sources?: boolean } = {}): string[] {
  if (options.sources === true) return [BIN, ...args];
  const build: string | undefined = inject('cliBuild');
  const builtBin = build === undefined ? undefined : join(build, 'cli/bin.js');
  if (builtBin === undefined || !existsSync(builtBin)) throw new Error(`no CLI build (${builtBin ?? 'none provided'}): test/cli-build/global-setup.ts (vitest globalSetup, vitest.config.ts) makes it at the start of a run`);
  // Only a plug-in imports the package by its name or is TypeScript, and plug-ins come from
  // --profile-module (plugin-loader.cjs); the hooks cost about 0.2 s of CPU a process (node's
  // loader thread), so the other runs go without.
  const plugins = args.some((a) => a === '--profile-module' || a.startsWith('--profile-module='));
  return plugins ? ['--require', PLUGIN_LOADER, builtBin, ...args] : [builtBin, ...args];
}
