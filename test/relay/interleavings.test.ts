// Generated interleavings of host list changes, KNI kernel-thread passes, application passes
// and jiffies (with request timeouts), over strict tables smaller than the lists and over hash
// tables. Properties: at most one request in flight; once quiet, no loss, exact when the table
// can hold the list, the last list wins.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { RELAY_KINDS } from '../../src/relay/device.ts';
import { BROADCAST, EXACT_CAPACITY, HASH_PROFILES, OTHER_UNICAST, OWN, STRANGER, eventArb, play, poolFor, quietProperty, relay } from './helpers.ts';

const PROFILES = [...Object.keys(EXACT_CAPACITY), ...HASH_PROFILES];
const RUNS = 150;

describe('kni-mc: interleavings', () => {
  for (const profile of PROFILES) {
    it(`over ${profile}: quiet means no loss, exact table, last list wins, one request in flight`, () => {
      fc.assert(quietProperty('kni-mc', profile), { numRuns: RUNS });
    });
  }
});

describe('tap-relay: interleavings', () => {
  for (const profile of PROFILES) {
    it(`over ${profile}: quiet means no loss, exact table, last list wins`, () => {
      fc.assert(quietProperty('tap-relay', profile), { numRuns: RUNS });
    });
  }
});

describe('kni-mc and tap-relay program the same acceptance once quiet', () => {
  for (const profile of PROFILES) {
    it(`over ${profile}`, () => {
      const pool = poolFor(profile);
      const probes = [...pool, STRANGER, OWN, OTHER_UNICAST, BROADCAST];
      fc.assert(
        fc.property(fc.array(eventArb(pool), { maxLength: 30 }), (events) => {
          const kni = relay('kni-mc', profile);
          const tap = relay('tap-relay', profile);
          play(kni, events);
          play(tap, events);
          kni.settle();
          tap.settle();
          for (const m of probes) expect(kni.accept(m), m).toBe(tap.accept(m));
        }),
        { numRuns: RUNS },
      );
    });
  }
});

describe('every relay kind keeps at most one request in flight and settles', () => {
  for (const kind of RELAY_KINDS) {
    it(kind, () => {
      const pool = poolFor('exact-strict:4');
      fc.assert(
        fc.property(fc.array(eventArb(pool), { maxLength: 30 }), (events) => {
          const dev = relay(kind, 'exact-strict:4');
          play(dev, events);
          dev.settle();
          expect(dev.quiet()).toBe(true);
          expect(dev.inFlight()).toBe(0);
        }),
        { numRuns: 100 },
      );
    });
  }
});

describe('the generated interleavings reach what the properties are about', () => {
  for (const profile of Object.keys(EXACT_CAPACITY)) {
    it(`over ${profile}: lists over the table, timeouts and late answers all occur`, () => {
      const pool = poolFor(profile);
      const capacity = EXACT_CAPACITY[profile]!;
      const seen = { overTable: 0, timeouts: 0, stale: 0 };
      fc.assert(
        fc.property(fc.array(eventArb(pool), { maxLength: 30 }), (events) => {
          const dev = relay('kni-mc', profile);
          const last = play(dev, events);
          dev.settle();
          if (last.mc.length > capacity) seen.overTable++;
          const counters = (dev.state() as { channel: { counters: { timeouts: number; staleResponses: number } } }).channel.counters;
          if (counters.timeouts > 0) seen.timeouts++;
          if (counters.staleResponses > 0) seen.stale++;
        }),
        { numRuns: RUNS, seed: 2026 },
      );
      expect(seen.overTable).toBeGreaterThan(0);
      expect(seen.timeouts).toBeGreaterThan(0);
      expect(seen.stale).toBeGreaterThan(0);
    });
  }
});
