// `check` on the exception-path profiles (issue 12): the fixed relays (kni-mc, tap-relay) pass
// over every physical profile, strict tables smaller than the lists included; the broken ones
// (kni-stub, tap-stub, kni-flags) fail, each with a loss. kni-mc and the broken ones here;
// tap-relay, virtio-user-relay and macvtap-libvirt in check-profiles-relays.test.ts.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { PHYSICAL, expectLoss, expectPasses, hugeLower, scratchDir } from './check-profile.ts';

const tmp = scratchDir();

describe('check over every physical profile: kni-mc', () => {
  it('bare names stand on exact-strict:4, a strict table smaller than the lists', () => {
    expect(resolveProfile('kni-mc').name).toBe('kni-mc+exact-strict:4');
    expect(resolveProfile('kni-mc').stacked?.lower.name).toBe('exact-strict:4');
    expect(() => resolveProfile('kni-mc+kni-mc')).toThrow(/physical profile/);
    expect(() => resolveProfile('tun+e100')).toThrow(/not a stacked device/);
  });

  it('only lowers past 2,000 entries (vmxnet3) leave out the scenario property (check-profile.ts)', () => {
    expect(PHYSICAL.filter((p) => hugeLower(`kni-mc+${p}`))).toEqual(['vmxnet3']);
    expect(hugeLower('tap-relay+vmxnet3')).toBe(true);
  });

  it.each(PHYSICAL.map((p) => `kni-mc+${p}`))('%s passes', async (profile) => {
    await expectPasses(profile, join(tmp, 'pass'));
  });

  it.each(['kni-stub', 'kni-promisc', 'tap-stub', 'kni-flags', 'virtio-user-stub', 'kni-stub+mlx5-dpdk', 'tap-stub+e1000:0', 'virtio-user-stub+virtio-dpdk', 'kni-flags+i40e-dpdk'])('%s fails with a loss', async (profile) => {
    await expectLoss(profile, join(tmp, 'fail'));
  });
});
