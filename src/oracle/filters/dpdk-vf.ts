// dpdk-vf:N: DPDK iavf VF (drivers/net/iavf/iavf_ethdev.c iavf_set_mc_addr_list) behind an ice
// PF that grants N multicast addresses (DTS CVL VF multicast test plan: 16 with trust off, 64
// with trust on; iavf itself stops at IAVF_NUM_MACADDR_MAX 64). A longer list fails and the VF
// re-adds its previous list: a refusing exact table of N entries.
import { type FilterSpecFamily, refusingTableAcceptance } from './spec.ts';

/** drivers/net/iavf/iavf.h IAVF_NUM_MACADDR_MAX. */
const IAVF_NUM_MACADDR_MAX = 64;

export const dpdkVfSpec: FilterSpecFamily = {
  base: 'dpdk-vf',
  parameter: { min: 1, max: IAVF_NUM_MACADDR_MAX },
  spec: (n) => ({
    name: `dpdk-vf:${n}`,
    source: 'DPDK drivers/net/iavf/iavf_ethdev.c iavf_set_mc_addr_list; DTS CVL VF multicast test plan',
    refusesBeyond: n,
    acceptance: refusingTableAcceptance,
  }),
};
