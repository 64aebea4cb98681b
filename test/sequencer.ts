// vitest sequence.sequencer (vitest.config.ts): the longest test files first, so that the two
// workers end together instead of one of them running a long file alone at the end.
//
// vitest's own order is by the durations of the last run (its results cache, under
// node_modules/.vite) and, without one, by file size, largest first. A fresh clone has no cache,
// and file size says little here: the fault catalog's two files are four lines each and take the
// longest of all, so they ran last, one worker alone for their last 7-13 s. Without a cached
// duration a file takes its duration from EXPECTED_SECONDS (expected-seconds.ts, measured on two
// cores; a file missing there counts as short). A stale entry costs only time: the order never
// changes what a test proves.
import { BaseSequencer, type TestSpecification } from 'vitest/node';
import { EXPECTED_SECONDS } from './expected-seconds.ts';

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root.replace(/\/?$/, '/');
    const key = (spec: TestSpecification): string => `${spec.project.name}:${spec.moduleId.slice(root.length)}`;
    const estimate = (spec: TestSpecification): { failed: boolean; ms: number; size: number } => {
      const cached = this.ctx.cache.getFileTestResults(key(spec));
      const ms = cached?.duration ?? (EXPECTED_SECONDS[spec.moduleId.slice(root.length)] ?? 0) * 1000;
      return { failed: cached?.failed === true, ms, size: this.ctx.cache.getFileStats(key(spec))?.size ?? 0 };
    };
    const est = new Map(files.map((f) => [f, estimate(f)]));
    return [...files].sort((a, b) => {
      // The phases (projects) in their order, as vitest's own sequencer has them.
      const order = a.project.config.sequence.groupOrder - b.project.config.sequence.groupOrder;
      if (order !== 0) return order;
      if (a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      const ea = est.get(a)!;
      const eb = est.get(b)!;
      // A file that failed last time first (quick feedback), then the longest, then the largest.
      if (ea.failed !== eb.failed) return ea.failed ? -1 : 1;
      return eb.ms - ea.ms || eb.size - ea.size;
    });
  }
}
