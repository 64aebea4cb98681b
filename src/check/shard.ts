// `check --shard i/n`: the (profile, property) units of a run, dealt round-robin to n shards in
// the run's fixed order. Each unit runs with the same profile seed and runs wherever it lands,
// so shards 1/n..n/n with one seed together run exactly the cases of the unsharded run.
export interface ShardSpec {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

/** The units of shard `index` of `count`: every count-th unit, starting at index - 1. */
export function shardUnits<T>(units: readonly T[], shard: ShardSpec): T[] {
  return units.filter((_, k) => k % shard.count === shard.index - 1);
}

/**
 * Which generated cases of one fc.check run belong to `shard` (by case number, k mod n): for the
 * driver check, whose units are two long properties. Once a case of the shard has failed, every
 * later call is one of fast-check's shrink candidates and runs.
 */
export function shardCases(shard: ShardSpec | undefined): { take(): boolean; failed(): void } {
  let k = 0;
  let shrinking = false;
  return {
    take: () => shard === undefined || shrinking || k++ % shard.count === shard.index - 1,
    failed: () => {
      shrinking = true;
    },
  };
}

/** "i/n" with 1 <= i <= n as a ShardSpec, or why it is not one. */
export function parseShard(value: string): ShardSpec | { readonly error: string } {
  const m = /^([0-9]+)\/([0-9]+)$/.exec(value);
  if (!m) return { error: 'must be i/n, e.g. 2/3 (the second of three shards)' };
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (!Number.isSafeInteger(count) || count < 1) return { error: `the shard count must be at least 1, got ${m[2]}` };
  if (!Number.isSafeInteger(index) || index < 1 || index > count) return { error: `the shard index must be from 1 to ${count}, got ${m[1]}` };
  return { index, count };
}
