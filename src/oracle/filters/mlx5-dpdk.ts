// mlx5-dpdk: DPDK drivers/net/mlx5/mlx5_mac.c mlx5_set_mc_addr_list refuses
// `nb_mc_addr >= MLX5_MAX_MC_MAC_ADDRESSES` (128) with ENOSPC before touching the table: at most
// 127 groups. Same refusal rules as exact-strict:N (see exact-strict.ts for the choices).
import { type FilterSpecFamily, refusingTableAcceptance } from './spec.ts';

/** mlx5_defs.h MLX5_MAX_MC_MAC_ADDRESSES 128, tested with `>=`. */
const MLX5_MC_LIST_MAX = 128 - 1;

export const mlx5DpdkSpec: FilterSpecFamily = {
  base: 'mlx5-dpdk',
  parameter: null,
  spec: () => ({
    name: 'mlx5-dpdk',
    source: 'DPDK drivers/net/mlx5/mlx5_mac.c mlx5_set_mc_addr_list',
    refusesBeyond: MLX5_MC_LIST_MAX,
    acceptance: refusingTableAcceptance,
  }),
};
