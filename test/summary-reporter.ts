// Prints the plain closing lines CI reads after vitest's own summary: "N passed, N failed, N
// skipped" for the run and for each phase (vitest.config.ts: `main`, everything but the guest, then
// `guest`), each phase's wall time, and where the time went per test folder.
import type { Reporter, TestModule } from 'vitest/node';

interface Counts {
  passed: number;
  failed: number;
  skipped: number;
}

export default class SummaryReporter implements Reporter {
  private start = Date.now();
  /** Per phase (vitest project): when its first test file started and its last one ended. */
  private readonly phases = new Map<string, { first: number; last: number }>();

  onTestRunStart(): void {
    this.start = Date.now();
    this.phases.clear();
  }

  onTestModuleStart(mod: TestModule): void {
    const now = Date.now();
    const p = this.phases.get(mod.project.name);
    if (p) p.first = Math.min(p.first, now);
    else this.phases.set(mod.project.name, { first: now, last: now });
  }

  onTestModuleEnd(mod: TestModule): void {
    const p = this.phases.get(mod.project.name);
    if (p) p.last = Math.max(p.last, Date.now());
  }

  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const end = Date.now();
    const all = count(testModules);
    process.stdout.write(`\nvitest: ${all.passed} passed, ${all.failed} failed, ${all.skipped} skipped\n`);
    // Phases in the order they ran; the first counts from the run's start (workers, collection).
    const order = [...this.phases].sort((a, b) => a[1].first - b[1].first);
    order.forEach(([name, p], i) => {
      const mods = testModules.filter((m) => m.project.name === name);
      const c = count(mods);
      const from = i === 0 ? this.start : Math.min(p.first, order[i - 1]![1].last);
      const to = i === order.length - 1 ? end : p.last;
      const label = name === 'guest' ? 'guest phase (test/guest and the differentials that may boot the guest)' : name === 'main' ? 'main phase (everything but the guest)' : `phase ${name || '(default)'}`;
      process.stdout.write(`${label}: ${wall(to - from)} wall, ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped; ${timeByFolder(mods)}\n`);
    });
  }
}

function wall(ms: number): string {
  const s = Math.round(ms / 1000);
  return s >= 60 ? `${Math.floor(s / 60)} min ${s % 60} s` : `${s} s`;
}

function count(testModules: ReadonlyArray<TestModule>): Counts {
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
  return { passed, failed, skipped };
}

/**
 * Where the time went: each top folder's test files, their tests and hooks summed (two workers
 * run side by side, so the sum exceeds the wall time).
 */
export function timeByFolder(testModules: ReadonlyArray<TestModule>): string {
  const byFolder = new Map<string, number>();
  for (const mod of testModules) {
    const rel = mod.moduleId.replace(/\\/g, '/').split('/test/').at(-1) ?? mod.moduleId;
    const folder = mod.moduleId.includes('/properties/') ? 'properties' : rel.includes('/') ? (rel.split('/')[0] as string) : 'test';
    byFolder.set(folder, (byFolder.get(folder) ?? 0) + mod.diagnostic().duration);
  }
  const rows = [...byFolder].sort((a, b) => b[1] - a[1]).map(([f, ms]) => `${f} ${(ms / 1000).toFixed(0)} s`);
  return `time by folder (tests and hooks summed over both workers): ${rows.join(', ') || 'none'}`;
}
