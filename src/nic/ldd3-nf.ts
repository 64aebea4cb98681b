// ldd3-nf: LDD3 ch. 17.14 (Linux Device Drivers, 3rd ed., "Multicast"), the "nf" (no
// features) class: hardware that cannot filter multicast at all. nf_set_multicast_list:
//   if (dev->flags & IFF_PROMISC) nf_get_all_packets(); else nf_get_only_own_packets();
// "Own packets" are the station address plus broadcast; multicast is never received.
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { fixedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { isOwnOrBroadcastKey, promiscSeen } from './station.ts';
import { macHi, macLo } from '../wire/mac-key.ts';

type NfMode = 'all-packets' | 'own-packets';

class NfFilter extends KeyedFilter {
  private mode: NfMode = 'own-packets';
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
    this.mode = promiscSeen(rx, this.faults) ? 'all-packets' : 'own-packets';
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    return this.mode === 'all-packets' || isOwnOrBroadcastKey(this.ownHi, this.ownLo, hi, lo);
  }

  state(): JsonValue {
    return { mode: this.mode, station: this.ownMac };
  }
}

export const ldd3Nf = fixedFamily({
  base: 'ldd3-nf',
  source: 'LDD3 ch. 17.14 nf_set_multicast_list',
  summary: 'no multicast filter: own MAC and broadcast only, everything when PROMISC',
  // No table at all: the list's length never matters.
  thresholds: [],
  create: (ownMac, faults) => new NfFilter(ownMac, faults),
});
