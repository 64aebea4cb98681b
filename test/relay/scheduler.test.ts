// The same relay properties with fast-check's scheduler choosing the order in which three
// concurrent actors run: the host changing the list, the KNI kernel thread and the DPDK
// application's loop.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { RelayOptions } from '../../src/relay/device.ts';
import { RELAY_DROPS_LAST_UPDATE } from '../../src/relay/faults.ts';
import { checkQuiet, mode, poolFor, relay } from './helpers.ts';

const PASSES = 6;

function scheduledProperty(profile: string, options: RelayOptions = {}) {
  const pool = poolFor(profile);
  return fc.asyncProperty(fc.scheduler(), fc.array(fc.subarray(pool), { minLength: 1, maxLength: 4 }), async (s, lists) => {
    const dev = relay('kni-mc', profile, options);
    const actor = async (label: string, passes: number, body: (i: number) => void): Promise<void> => {
      for (let i = 0; i < passes; i++) {
        await s.schedule(Promise.resolve(), `${label} ${i}`);
        body(i);
        expect(dev.inFlight()).toBeLessThanOrEqual(1);
      }
    };
    const all = Promise.all([
      actor('host set', lists.length, (i) => dev.setRxMode(mode(lists[i]!))),
      actor('kernel thread', PASSES, () => dev.kernelThreadPoll()),
      actor('application', PASSES, () => dev.userLoopPoll()),
    ]);
    await s.waitFor(all);
    dev.settle();
    checkQuiet(dev, mode(lists[lists.length - 1]!), profile, pool);
  });
}

describe('kni-mc under fc.scheduler', () => {
  for (const profile of ['exact-strict:4', 'dpdk-vf:16', 'mlx5-dpdk']) {
    it(`over ${profile}: any order of host, kernel thread and application ends with the last list, no loss`, async () => {
      await fc.assert(scheduledProperty(profile), { numRuns: 150 });
    });
  }

  it(`catches ${RELAY_DROPS_LAST_UPDATE}`, async () => {
    const details = await fc.check(scheduledProperty('exact-strict:4', { faults: new Set([RELAY_DROPS_LAST_UPDATE]) }), {
      numRuns: 300,
      seed: 12,
    });
    expect(details.failed).toBe(true);
  });
});
