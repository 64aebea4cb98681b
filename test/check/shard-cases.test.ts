// shardCases: the cases of one fc.check run split by case number (check --driver --shard).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { shardCases } from '../../src/check/shard.ts';

describe('shardCases', () => {
  it('shards 1/n..n/n take every case exactly once; no shard takes everything unless n = 1', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 60 }), (n, cases) => {
        const owners = Array.from({ length: cases }, () => [] as number[]);
        for (let i = 1; i <= n; i++) {
          const f = shardCases({ index: i, count: n });
          for (let k = 0; k < cases; k++) if (f.take()) owners[k]!.push(i);
        }
        expect(owners.every((o) => o.length === 1)).toBe(true);
      }),
    );
  });

  it('after a failure every further call (a shrink candidate) runs', () => {
    const f = shardCases({ index: 2, count: 3 });
    expect([f.take(), f.take()]).toEqual([false, true]);
    f.failed();
    expect([f.take(), f.take(), f.take()]).toEqual([true, true, true]);
    const all = shardCases(undefined);
    expect([all.take(), all.take()]).toEqual([true, true]);
  });
});
