// exact-strict:N: a DPDK-style exact multicast table of N entries that refuses a list that
// does not fit and keeps the previous one programmed.
// lib/ethdev/rte_ethdev.c rte_eth_dev_set_mc_addr_list replaces the whole list;
// drivers/net/mlx5/mlx5_mac.c mlx5_set_mc_addr_list checks the count first and returns ENOSPC
// before touching the table. Promiscuous and all-multicast are separate calls
// (rte_eth_promiscuous_enable, rte_eth_allmulticast_enable) that always succeed.
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import { type Mac, isMulticastMac } from '../wire/mac.ts';
import { parameterisedFamily } from './family.ts';
import type { NicFilter, ProgramResult, RxMode } from './filter.ts';
import { mcCount, mcHead } from './rx-view.ts';
import { isOwnOrBroadcast, promiscSeen } from './station.ts';
import { exactRefusing } from './capacity.ts';

/** Largest N accepted in a profile name (mlx5: MLX5_MAX_MC_MAC_ADDRESSES is 128). */
const MC_TABLE_SIZE_MAX = 4096;
/** Small, so that properties reach refusal often. */
const MC_TABLE_SIZE_DEFAULT = 4;

class ExactStrictFilter implements NicFilter {
  private promiscuous = false;
  private allMulticast = false;
  private table: readonly Mac[] = [];
  private lastRefused = false;

  constructor(
    private readonly tableSize: number,
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {}

  program(rx: RxMode): ProgramResult {
    // rte_eth_promiscuous_enable/disable and rte_eth_allmulticast_enable/disable come first
    // and succeed on their own, whatever happens to the list.
    this.promiscuous = promiscSeen(rx, this.faults);
    this.allMulticast = rx.allmulti;
    const count = mcCount(rx);
    if (count > this.tableSize) {
      // mlx5_set_mc_addr_list: ENOSPC before any entry is removed.
      this.lastRefused = true;
      return { ok: false, error: 'ENOSPC' };
    }
    this.table = mcHead(rx, count);
    this.lastRefused = false;
    return { ok: true };
  }

  accept(dst: Mac): boolean {
    if (this.promiscuous || isOwnOrBroadcast(this.ownMac, dst)) return true;
    if (this.allMulticast && isMulticastMac(dst)) return true;
    return this.table.includes(dst);
  }

  state(): JsonValue {
    return {
      promiscuous: this.promiscuous,
      allMulticast: this.allMulticast,
      station: this.ownMac,
      tableSize: this.tableSize,
      table: [...this.table],
      lastListRefused: this.lastRefused,
    };
  }
}

export const exactStrict = parameterisedFamily({
  base: 'exact-strict',
  source: 'drivers/net/mlx5/mlx5_mac.c mlx5_set_mc_addr_list; lib/ethdev/rte_ethdev.c rte_eth_dev_set_mc_addr_list',
  summary: (n) => `DPDK-style exact table of ${n}: a longer list is refused (ENOSPC), the previous list stays`,
  parameter: { meaning: 'exact table entries', min: 0, max: MC_TABLE_SIZE_MAX, default: MC_TABLE_SIZE_DEFAULT },
  thresholds: (n) => [n],
  capacity: (n) => exactRefusing(n, `exact table of ${n}, longer lists refused`),
  create: (n, ownMac, faults) => new ExactStrictFilter(n, ownMac, faults),
});
