// DPDK port profiles whose set_mc_addr_list, promiscuous and all-multicast ops answer as their PMD
// does (../ethdev.ts): the ports an exception path's application programs (src/relay). The host
// never drives a DPDK port itself, so the default `check` runs only the fallback-chain property
// on them (NicProfile.dpdk.hostByDefault false); named with --profile they get every property.
// mlx5-dpdk, dpdk-vf:N and exact-strict:N are the other DPDK ports (their own files).
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import type { PmdSpec } from '../ethdev.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile } from '../filter.ts';
import { type CapacityModel, alwaysAllMulticast, exactRefusing } from '../capacity.ts';
import { DpdkExactTable, refusingAbove } from './dpdk-table.ts';

/** drivers/net/hns3/hns3_ethdev.h: #define HNS3_MC_MACADDR_NUM 128 (hns3_set_mc_addr_chk_param: `nb_mc_addr > HNS3_MC_MACADDR_NUM` -> -EINVAL). */
export const HNS3_MC_MACADDR_NUM = 128;
/** drivers/net/enic/enic_res.h: #define ENIC_MULTICAST_PERFECT_FILTERS 32 (enic_ethdev.c enicpmd_set_mc_addr_list: more -> -ENOSPC; NULL or 0 flushes). */
export const ENIC_MULTICAST_PERFECT_FILTERS = 32;
/** drivers/net/virtio/virtio_ethdev.h: #define VIRTIO_MAX_MAC_ADDRS 64: the CTRL_MAC table, reached only through mac_addr_add, never set_mc_addr_list (virtio has no such op). */
export const VIRTIO_MAX_MAC_ADDRS = 64;

function pmdFamily(o: { base: string; source: string; summary: string; thresholds: readonly number[]; capacity: CapacityModel; spec: PmdSpec }): FixedFamily {
  const profile = (): NicProfile => ({
    name: o.base,
    source: o.source,
    summary: o.summary,
    thresholds: o.thresholds,
    sharesUnicast: false,
    capacity: o.capacity,
    dpdk: { pmd: o.spec.pmd, hostByDefault: false },
    create: (ownMac: Mac, faults: FaultSet): NicFilter => new DpdkExactTable(ownMac, o.spec, faults),
  });
  return { base: o.base, source: o.source, summary: o.summary, profile };
}

export const hns3Dpdk: FixedFamily = pmdFamily({
  base: 'hns3-dpdk',
  source: 'DPDK drivers/net/hns3/hns3_ethdev.c (hns3_set_mc_addr_chk_param), hns3_ethdev.h (HNS3_MC_MACADDR_NUM 128)',
  summary: 'DPDK port: exact list of at most 128 groups (more -> EINVAL, previous list kept)',
  thresholds: [HNS3_MC_MACADDR_NUM],
  capacity: exactRefusing(HNS3_MC_MACADDR_NUM, 'exact table of 128, longer lists refused (EINVAL)'),
  spec: { pmd: 'net_hns3', mcList: refusingAbove(HNS3_MC_MACADDR_NUM, 'EINVAL'), rxControl: true },
});

export const enicDpdk: FixedFamily = pmdFamily({
  base: 'enic-dpdk',
  source: 'DPDK drivers/net/enic/enic_ethdev.c (enicpmd_set_mc_addr_list), enic_res.h (ENIC_MULTICAST_PERFECT_FILTERS 32)',
  summary: 'DPDK port: exact list of at most 32 groups (more -> ENOSPC, previous list kept)',
  thresholds: [ENIC_MULTICAST_PERFECT_FILTERS],
  capacity: exactRefusing(ENIC_MULTICAST_PERFECT_FILTERS, 'exact table of 32, longer lists refused (ENOSPC)'),
  spec: { pmd: 'net_enic', mcList: refusingAbove(ENIC_MULTICAST_PERFECT_FILTERS, 'ENOSPC'), rxControl: true },
});

export const virtioDpdk: FixedFamily = pmdFamily({
  base: 'virtio-dpdk',
  source: 'DPDK drivers/net/virtio/virtio_ethdev.c (no set_mc_addr_list op; virtio_dev_allmulticast_enable sends VIRTIO_NET_CTRL_RX_ALLMULTI)',
  summary: 'DPDK port: set_mc_addr_list -ENOTSUP (no op); all-multicast and promiscuous by CTRL_RX',
  thresholds: [],
  capacity: exactRefusing(0, 'no set_mc_addr_list: every list refused (-ENOTSUP)'),
  spec: { pmd: 'net_virtio', mcList: null, rxControl: true },
});

export const virtioDpdkNoCtrlRx: FixedFamily = pmdFamily({
  base: 'virtio-dpdk-noctrl',
  source: 'DPDK drivers/net/virtio/virtio_ethdev.c ("host does not support rx control": -ENOTSUP without VIRTIO_NET_F_CTRL_RX); qemu hw/net/virtio-net.c (reset: promiscuous)',
  summary: 'DPDK port without VIRTIO_NET_F_CTRL_RX: list, all-multicast and promiscuous all -ENOTSUP; the device receives everything',
  thresholds: [],
  capacity: alwaysAllMulticast('no rx control: the device receives every frame'),
  spec: { pmd: 'net_virtio', mcList: null, rxControl: false },
});

export const i40eDpdk: FixedFamily = pmdFamily({
  base: 'i40e-dpdk',
  source: 'DPDK drivers/net/i40e/i40e_ethdev.c (i40e_eth_dev_ops: no set_mc_addr_list)',
  summary: 'DPDK port: set_mc_addr_list -ENOTSUP (no op); all-multicast and promiscuous work',
  thresholds: [],
  capacity: exactRefusing(0, 'no set_mc_addr_list: every list refused (-ENOTSUP)'),
  spec: { pmd: 'net_i40e', mcList: null, rxControl: true },
});

export const tapPmd: FixedFamily = pmdFamily({
  base: 'tap-pmd',
  source: 'DPDK drivers/net/tap/rte_eth_tap.c tap_set_mc_addr_list (a no-op: "the tap has no filtering whatsoever, every packet is received")',
  summary: 'DPDK TAP PMD: every list and mode call succeeds, and the port receives every frame the kernel writes to the tap',
  thresholds: [],
  capacity: alwaysAllMulticast('no filter: the tap hands the PMD every frame'),
  spec: { pmd: 'net_tap', mcList: () => null, rxControl: true, receivesEverything: true },
});
