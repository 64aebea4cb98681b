// exact-strict:N: a DPDK-style exact multicast table of N entries that refuses a list that
// does not fit and keeps the previous one programmed.
// lib/ethdev/rte_ethdev.c rte_eth_dev_set_mc_addr_list replaces the whole list;
// drivers/net/mlx5/mlx5_mac.c mlx5_set_mc_addr_list checks the count first and returns ENOSPC
// before touching the table. Promiscuous and all-multicast are separate calls
// (rte_eth_promiscuous_enable, rte_eth_allmulticast_enable) that always succeed.
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { macHi, macLo } from '../wire/mac-key.ts';
import { EthdevState } from './ethdev.ts';
import { refusingAbove } from './catalog/dpdk-table.ts';
import { parameterisedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { mcCount, mcHead } from './rx-view.ts';
import { promiscSeen } from './station.ts';
import { exactRefusing } from './capacity.ts';

/** Largest N accepted in a profile name (mlx5: MLX5_MAX_MC_MAC_ADDRESSES is 128). */
const MC_TABLE_SIZE_MAX = 4096;
/** Small, so that properties reach refusal often. */
const MC_TABLE_SIZE_DEFAULT = 4;

class ExactStrictFilter extends KeyedFilter {
  /** The port behind the ethdev calls (./ethdev.ts), refusing lists longer than the table. */
  readonly ethdev: EthdevState;
  private lastRefused = false;
  private readonly ownHi: number;
  private readonly ownLo: number;

  constructor(
    private readonly tableSize: number,
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    this.ethdev = new EthdevState({ pmd: `exact-strict:${tableSize}`, mcList: refusingAbove(tableSize, 'ENOSPC'), rxControl: true }, faults);
  }

  program(rx: RxMode): ProgramResult {
    // rte_eth_promiscuous_enable/disable and rte_eth_allmulticast_enable/disable come first
    // and succeed on their own, whatever happens to the list; mlx5_set_mc_addr_list: ENOSPC
    // before any entry is removed.
    const r = this.ethdev.program({ ...rx, promisc: promiscSeen(rx, this.faults) }, mcCount(rx), (k) => mcHead(rx, k));
    this.lastRefused = !r.ok;
    return r;
  }

  acceptKey(hi: number, lo: number): boolean {
    return this.ethdev.acceptKey(this.ownHi, this.ownLo, hi, lo);
  }

  state(): JsonValue {
    return {
      promiscuous: this.ethdev.promisc,
      allMulticast: this.ethdev.allmulti,
      station: this.ownMac,
      tableSize: this.tableSize,
      table: [...this.ethdev.list],
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
  dpdk: { pmd: 'exact-strict', hostByDefault: true },
  create: (n, ownMac, faults) => new ExactStrictFilter(n, ownMac, faults),
});
