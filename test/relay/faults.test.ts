// Each relay fault is caught by the interleaving property, with a short counterexample.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RELAY_DROPS_LAST_UPDATE, RELAY_FAULTS, RELAY_TRUNCATES_LIST, isRelayFaultName } from '../../src/relay/faults.ts';
import { quietProperty } from './helpers.ts';

const SEED = 12;
const RUNS = 500;
const SHORT = 8;

function failingCounterexample(property: fc.IProperty<[unknown]>): unknown[] {
  const details = fc.check(property, { seed: SEED, numRuns: RUNS });
  expect(details.failed, 'the property should have caught the fault').toBe(true);
  return details.counterexample?.[0] as unknown[];
}

describe('relay faults', () => {
  it('names exactly the relay, stacked-device and DPDK application faults', () => {
    expect(Object.keys(RELAY_FAULTS).sort()).toEqual([
      'app-allmulti-never-off',
      'app-enotsup-fatal',
      'app-flag-clears-fallback',
      'libvirt-mc-overflow-ignored',
      'macvlan-allmulti-while-down',
      'relay-drops-last-update',
      'relay-truncates-list',
      'unsync-removes-used',
    ]);
    expect(isRelayFaultName('relay-truncates-list')).toBe(true);
    expect(isRelayFaultName('sticky-allmulti')).toBe(false);
  });

  for (const profile of ['exact-strict:4', 'dpdk-vf:16', 'ixgbe']) {
    it(`${RELAY_DROPS_LAST_UPDATE} is caught over ${profile} (kni-mc)`, () => {
      const faults = new Set([RELAY_DROPS_LAST_UPDATE]);
      const events = failingCounterexample(quietProperty('kni-mc', profile, { faults }) as fc.IProperty<[unknown]>);
      expect(events.length).toBeLessThanOrEqual(SHORT);
      // The same property holds without the fault (the fault is what it caught).
      expect(fc.check(quietProperty('kni-mc', profile), { seed: SEED, numRuns: RUNS }).failed).toBe(false);
    });
  }

  for (const kind of ['kni-mc', 'tap-relay'] as const) {
    for (const profile of ['exact-strict:4', 'dpdk-vf:16']) {
      it(`${RELAY_TRUNCATES_LIST} is caught over ${profile} (${kind}): the PMD refuses, the list is cut`, () => {
        const faults = new Set([RELAY_TRUNCATES_LIST]);
        const events = failingCounterexample(quietProperty(kind, profile, { faults }) as fc.IProperty<[unknown]>);
        expect(events.length).toBeLessThanOrEqual(SHORT);
        expect(fc.check(quietProperty(kind, profile), { seed: SEED, numRuns: RUNS }).failed).toBe(false);
      });
    }
  }

  it(`${RELAY_TRUNCATES_LIST} is caught over a hash table when the list outgrows a small sync area (kni-mc)`, () => {
    const faults = new Set([RELAY_TRUNCATES_LIST]);
    const syncBytes = 22 + 6 * 3; // room for 3 MACs
    const events = failingCounterexample(quietProperty('kni-mc', 'ixgbe', { faults, syncBytes }) as fc.IProperty<[unknown]>);
    expect(events.length).toBeLessThanOrEqual(SHORT);
    expect(fc.check(quietProperty('kni-mc', 'ixgbe', { syncBytes }), { seed: SEED, numRuns: RUNS }).failed).toBe(false);
  });
});
