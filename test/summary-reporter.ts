// Prints the plain closing line CI reads ("N passed, N failed, N skipped") after vitest's own summary.
import type { Reporter, TestModule } from 'vitest/node';

export default class SummaryReporter implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    let passed = 0;
    let failed = 0;
    let skipped = 0;
    for (const mod of testModules) {
      let failedHere = 0;
      for (const t of mod.children.allTests()) {
        const state = t.result().state;
        if (state === 'passed') passed++;
        else if (state === 'failed') failedHere++;
        else skipped++;
      }
      // A suite whose beforeAll/afterAll failed fails with its tests skipped: it counts as a failure.
      for (const suite of mod.children.allSuites()) {
        if (suite.state() === 'failed' && ![...suite.children.allTests()].some((t) => t.result().state === 'failed')) failedHere++;
      }
      // A module that failed to load (or in a top-level hook) with no failed test or suite: one failure.
      if (mod.state() === 'failed' && failedHere === 0) failedHere = 1;
      failed += failedHere;
    }
    process.stdout.write(`\nvitest: ${passed} passed, ${failed} failed, ${skipped} skipped\n`);
    process.stdout.write(`${timeByFolder(testModules)}\n`);
  }
}

/**
 * Where the time went: each top folder's test files, their tests and hooks summed (two workers
 * run side by side, so the sum exceeds the wall time). test/guest is the guest's own part; the
 * route, VLAN and bond differentials count under kernel, wherever they ran (here or in the guest).
 */
export function timeByFolder(testModules: ReadonlyArray<TestModule>): string {
  const byFolder = new Map<string, number>();
  for (const mod of testModules) {
    const rel = mod.moduleId.replace(/\\/g, '/').split('/test/').at(-1) ?? mod.moduleId;
    const folder = mod.moduleId.includes('/properties/') ? 'properties' : rel.includes('/') ? (rel.split('/')[0] as string) : 'test';
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + mod.diagnostic().duration);
  }
  const rows = [...byFolder].sort((a, b) => b[1] - a[1]).map(([f, ms]) => `${f} ${(ms / 1000).toFixed(0)} s`);
  return `vitest time by folder (tests and hooks summed over both workers): ${rows.join(', ')}`;
}
