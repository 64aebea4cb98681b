// mlx5-dpdk: DPDK net/mlx5, drivers/net/mlx5/mlx5_mac.c (mlx5_set_mc_addr_list) and
// mlx5_defs.h (MLX5_MAX_MC_MAC_ADDRESSES 128). The PMD refuses a list with
// `nb_mc_addr >= MLX5_MAX_MC_MAC_ADDRESSES` (rte_errno = ENOSPC) before touching the table, so
// at most 127 groups fit and a refused list leaves the previous one programmed.
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile } from '../filter.ts';
import { DpdkExactTable } from './dpdk-table.ts';
import { exactRefusing } from '../capacity.ts';

/** mlx5_defs.h: #define MLX5_MAX_MC_MAC_ADDRESSES 128. */
export const MLX5_MAX_MC_MAC_ADDRESSES = 128;
/** The largest list mlx5_set_mc_addr_list takes (its test is `>=`). */
export const MLX5_MC_LIST_CAPACITY = MLX5_MAX_MC_MAC_ADDRESSES - 1;

const SOURCE = 'DPDK drivers/net/mlx5/mlx5_mac.c (mlx5_set_mc_addr_list), mlx5_defs.h';
const SUMMARY = 'exact list of at most 127 groups (>= 128 -> ENOSPC, previous list kept)';

export const mlx5Dpdk: FixedFamily = {
  base: 'mlx5-dpdk',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'mlx5-dpdk',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [MLX5_MC_LIST_CAPACITY],
    capacity: exactRefusing(MLX5_MC_LIST_CAPACITY, 'exact table of 127, longer lists refused'),
    sharesUnicast: false,
    dpdk: { pmd: 'net_mlx5', hostByDefault: true },
    create: (ownMac: Mac, faults: FaultSet): NicFilter =>
      new DpdkExactTable(ownMac, { pmd: 'net_mlx5', mcList: (n) => (n >= MLX5_MAX_MC_MAC_ADDRESSES ? 'ENOSPC' : null), rxControl: true }, faults),
  }),
};
