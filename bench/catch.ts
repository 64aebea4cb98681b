// Benchmark 4: time to catch. Each catalog fault under `check` on its catalog profile (default
// runs), over several seeds: the median wall time until check prints the first counterexample
// (the failing unit found and shrank it) and the median length of the shrunk counterexample.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FAULT_PROFILES } from '../src/check/fault-catalog.ts';
import { runCheck } from '../src/check/runner.ts';
import type { UnitOutcome } from '../src/check/units.ts';
import { FAULTS, type FaultName } from '../src/faults.ts';
import { median, seconds } from './data.ts';

export interface CatchRow {
  readonly fault: string;
  readonly profile: string;
  readonly caught: number;
  readonly seeds: number;
  readonly medianSeconds: number;
  readonly medianSteps: number | null;
}

/** `only`: measure these faults alone (docs/real-bugs.md's rows), in catalog order; default every fault. */
export async function runCatch(seeds: number, log: (l: string) => void, only?: readonly FaultName[]): Promise<CatchRow[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mcast-bench-catch-'));
  const rows: CatchRow[] = [];
  try {
    for (const fault of (Object.keys(FAULTS) as FaultName[]).filter((f) => !only || only.includes(f))) {
      const profile = FAULT_PROFILES[fault][0] as string;
      const times: number[] = [];
      const lengths: number[] = [];
      let caught = 0;
      for (let seed = 1; seed <= seeds; seed++) {
        const t0 = process.hrtime.bigint();
        // Caught when the first failing (profile, property) unit ends: `check` prints its
        // counterexample then, while the profile's other properties go on running.
        let caughtAt: number | null = null;
        const unitDone = (u: UnitOutcome): void => {
          if (!u.ok && caughtAt === null) caughtAt = seconds(t0);
        };
        const outcome = await runCheck({ profiles: [profile], runs: 200, seed, faults: new Set([fault]), fixturesDir: join(dir, `${fault}-${seed}`), log: () => {}, progress: () => {}, events: { unitDone } });
        times.push(caughtAt ?? seconds(t0));
        const first = outcome.failures[0];
        if (first) {
          caught++;
          if (first.steps.length > 0) lengths.push(first.steps.length);
        }
      }
      const row = { fault, profile, caught, seeds, medianSeconds: median(times), medianSteps: lengths.length > 0 ? median(lengths) : null };
      rows.push(row);
      log(`catch ${fault} on ${profile}: ${caught}/${seeds} seeds, median ${row.medianSeconds.toFixed(2)} s, median ${row.medianSteps ?? '-'} steps`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  return rows;
}
