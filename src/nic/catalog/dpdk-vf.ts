// dpdk-vf:N: DPDK iavf VF on an ice (E810, "CVL") PF, drivers/net/iavf/iavf_ethdev.c
// (iavf_set_mc_addr_list) and the DTS CVL VF multicast test plan: the PF takes N multicast
// addresses per VF (16 with VF trust off, 64 with trust on); the next add fails and the VF
// re-adds its previous list, so the table keeps the old entries. iavf itself refuses more than
// IAVF_NUM_MACADDR_MAX (64) with EINVAL before asking the PF; a PF refusal is reported as
// ENOSPC here (iavf returns the virtchnl failure, which has no errno of its own).
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import type { ParameterisedFamily } from '../family.ts';
import type { NicFilter, NicProfile } from '../filter.ts';
import { DpdkExactTable } from './dpdk-table.ts';
import { exactRefusing } from '../capacity.ts';

/** drivers/net/iavf/iavf.h: #define IAVF_NUM_MACADDR_MAX 64. */
export const IAVF_NUM_MACADDR_MAX = 64;
/** DTS CVL VF multicast test plan: 16 addresses with trust off, 64 with trust on. */
export const VF_MC_LIMIT_TRUST_OFF = 16;
export const VF_MC_LIMIT_TRUST_ON = 64;

const SOURCE = 'DPDK drivers/net/iavf/iavf_ethdev.c (iavf_set_mc_addr_list); DTS CVL VF multicast test plan';
const SUMMARY = 'VF exact list of N groups (16 trust off, 64 trust on); a longer list fails, previous list kept';

export const dpdkVf: ParameterisedFamily = {
  base: 'dpdk-vf',
  source: SOURCE,
  summary: SUMMARY,
  parameter: { meaning: 'multicast addresses the PF grants the VF (16 trust off, 64 trust on)', min: 1, max: IAVF_NUM_MACADDR_MAX, default: VF_MC_LIMIT_TRUST_OFF },
  profile: (n: number): NicProfile => ({
    name: `dpdk-vf:${n}`,
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [...new Set([n, IAVF_NUM_MACADDR_MAX])],
    capacity: exactRefusing(n, `exact VF table of ${n}, longer lists refused`),
    sharesUnicast: false,
    dpdk: { pmd: 'net_iavf', hostByDefault: true },
    create: (ownMac: Mac, faults: FaultSet): NicFilter =>
      new DpdkExactTable(ownMac, { pmd: 'net_iavf', mcList: (count) => (count > IAVF_NUM_MACADDR_MAX ? 'EINVAL' : count > n ? 'ENOSPC' : null), rxControl: true }, faults),
  }),
};
