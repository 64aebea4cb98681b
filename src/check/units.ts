// What `check` runs and reports: one property on one profile (a unit), its outcome, the events a
// progress display hears, and the seed each profile runs with. The runner (./runner.ts), its
// worker threads (./parallel.ts) and the reports (src/results, src/progress) share these.
import type { FaultSet } from '../faults.ts';
import type { AnyStep, Scenario } from '../scenario/types.ts';
import type { ProfilePropertyName } from './properties.ts';
import type { ShardSpec } from './shard.ts';

export interface CheckOptions {
  /** [] = every builtin profile (builtinProfiles() of src/profiles/registry.ts). */
  profiles: string[];
  /** fc.check numRuns per property and profile. */
  runs: number;
  seed?: number;
  /** Replay path printed by a failing run ("model~..." or "scenario~..."); needs `seed`. */
  path?: string;
  faults: FaultSet;
  fixturesDir: string;
  log: (line: string) => void;
  progress: (line: string) => void;
  /** Runs only this shard's (profile, property) units (./shard.ts); needs `seed`. */
  shard?: ShardSpec;
  /** Only these properties of each profile (absent: every property `check` runs on it). */
  properties?: readonly ProfilePropertyName[];
  /** Records an identifier per generated case in UnitOutcome.caseIds. */
  recordCases?: boolean;
  /** Worker threads for the units (./parallel.ts); 1 or absent: this thread. */
  jobs?: number;
  events?: CheckEvents;
}

/** One property on one profile: what `check` runs, reports and shards. */
export interface CheckUnit {
  readonly profile: string;
  readonly property: ProfilePropertyName;
}

export interface UnitOutcome extends CheckUnit {
  readonly ok: boolean;
  /** Generated cases run (shrink candidates not counted). */
  readonly runs: number;
  readonly timeMs: number;
  readonly profileSeed: number;
  readonly caseIds?: readonly string[];
  readonly failure?: CheckFailure;
}

/** What a progress display needs to know while check runs. */
export interface CheckEvents {
  /** Once, before the first unit: the units this run (or shard) will run. */
  plan?(units: readonly CheckUnit[], runsPerUnit: number): void;
  /** Every generated case as it starts (not the shrink candidates). */
  run?(unit: CheckUnit): void;
  /** Every shrink candidate tried after a failure. */
  shrink?(unit: CheckUnit): void;
  unitDone?(outcome: UnitOutcome): void;
}

export interface CheckFailure {
  profile: string;
  property: string;
  message: string;
  /** The run's seed (--seed); the replay line names it with the profile. */
  seed: number;
  /** The seed fast-check ran this profile with: profileSeed(seed, profile). */
  profileSeed: number;
  path: string;
  steps: AnyStep[];
  fixture?: string;
  /** The command line that replays this failure. */
  replay?: string;
  /** model and scenario properties: the shrunk scenario that was saved (or would have been). */
  scenario?: Scenario;
  /** route and relay properties: the shrunk case, one JSON line per step or event. */
  lines?: string[];
}

export interface CheckOutcome {
  ok: boolean;
  failures: CheckFailure[];
  /** The seed the run used (given or drawn). */
  seed: number;
  /** Every unit that ran, in order. */
  units: UnitOutcome[];
}


/**
 * The seed one profile runs with, derived from the run's seed and the profile's name (FNV-1a
 * over both), so that a run over 30 profiles explores 30 different sets of scenarios while
 * `--seed S --profile P` alone reproduces profile P's part of a run with seed S.
 */
export function profileSeed(seed: number, profile: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}/${profile}`) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
