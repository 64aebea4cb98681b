// The command line of a CLI child process of the tests: `node ARGV...` with cliArgv(args).
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { inject } from 'vitest';
import { ROOT } from './build.ts';

/** bin/mcast-testbench.js: src/ through tsx, as a clone runs the tool. */
export const BIN = join(ROOT, 'bin/mcast-testbench.js');
const SELF_REFERENCE = pathToFileURL(join(import.meta.dirname, 'self-reference.mjs')).href;

/**
 * The arguments after `node` that run the CLI with `args`: the build of this test run
 * (global-setup.ts), or bin/mcast-testbench.js (src/ through tsx) when `sources` is set or an
 * argument names a TypeScript file (a `--profile-module x.ts` plug-in needs tsx's loader, which
 * the build does not register).
 */
export function cliArgv(args: readonly string[], options: { sources?: boolean } = {}): string[] {
  if (options.sources === true || args.some((a) => /\.[mc]?ts$/.test(a))) return [BIN, ...args];
  const build: string | undefined = inject('cliBuild');
  const builtBin = build === undefined ? undefined : join(build, 'cli/bin.js');
  if (builtBin === undefined || !existsSync(builtBin)) throw new Error(`no CLI build (${builtBin ?? 'none provided'}): test/cli-build/global-setup.ts (vitest globalSetup, vitest.config.ts) makes it at the start of a run`);
  // Only a plug-in imports the package by its name, and plug-ins come from --profile-module; the
  // hook costs about 0.2 s of CPU a process (node's loader thread), so the other runs go without.
  const plugins = args.some((a) => a === '--profile-module' || a.startsWith('--profile-module='));
  return plugins ? ['--import', SELF_REFERENCE, builtBin, ...args] : [builtBin, ...args];
}
