// vitest globalSetup (vitest.config.ts): builds the CLI for the child processes of this run
// (build.ts) into a folder of its own, hands its path to the test files (inject('cliBuild'),
// cli.ts), and removes it when the run ends. vitest calls the setup of every project (the root
// and the phases that extend it) one after the other before the first test: the first call
// builds, every call hands the same folder to its project.
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { ROOT, buildCli, removeCliBuild } from './build.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    /** The folder of this run's CLI build (`.test-cli-PID` below the root). */
    cliBuild: string;
  }
}

const BUILT = Symbol.for('mcast-testbench.test-cli-build');

export default async function setup(project: TestProject): Promise<(() => void) | undefined> {
  const scope = globalThis as { [BUILT]?: string };
  let teardown: (() => void) | undefined;
  if (scope[BUILT] === undefined) {
    // One folder per run (this vitest process): two runs in one clone never share or remove each other's.
    const dir = join(ROOT, `.test-cli-${process.pid}`);
    scope[BUILT] = dir;
    await buildCli(dir);
    teardown = () => removeCliBuild(dir);
  }
  project.provide('cliBuild', scope[BUILT]);
  return teardown;
}
