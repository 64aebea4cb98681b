// The exact multicast table a DPDK PMD keeps behind rte_eth_dev_set_mc_addr_list: the list
// replaces the previous one as a whole, or is refused and the previous one stays programmed.
// Promiscuous and all-multicast are separate ethdev calls (rte_eth_promiscuous_enable,
// rte_eth_allmulticast_enable) that succeed on their own, so a refused list still changes them.
import type { Errno } from '../../errors.ts';
import type { Mac } from '../../wire/mac.ts';
import type { NicFilter, ProgramResult, RxMode } from '../filter.ts';
import { mcCount, mcHead } from '../rx-view.ts';
import { destinationClass } from './hash-table.ts';

export class DpdkExactTable implements NicFilter {
  private promisc = false;
  private allmulti = false;
  private list: readonly Mac[] = [];
  private refusals = 0;
  constructor(
    private readonly ownMac: Mac,
    private readonly pmd: string,
    /** The PMD's answer to a list of this length: null when it takes it. */
    private readonly refuse: (count: number) => Errno | null,
  ) {}

  program(mode: RxMode): ProgramResult {
    this.promisc = mode.promisc;
    this.allmulti = mode.allmulti;
    const count = mcCount(mode);
    const error = this.refuse(count);
    if (error) {
      this.refusals++;
      return { ok: false, error };
    }
    this.list = mcHead(mode, count);
    return { ok: true };
  }

  accept(dst: Mac): boolean {
    if (this.promisc) return true;
    switch (destinationClass(dst)) {
      case 'broadcast':
        return true;
      case 'multicast':
        return this.allmulti || this.list.includes(dst);
      case 'unicast':
        return dst === this.ownMac;
    }
  }

  state() {
    return { pmd: this.pmd, promiscuous: this.promisc, allmulticast: this.allmulti, mcAddrList: [...this.list], refusedLists: this.refusals };
  }
}
