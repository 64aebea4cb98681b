// `check` on the exception-path profiles (issue 12), the other relays (kni-mc and the broken
// relays: check-profiles.test.ts): tap-relay over every physical profile, virtio-user-relay over
// the DPDK ports, macvtap-libvirt over kernel NICs.
import { join } from 'node:path';
import { describe, it } from 'vitest';
import { PHYSICAL, expectPasses, scratchDir } from './check-profile.ts';

const tmp = scratchDir();

describe('check over every physical profile: tap-relay, virtio-user-relay, macvtap-libvirt', () => {
  it.each(PHYSICAL.map((p) => `tap-relay+${p}`))('%s passes', async (profile) => {
    await expectPasses(profile, join(tmp, 'pass'));
  });

  // virtio-user-relay shares tap-relay's mirroring (src/relay/tap.ts): over the DPDK ports only.
  it.each(['mlx5-dpdk', 'virtio-dpdk', 'virtio-dpdk-noctrl', 'i40e-dpdk', 'enic-dpdk', 'exact-strict:4'].map((p) => `virtio-user-relay+${p}`))('%s passes', async (profile) => {
    await expectPasses(profile, join(tmp, 'pass'));
  });

  // A guest behind a host macvtap, libvirt relaying (src/relay/macvtap.ts): over kernel NICs.
  it.each(['ldd3-ff:4', 'accept-all', 'hash64', 'e1000:0', 'virtio-qemu', 'tulip'].map((p) => `macvtap-libvirt+${p}`))('%s passes', async (profile) => {
    await expectPasses(profile, join(tmp, 'pass'));
  });
});
