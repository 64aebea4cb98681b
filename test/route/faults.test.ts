// Each routing fault, injected into the model, is caught by the routing properties with a short
// shrunk counterexample (at most a few steps beyond the fixed router setup).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RouteOracleOp } from '../../src/oracle/route/types.ts';
import { ROUTE_FAULTS, type RouteFaultName, isRouteFaultName } from '../../src/route/index.ts';
import { ROUTER_SETUP } from '../../src/route/arbitraries.ts';
import { countersProperty, oracleProperty, queueProperty } from './properties.ts';

const CATCHERS: Record<RouteFaultName, (f: ReadonlySet<string>) => fc.IPropertyWithHooks<[RouteOracleOp[]]>> = {
  'ttl-threshold-ge': oracleProperty,
  'ttl-255-forwarded': oracleProperty,
  'unres-fifth-queued': queueProperty,
  'unres-forward-after-expiry': queueProperty,
  'unres-replay-reordered': queueProperty,
  'vif-no-allmulti': countersProperty,
  'mfc-keyed-by-sg': oracleProperty,
};
const MAX_EXTRA_STEPS = 8;

describe('routing faults are caught', () => {
  it('every catalog name is a route fault and has a catcher', () => {
    expect(Object.keys(CATCHERS).sort()).toEqual(Object.keys(ROUTE_FAULTS).sort());
    expect(isRouteFaultName('ttl-threshold-ge')).toBe(true);
    expect(isRouteFaultName('no-such-fault')).toBe(false);
  });

  for (const name of Object.keys(CATCHERS) as RouteFaultName[]) {
    it(`${name}: ${ROUTE_FAULTS[name]}`, () => {
      const details = fc.check(CATCHERS[name](new Set([name])), { numRuns: 2000, seed: 13 });
      expect(details.failed, `${name} was not caught`).toBe(true);
      const [ops] = details.counterexample ?? [[]];
      const extra = ops.length - (ops.slice(0, ROUTER_SETUP.length).every((o, i) => JSON.stringify(o) === JSON.stringify(ROUTER_SETUP[i])) ? ROUTER_SETUP.length : 0);
      expect(extra, JSON.stringify(ops)).toBeLessThanOrEqual(MAX_EXTRA_STEPS);
      // And the faultless model passes the same property with the same seed.
      expect(fc.check(CATCHERS[name](new Set()), { numRuns: 200, seed: 13 }).failed).toBe(false);
    });
  }
});
