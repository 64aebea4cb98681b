// ldd3-ff:N: LDD3 ch. 17.14 ff_set_multicast_list, the full-featured class with an exact
// hardware table of FF_TABLE_SIZE = N entries:
//   IFF_PROMISC -> ff_get_all_packets();
//   IFF_ALLMULTI || mc_count > FF_TABLE_SIZE -> ff_get_all_multicast_packets();
//   mc_count == 0 -> ff_get_only_own_packets();
//   else ff_clear_mc_list(); store every address; ff_get_packets_in_multicast_list().
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { KeySet, isMulticastHi, macHi, macLo } from '../wire/mac-key.ts';
import { parameterisedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { mcCount, mcHead } from './rx-view.ts';
import { isOwnOrBroadcastKey, promiscSeen } from './station.ts';
import { exactThenAll } from './capacity.ts';

/** Largest FF_TABLE_SIZE accepted in a profile name (LDD3 leaves it to the hardware). */
const FF_TABLE_SIZE_MAX = 4096;
/** Small, so that properties reach overflow often. */
const FF_TABLE_SIZE_DEFAULT = 4;

type FfMode = 'all-packets' | 'all-multicast' | 'own-packets' | 'multicast-list';

class FfFilter extends KeyedFilter {
  private mode: FfMode = 'own-packets';
  private table: Mac[] = [];
  private tableSet = new KeySet([]);
  private readonly ownHi: number;
  private readonly ownLo: number;
  /** Set by the 'sticky-allmulti' fault once all-multicast was entered. */
  private stuckAllMulticast = false;

  constructor(
    private readonly tableSize: number,
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
  }

  program(rx: RxMode): ProgramResult {
    const count = mcCount(rx);
    const overflow = count > this.tableSize;
    if (promiscSeen(rx, this.faults)) {
      this.mode = 'all-packets';
    } else if (rx.allmulti || (overflow && !this.faults.has('no-allmulti-on-overflow')) || this.stuckAllMulticast) {
      this.mode = 'all-multicast';
      if (this.faults.has('sticky-allmulti')) this.stuckAllMulticast = true;
    } else if (count === 0) {
      this.mode = 'own-packets';
      this.table = [];
      this.tableSet = new KeySet([]);
    } else {
      // With 'no-allmulti-on-overflow' an overflowing list is cut to the first N.
      this.table = [...mcHead(rx, this.tableSize)];
      this.tableSet = new KeySet(this.table);
      this.mode = 'multicast-list';
    }
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.mode === 'all-packets' || isOwnOrBroadcastKey(this.ownHi, this.ownLo, hi, lo)) return true;
    if (this.mode === 'all-multicast') return isMulticastHi(hi);
    return this.mode === 'multicast-list' && this.tableSet.has(hi, lo);
  }

  state(): JsonValue {
    return {
      mode: this.mode,
      station: this.ownMac,
      tableSize: this.tableSize,
      table: this.mode === 'multicast-list' ? [...this.table] : [],
    };
  }
}

export const ldd3Ff = parameterisedFamily({
  base: 'ldd3-ff',
  source: 'LDD3 ch. 17.14 ff_set_multicast_list',
  summary: (n) => `exact table of ${n}; more than ${n} entries or ALLMULTI -> all multicast; PROMISC -> all`,
  parameter: { meaning: 'exact table entries (FF_TABLE_SIZE)', min: 0, max: FF_TABLE_SIZE_MAX, default: FF_TABLE_SIZE_DEFAULT },
  thresholds: (n) => [n],
  capacity: (n) => exactThenAll(n, `exact table of ${n}, all multicast above ${n}`),
  create: (n, ownMac, faults) => new FfFilter(n, ownMac, faults),
});
