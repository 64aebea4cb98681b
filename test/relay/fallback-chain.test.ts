// Issue 24: the DPDK application's fallback chain (list -> all-multicast -> promiscuous) over the
// ethdev calls of every DPDK port profile, and the answers the PMDs give (src/nic/ethdev.ts),
// each written out here from the PMD's source rather than read back from the model.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/faults.ts';
import { builtinProfiles, resolveProfile } from '../../src/profiles/registry.ts';
import { fallbackChainProperty } from '../../src/relay/fallback-chain.ts';
import { RELAY_OWN_MAC, RELAY_STRANGER, relayGroups } from '../../src/relay/interleavings.ts';
import { PmdPort } from '../../src/relay/pmd-port.ts';
import { propertiesFor } from '../../src/check/properties.ts';

const ENOTSUP = -95;
const ENOSPC = -28;
const EINVAL = -22;

function port(name: string) {
  const nic = resolveProfile(name).create(RELAY_OWN_MAC, NO_FAULTS);
  if (!nic.ethdev) throw new Error(`${name} has no ethdev calls`);
  return { nic, eth: nic.ethdev };
}

describe('the PMDs answer rte_eth_dev_set_mc_addr_list as their sources do', () => {
  it.each([
    // [profile, the longest list taken, the answer one more gets]
    ['mlx5-dpdk', 127, ENOSPC], // mlx5_mac.c: nb_mc_addr >= MLX5_MAX_MC_MAC_ADDRESSES (128)
    ['hns3-dpdk', 128, EINVAL], // hns3_ethdev.c: nb_mc_addr > HNS3_MC_MACADDR_NUM (128)
    ['enic-dpdk', 32, ENOSPC], // enic_ethdev.c: nb_mc_addr > ENIC_MULTICAST_PERFECT_FILTERS (32)
    ['exact-strict:4', 4, ENOSPC],
  ] as const)('%s takes %i groups and answers %i to one more; NULL/0 flushes', (name, max, refusal) => {
    const { nic, eth } = port(name);
    const groups = relayGroups(max + 1);
    expect(eth.setMcAddrList(groups.slice(0, max))).toBe(0);
    expect(eth.setMcAddrList(groups)).toBe(refusal);
    // The refused list leaves the previous one.
    expect(nic.accept(groups[0]!)).toBe(true);
    expect(nic.accept(groups[max]!)).toBe(false);
    expect(eth.setMcAddrList([])).toBe(0);
    expect(nic.accept(groups[0]!)).toBe(false);
  });

  it.each(['virtio-dpdk', 'i40e-dpdk', 'virtio-dpdk-noctrl'])('%s has no set_mc_addr_list: -ENOTSUP, the flush too', (name) => {
    const { eth } = port(name);
    expect(eth.setMcAddrList(relayGroups(1))).toBe(ENOTSUP);
    expect(eth.setMcAddrList([])).toBe(ENOTSUP);
  });

  it('virtio without VIRTIO_NET_F_CTRL_RX: all-multicast and promiscuous are -ENOTSUP, and the device filters nothing', () => {
    const { nic, eth } = port('virtio-dpdk-noctrl');
    expect(eth.allmulticast(true)).toBe(ENOTSUP);
    expect(eth.promiscuous(true)).toBe(ENOTSUP);
    expect(nic.accept(RELAY_STRANGER)).toBe(true);
    const withCtrl = port('virtio-dpdk');
    expect(withCtrl.eth.allmulticast(true)).toBe(0);
  });
});

describe('the application walks the chain', () => {
  it('virtio-dpdk: the list is -ENOTSUP, so all-multicast; the empty list turns it off again', () => {
    const { nic } = port('virtio-dpdk');
    const app = new PmdPort(nic, NO_FAULTS);
    app.mirror({ promisc: false, allmulti: false, mc: relayGroups(1) });
    expect(app.fallbackReason()).toBe('EOPNOTSUPP');
    expect(nic.accept(relayGroups(1)[0]!)).toBe(true);
    expect(nic.accept(RELAY_STRANGER)).toBe(true);
    app.mirror({ promisc: false, allmulti: false, mc: [] });
    expect(app.fallbackReason()).toBe(null);
    expect(nic.accept(RELAY_STRANGER)).toBe(false);
  });

  it('exact-strict:4: five groups go all-multicast, four come back to the exact list', () => {
    const { nic } = port('exact-strict:4');
    const app = new PmdPort(nic, NO_FAULTS);
    app.mirror({ promisc: false, allmulti: false, mc: relayGroups(5) });
    expect(nic.accept(RELAY_STRANGER)).toBe(true);
    app.mirror({ promisc: false, allmulti: false, mc: relayGroups(4) });
    expect(nic.accept(RELAY_STRANGER)).toBe(false);
    expect(relayGroups(4).every((g) => nic.accept(g))).toBe(true);
  });

  it.each(builtinProfiles().filter((p) => p.dpdk).map((p) => p.name))('%s: the property holds (200 runs)', (name) => {
    fc.assert(fallbackChainProperty(resolveProfile(name)), { numRuns: 200, seed: 7 });
  });

  it('the default check runs the property on every DPDK port, the new ones with it alone', () => {
    const dpdk = builtinProfiles().filter((p) => p.dpdk).map((p) => p.name).sort();
    expect(dpdk).toEqual(['dpdk-vf:16', 'enic-dpdk', 'exact-strict:4', 'hns3-dpdk', 'i40e-dpdk', 'mlx5-dpdk', 'tap-pmd', 'virtio-dpdk', 'virtio-dpdk-noctrl']);
    expect(propertiesFor('virtio-dpdk', true)).toEqual(['ethdev']);
    expect(propertiesFor('virtio-dpdk')).toEqual(['model', 'scenario', 'route', 'ethdev']);
    expect(propertiesFor('mlx5-dpdk', true)).toEqual(['model', 'scenario', 'route', 'ethdev']);
    expect(propertiesFor('e1000:0', true)).toEqual(['model', 'scenario', 'route']);
  });
});

describe('the DPDK application and PMD faults are caught by the property', () => {
  it.each([
    ['app-enotsup-fatal', 'virtio-dpdk', /loss: /],
    ['app-enotsup-fatal', 'i40e-dpdk', /loss: /],
    ['pmd-flush-ignored', 'exact-strict:4', /leak: 01:00:5e:01/],
    ['app-allmulti-never-off', 'virtio-dpdk', /leak: /],
    ['app-allmulti-never-off', 'mlx5-dpdk', /leak: /],
    // DPDK/grout pull request 381: the user's ALLMULTI write turns off the fallback.
    ['app-flag-clears-fallback', 'virtio-dpdk', /loss: /],
    ['app-flag-clears-fallback', 'exact-strict:4', /loss: /],
  ] as const)('%s on %s', (fault, name, message) => {
    const r = fc.check(fallbackChainProperty(resolveProfile(name), { faults: new Set([fault]) }), { numRuns: 200, seed: 7 });
    expect(r.failed).toBe(true);
    expect(String(r.errorInstance)).toMatch(message);
    expect((r.counterexample?.[0] ?? []).length).toBeLessThanOrEqual(3);
  });
});
