// Intents: a step before it meets the state, a kind and a few small numbers. Shrinking works on
// these; ./step-context.ts turns them into valid steps.
import fc from 'fast-check';

// ---- intents -----------------------------------------------------------------------------

/** The largest threshold a fill intent crosses (mlx5-dpdk's 127); tulip's 1000 is left to the driver contract. */
export const FILL_MAX_LIMIT = 130;

export type IntentKind =
  | 'join'
  | 'open'
  | 'send'
  | 'frame'
  | 'leave'
  | 'close'
  | 'maddr'
  | 'promisc'
  | 'allmulti'
  | 'burst'
  | 'fill'
  | 'filter-pair'
  | 'twin-join'
  | 'link';

/** A step before it meets the state: its kind and six small numbers that pick from the pools. */
export interface Intent {
  readonly kind: IntentKind;
  readonly p: readonly [number, number, number, number, number, number];
  /**
   * Source picks of a source-specific join: 0-12 random ones, or a run of 9-12 or 62-66 distinct
   * ones, around igmp_max_msf (10) and mld_max_msf (64).
   */
  readonly sources: readonly number[];
}

const pick = fc.nat(0xffff);

export function intentArbitrary(options: { burst?: boolean } = {}): fc.Arbitrary<Intent> {
  const kinds: { weight: number; arbitrary: fc.Arbitrary<IntentKind> }[] = [
    { weight: 7, arbitrary: fc.constant('join' as const) },
    { weight: 4, arbitrary: fc.constant('open' as const) },
    { weight: 5, arbitrary: fc.constant('send' as const) },
    { weight: 4, arbitrary: fc.constant('frame' as const) },
    { weight: 3, arbitrary: fc.constant('leave' as const) },
    { weight: 1, arbitrary: fc.constant('close' as const) },
    { weight: 2, arbitrary: fc.constant('maddr' as const) },
    { weight: 1, arbitrary: fc.constant('promisc' as const) },
    { weight: 1, arbitrary: fc.constant('allmulti' as const) },
    { weight: 2, arbitrary: fc.constant('link' as const) },
  ];
  if (options.burst ?? true) {
    kinds.push(
      { weight: 1, arbitrary: fc.constant('burst' as const) },
      { weight: 1, arbitrary: fc.constant('fill' as const) },
      { weight: 1, arbitrary: fc.constant('filter-pair' as const) },
      { weight: 1, arbitrary: fc.constant('twin-join' as const) },
    );
  }
  const run = (min: number, max: number) =>
    fc.tuple(fc.integer({ min, max }), fc.nat(15)).map(([n, from]) => Array.from({ length: n }, (_, i) => from + i));
  return fc.record({
    kind: fc.oneof(...kinds),
    p: fc.tuple(pick, pick, pick, pick, pick, pick),
    sources: fc.oneof(
      { weight: 6, arbitrary: fc.constant([] as number[]) },
      { weight: 4, arbitrary: fc.array(fc.nat(15), { minLength: 1, maxLength: 12 }) },
      { weight: 1, arbitrary: run(9, 12) },
      { weight: 1, arbitrary: run(62, 66) },
    ),
  });
}
