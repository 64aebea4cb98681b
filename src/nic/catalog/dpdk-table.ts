// The exact multicast table a DPDK PMD keeps behind rte_eth_dev_set_mc_addr_list (../ethdev.ts):
// the list replaces the previous one as a whole, or is refused and the previous one stays
// programmed. Promiscuous and all-multicast are separate ethdev calls (rte_eth_promiscuous_enable,
// rte_eth_allmulticast_enable) that succeed on their own where the PMD has them, so a refused
// list still changes them. The calls are offered one by one as `ethdev` for the application's
// fallback chain (src/relay/pmd-port.ts); program() is the three in a row.
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import { macHi, macLo } from '../../wire/mac-key.ts';
import { type EthdevErrno, EthdevState, type PmdSpec } from '../ethdev.ts';
import type { ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcCount, mcHead } from '../rx-view.ts';

export class DpdkExactTable extends KeyedFilter {
  readonly ethdev: EthdevState;
  private readonly ownHi: number;
  private readonly ownLo: number;

  constructor(
    private readonly ownMac: Mac,
    spec: PmdSpec,
    faults: FaultSet = new Set(),
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    this.ethdev = new EthdevState(spec, faults);
  }

  program(mode: RxMode): ProgramResult {
    return this.ethdev.program(mode, mcCount(mode), (k) => mcHead(mode, k));
  }

  acceptKey(hi: number, lo: number): boolean {
    return this.ethdev.acceptKey(this.ownHi, this.ownLo, hi, lo);
  }

  state() {
    const e = this.ethdev;
    return {
      pmd: e.pmd,
      ...(e.spec.rxControl ? {} : { rxControl: false }),
      ...(e.spec.mcList ? {} : { setMcAddrList: 'ENOTSUP' }),
      promiscuous: e.promisc,
      allmulticast: e.allmulti,
      mcAddrList: [...e.list],
      refusedLists: e.refusals,
    };
  }
}

/** A PMD whose set_mc_addr_list refuses lists longer than `max` with `error`. */
export function refusingAbove(max: number, error: EthdevErrno): (count: number) => EthdevErrno | null {
  return (count) => (count > max ? error : null);
}
