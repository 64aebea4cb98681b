import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['properties/**/*.test.ts', 'test/**/*.test.ts'],
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
    maxWorkers: 2,
    reporters: ['default', './test/summary-reporter.ts'],
  },
});
