// allmulti-only: LDD3 ch. 17.14, the second class of hardware: "interfaces that can tell
// multicast packets from other packets ... can be told to receive every multicast packet and
// let the software decide". ff_set_multicast_list with FF_TABLE_SIZE reduced to 0 (as the
// LDD3 text says): PROMISC -> all packets; ALLMULTI or a non-empty list -> all multicast;
// an empty list -> own packets (station address and broadcast) only.
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { isMulticastHi, macHi, macLo } from '../wire/mac-key.ts';
import { fixedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { mcCount } from './rx-view.ts';
import { isOwnOrBroadcastKey, promiscSeen } from './station.ts';

type AllmultiOnlyMode = 'all-packets' | 'all-multicast' | 'own-packets';

class AllmultiOnlyFilter extends KeyedFilter {
  private mode: AllmultiOnlyMode = 'own-packets';
  private readonly ownHi: number;
  private readonly ownLo: number;
  constructor(
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
  }

  program(rx: RxMode): ProgramResult {
    if (promiscSeen(rx, this.faults)) this.mode = 'all-packets';
    // The fault models Linux 009f766ca238 ("hv_netvsc: filter multicast/broadcast"), whose
    // all-or-none filter followed IFF_ALLMULTI alone; "hv_netvsc: enable multicast if necessary"
    // (Fixes: 009f766ca238) added the non-empty list.
    else if (rx.allmulti || (mcCount(rx) > 0 && !this.faults.has('allmulti-flag-only'))) this.mode = 'all-multicast';
    else this.mode = 'own-packets';
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.mode === 'all-packets' || isOwnOrBroadcastKey(this.ownHi, this.ownLo, hi, lo)) return true;
    return this.mode === 'all-multicast' && isMulticastHi(hi);
  }

  state(): JsonValue {
    return { mode: this.mode, station: this.ownMac };
  }
}

export const allmultiOnly = fixedFamily({
  base: 'allmulti-only',
  source: 'LDD3 ch. 17.14 (class 2: all multicast or none)',
  summary: 'all multicast whenever the device list is non-empty or ALLMULTI; everything with PROMISC',
  // Empty list: no multicast; one entry: all multicast.
  thresholds: [0],
  capacity: { fpRate: (n) => (n > 0 ? 1 : 0), allMulticastFrom: 1, refusedFrom: null, structure: 'no table: all multicast as soon as one group is joined' },
  create: (ownMac, faults) => new AllmultiOnlyFilter(ownMac, faults),
});
