import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './test/sequencer.ts';

/**
 * The guest phase: the test files that may boot the QEMU guest (docs/guest.md) — test/guest, and
 * the route / VLAN / bond differentials, which run on this machine's kernel where it has the
 * features and in the guest where it lacks them. `vitest run` runs the other files first (project
 * `main`), then these (project `guest`); test/summary-reporter.ts prints each phase's wall time.
 */
export const GUEST_PHASE = [
  'test/guest/**/*.test.ts',
  'test/kernel/route-differential.test.ts',
  'test/kernel/route-cli.test.ts',
  'test/kernel/stacked-differential.test.ts',
];

export default defineConfig({
  test: {
    // Bounds against hangs, not speed budgets (test/bounds.ts): the suite passes on busy cores.
    testTimeout: 900_000,
    hookTimeout: 900_000,
    // Two cores on every machine: a fork per core.
    pool: 'forks',
    // Test files of one worker share their modules (no re-import per file: about 20 s less on
    // 2 cores). Tests must not depend on a cold cache or leave global state behind.
    isolate: false,
    // Removes the profile plug-ins a test file registered once it ends (test/setup-file.ts).
    setupFiles: ['./test/setup-file.ts'],
    // Builds the CLI once per run for the tests' child processes (test/cli-build/build.ts).
    globalSetup: ['./test/cli-build/global-setup.ts'],
    maxWorkers: 2,
    // The longest files first, a fresh clone's run included (test/sequencer.ts): the workers end together.
    sequence: { sequencer: LongestFirst },
    reporters: ['default', './test/summary-reporter.ts'],
    // Two phases, one after the other (sequence.groupOrder): `--project main` or `--project guest`
    // runs one of them.
    projects: [
      {
        extends: true,
        test: {
          name: 'main',
          include: ['properties/**/*.test.ts', 'test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, ...GUEST_PHASE],
          sequence: { groupOrder: 0 },
        },
      },
      { extends: true, test: { name: 'guest', include: GUEST_PHASE, sequence: { groupOrder: 1 } } },
    ],
  },
});
