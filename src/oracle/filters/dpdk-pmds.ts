// The DPDK ports of src/nic/catalog/dpdk-pmds.ts, from their PMDs' sources (written again here:
// the oracle reads no model code). A PMD without set_mc_addr_list (virtio, i40e) refuses every
// list (-ENOTSUP): a refusing table of 0 whose flags still work; virtio without CTRL_RX has no
// rx control at all and receives everything.
import { type Acceptance, type FilterInput, type FilterSpecFamily, refusingTableAcceptance, station } from './spec.ts';

function fixed(base: string, source: string, refusesBeyond: number | null, acceptance: (input: FilterInput) => Acceptance): FilterSpecFamily {
  return { base, parameter: null, spec: () => ({ name: base, source, refusesBeyond, acceptance }) };
}

/** hns3_ethdev.h HNS3_MC_MACADDR_NUM 128, tested with `>`. */
export const hns3DpdkSpec = fixed('hns3-dpdk', 'DPDK drivers/net/hns3/hns3_ethdev.c hns3_set_mc_addr_chk_param', 128, refusingTableAcceptance);
/** enic_res.h ENIC_MULTICAST_PERFECT_FILTERS 32, tested with `>`. */
export const enicDpdkSpec = fixed('enic-dpdk', 'DPDK drivers/net/enic/enic_ethdev.c enicpmd_set_mc_addr_list', 32, refusingTableAcceptance);
export const virtioDpdkSpec = fixed('virtio-dpdk', 'DPDK drivers/net/virtio/virtio_ethdev.c (no set_mc_addr_list)', 0, refusingTableAcceptance);
export const i40eDpdkSpec = fixed('i40e-dpdk', 'DPDK drivers/net/i40e/i40e_ethdev.c (no set_mc_addr_list)', 0, refusingTableAcceptance);
export const virtioDpdkNoCtrlSpec = fixed('virtio-dpdk-noctrl', 'DPDK virtio_ethdev.c without VIRTIO_NET_F_CTRL_RX; qemu virtio-net reset state', null, (input) => ({
  everything: true,
  multicast: null,
  exact: station(input),
  hashed: null,
}));
/** rte_eth_tap.c tap_set_mc_addr_list is a no-op ("the tap has no filtering whatsoever, every packet is received"). */
export const tapPmdSpec = fixed('tap-pmd', 'DPDK drivers/net/tap/rte_eth_tap.c tap_set_mc_addr_list', null, (input) => ({
  everything: true,
  multicast: null,
  exact: station(input),
  hashed: null,
}));
