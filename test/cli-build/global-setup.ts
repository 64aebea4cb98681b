// vitest globalSetup (vitest.config.ts): builds the CLI for the child processes of this run
// (build.ts), and removes the build when the run ends. vitest calls the setup of every project
// (the root and the phases that extend it) one after the other before the first test: the first
// call builds, the others find it done.
import { buildCli, removeCliBuild } from './build.ts';

const BUILT = Symbol.for('mcast-testbench.test-cli-build');

export default async function setup(): Promise<(() => void) | undefined> {
  const scope = globalThis as { [BUILT]?: true };
  if (scope[BUILT]) return undefined;
  scope[BUILT] = true;
  await buildCli();
  return removeCliBuild;
}
