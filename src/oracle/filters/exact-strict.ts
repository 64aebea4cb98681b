// exact-strict:N: a DPDK-style exact multicast table of N entries
// (lib/ethdev/rte_ethdev.c rte_eth_dev_set_mc_addr_list replaces the whole list;
// drivers/net/mlx5/mlx5_mac.c refuses a list that does not fit with ENOSPC before touching the
// table; DTS CVL VF test plan: "the table keeps the old addresses").
//
// Choices, stated once here:
// - Refusal depends on the list length only; PROMISC/ALLMULTI are separate calls
//   (rte_eth_promiscuous_enable, rte_eth_allmulticast_enable) that always succeed.
// - The programmed list P is the last device list of at most N entries (the reset table is
//   empty). P is `must`, even entries that have since left the device list: the hardware still
//   holds them, so dropping one would be a fault of the NIC, not of the host.
// - A device-list MAC that is not in P is `must-not`: the table does not have it and nothing
//   else (no hash, no all-multicast fallback) admits it. Accepting it would mean the model
//   programmed part of a refused list, which is the bug this profile exists to catch.
// - ndo_set_rx_mode returns void: a refusal is not an errno of the step that grew the list.
import { type FilterSpecFamily, refusingTableAcceptance } from './spec.ts';

/** Largest N a profile name may give (mlx5's MLX5_MAX_MC_MAC_ADDRESSES is 128; headroom). */
const MC_TABLE_SIZE_MAX = 4096;

export const exactStrictSpec: FilterSpecFamily = {
  base: 'exact-strict',
  parameter: { min: 0, max: MC_TABLE_SIZE_MAX },
  spec: (n) => ({
    name: `exact-strict:${n}`,
    source: 'lib/ethdev/rte_ethdev.c rte_eth_dev_set_mc_addr_list; drivers/net/mlx5/mlx5_mac.c',
    refusesBeyond: n,
    acceptance: refusingTableAcceptance,
  }),
};
