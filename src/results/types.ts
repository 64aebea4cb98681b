// The results of one command run (check, check --driver, replay, kernel diff) as a value: one
// case per property and profile (or per replayed file, per driver check), with the shrunk
// counterexample and the replay command of a failure. The JUnit and JSON writers
// (./junit.ts, ./json.ts) only format it; schemas/results.schema.json describes the JSON.

/** The `schema` field of a results file. */
export const RESULTS_SCHEMA_ID = 'mcast-testbench/results@1';

/** passed; failed (a property or a replay failed); error (the driver or the tool broke); skipped. */
export type CaseStatus = 'passed' | 'failed' | 'error' | 'skipped';

export interface ResultCase {
  /** Group of the case: `check <profile>`, `replay`, `check --driver <name>`, `kernel diff`. */
  readonly suite: string;
  /** The case within the suite: the property, the file, the part of the driver check. */
  readonly name: string;
  readonly status: CaseStatus;
  readonly timeMs: number;
  readonly profile?: string;
  readonly property?: string;
  /** Generated cases run (fast-check runs, scenarios, driver runs). */
  readonly runs?: number;
  /** One line: why it failed, was an error, or was skipped. */
  readonly message?: string;
  /** The shrunk counterexample (or transcript, or scenario), one line of text each. */
  readonly counterexample?: readonly string[];
  /** The command that replays the failure. */
  readonly replay?: string;
  /** Where the failure was saved. */
  readonly fixture?: string;
  /**
   * Identifiers of the generated cases that ran (check: profile, property, profile seed, run
   * index and a hash of the generated value), so that runs can be compared case by case.
   */
  readonly caseIds?: readonly string[];
}

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface Results {
  readonly schema: typeof RESULTS_SCHEMA_ID;
  /** `check`, `check --driver`, `replay`, `replay --driver` or `kernel diff`. */
  readonly command: string;
  readonly seed?: number;
  readonly shard?: Shard;
  /** ISO 8601, UTC. */
  readonly startedAt: string;
  readonly elapsedMs: number;
  readonly cases: readonly ResultCase[];
}

export interface Totals {
  readonly tests: number;
  readonly passed: number;
  readonly failed: number;
  readonly errors: number;
  readonly skipped: number;
}

export function totals(cases: readonly ResultCase[]): Totals {
  const count = (s: CaseStatus): number => cases.filter((c) => c.status === s).length;
  return { tests: cases.length, passed: count('passed'), failed: count('failed'), errors: count('error'), skipped: count('skipped') };
}

/** Collects cases as a command runs; `results()` closes the run. */
export class ResultsCollector {
  private readonly cases: ResultCase[] = [];
  private readonly started: number;
  constructor(
    readonly command: string,
    private readonly now: () => number = Date.now,
    private readonly extra: { seed?: number; shard?: Shard } = {},
  ) {
    this.started = now();
  }

  add(c: ResultCase): void {
    this.cases.push(c);
  }

  setSeed(seed: number): void {
    this.extra.seed = seed;
  }

  results(): Results {
    return {
      schema: RESULTS_SCHEMA_ID,
      command: this.command,
      ...(this.extra.seed !== undefined ? { seed: this.extra.seed } : {}),
      ...(this.extra.shard !== undefined ? { shard: this.extra.shard } : {}),
      startedAt: new Date(this.started).toISOString(),
      elapsedMs: Math.max(0, this.now() - this.started),
      cases: [...this.cases],
    };
  }
}
