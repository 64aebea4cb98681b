// tun: the tap TX filter of drivers/net/tun.c (struct tap_filter, update_filter, run_filter,
// check_filter, addr_hash_set/addr_hash_test), programmed as a tap backend would with
// TUNSETTXFILTER: the address list is the station MAC, broadcast, then the device list in its
// order; flags TUN_FLT_ALLMULTI when ALLMULTI; under PROMISC a filter of count 0 (disabled).
// tun_net_mclist itself is empty: the kernel side never programs it, the backend does.
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import { BROADCAST_MAC, type Mac, isMulticastMac } from '../wire/mac.ts';
import { KeySet, isMulticastHi } from '../wire/mac-key.ts';
import { AppendFold } from './append-fold.ts';
import { fixedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { HeadHash } from './rx-view.ts';
import {
  EMPTY_MASK64,
  FULL_MASK64,
  type HashMask64,
  hashBucket64Key,
  hex32,
  programmedBucket64,
  promiscSeen,
  maskWords,
  setBucket64,
  testBucketWords,
} from './station.ts';
import { hashFill } from './capacity.ts';

/** drivers/net/tun.c FLT_EXACT_COUNT: the first 8 addresses are matched exactly. */
const FLT_EXACT_COUNT = 8;
/** The backend's list starts with the station MAC and broadcast: the first 6 groups take the other exact slots. */
const GROUPS_EXACT = FLT_EXACT_COUNT - 2;
/** include/uapi/linux/if_tun.h TUN_FLT_ALLMULTI. */
const TUN_FLT_ALLMULTI = 0x0001;

/** struct tap_filter: count (0 = disabled), mask[2], addr[FLT_EXACT_COUNT]. */
interface TapFilter {
  readonly count: number;
  readonly mask: HashMask64;
  readonly addr: readonly Mac[];
}

/** struct tun_filter as the backend passes it to TUNSETTXFILTER. */
interface TunFilterRequest {
  readonly flags: number;
  readonly addr: readonly Mac[];
}

/**
 * update_filter: returns the new tap_filter. Note the order in tun.c: count is zeroed, the
 * exact slots written, the mask rebuilt; a unicast address past the exact slots returns with
 * count still 0 (filter disabled); TUN_FLT_ALLMULTI overrides the mask; count = nexact.
 */
function updateFilter(old: TapFilter, uf: TunFilterRequest, hashed: AppendFold<Mac, HashedTail>): TapFilter {
  if (uf.addr.length === 0) return { ...old, count: 0 };
  const nexact = Math.min(uf.addr.length, FLT_EXACT_COUNT);
  const addr = [...uf.addr.slice(0, nexact), ...old.addr.slice(nexact)];
  // "Remaining multicast addresses are hashed, unicast will leave the filter disabled."
  const tail = hashed.fold(uf.addr, nexact);
  if (tail.unicast) return { count: 0, mask: tail.mask, addr };
  const mask = uf.flags & TUN_FLT_ALLMULTI ? FULL_MASK64 : tail.mask;
  return { count: nexact, mask, addr };
}

/** The hash of the addresses past the exact slots, up to the first unicast one. */
interface HashedTail {
  readonly mask: HashMask64;
  readonly unicast: boolean;
}

class TapTxFilter extends KeyedFilter {
  // tun_set_iff allocates the tun_struct zeroed: count 0, the filter disabled.
  private filter: TapFilter = { count: 0, mask: EMPTY_MASK64, addr: [] };
  /** The first `count` slots of addr (the ones matched), for lookups. */
  private exactSlots = new KeySet([]);
  /** filter.mask as the lookup reads it. */
  private maskLookup = maskWords(EMPTY_MASK64);
  private flags = 0;

  /** update_filter's hash loop, extended instead of redone when addresses were only appended. */
  private readonly hashed: AppendFold<Mac, HashedTail>;
  /** The groups past the exact slots counted per hash bucket, kept by the host's changes (src/nic/rx-view.ts). */
  private readonly split: HeadHash;
  /** Unicast addresses in dev->mc (`ip maddr add` takes any address): one in the hashed part disables the filter. */
  private unicast = 0;

  constructor(
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {
    super();
    this.hashed = new AppendFold<Mac, HashedTail>({ mask: EMPTY_MASK64, unicast: false }, (acc, a) =>
      acc.unicast ? acc : isMulticastMac(a) ? { mask: setBucket64(acc.mask, programmedBucket64(a, faults)), unicast: false } : { mask: acc.mask, unicast: true },
    );
    this.split = new HeadHash(64, (mac) => programmedBucket64(mac, faults));
  }

  program(rx: RxMode): ProgramResult {
    this.countUnicast(rx);
    this.split.update(rx, GROUPS_EXACT, true);
    if (promiscSeen(rx, this.faults)) {
      this.flags = 0;
      this.setFilter(updateFilter(this.filter, { flags: 0, addr: [] }, this.hashed));
      return { ok: true };
    }
    const flags = rx.allmulti ? TUN_FLT_ALLMULTI : 0;
    this.flags = flags;
    const exact = [this.ownMac, BROADCAST_MAC, ...this.split.head];
    if (this.unicast > this.split.head.filter((a) => !isMulticastMac(a)).length) {
      // A unicast group in the hashed part: update_filter on the whole list.
      this.setFilter(updateFilter(this.filter, { flags, addr: [this.ownMac, BROADCAST_MAC, ...rx.mc] }, this.hashed));
      return { ok: true };
    }
    // update_filter without walking the list: the exact slots from the head, the mask from the
    // bucket counts of the rest (the same bits the hash loop sets).
    const old = this.filter;
    const addr = [...exact, ...old.addr.slice(exact.length)];
    this.setFilter({ count: exact.length, mask: flags & TUN_FLT_ALLMULTI ? FULL_MASK64 : this.maskOfCounts(), addr });
    return { ok: true };
  }

  /** Unicast addresses in the list, kept by the changes. */
  private countUnicast(rx: RxMode): void {
    if (rx.changes) {
      for (const c of rx.changes) if (!isMulticastMac(c.mac)) this.unicast += c.added ? 1 : -1;
    } else {
      this.unicast = rx.mc.filter((a) => !isMulticastMac(a)).length;
    }
  }

  private maskOfCounts(): HashMask64 {
    let mask = EMPTY_MASK64;
    for (let b = 0; b < 64; b++) if (this.split.has(b)) mask = setBucket64(mask, b);
    return mask;
  }

  private setFilter(filter: TapFilter): void {
    this.filter = filter;
    this.exactSlots = new KeySet(filter.addr.slice(0, filter.count));
    this.maskLookup = maskWords(filter.mask);
  }

  /** check_filter then run_filter. */
  acceptKey(hi: number, lo: number): boolean {
    const f = this.filter;
    if (f.count === 0) return true;
    if (this.exactSlots.has(hi, lo)) return true;
    return isMulticastHi(hi) && testBucketWords(this.maskLookup, hashBucket64Key(hi, lo));
  }

  state(): JsonValue {
    const f = this.filter;
    return {
      enabled: f.count !== 0,
      count: f.count,
      flags: this.flags & TUN_FLT_ALLMULTI ? ['TUN_FLT_ALLMULTI'] : [],
      // The exact slots as written; only the first `count` are matched.
      addr: [...f.addr],
      mask: [hex32(f.mask[0]), hex32(f.mask[1])],
    };
  }
}

export const tun = fixedFamily({
  base: 'tun',
  source: 'drivers/net/tun.c update_filter / run_filter (TUNSETTXFILTER)',
  summary: 'tap TX filter: own MAC, broadcast and the first 6 groups exact, the rest in a 64-bit hash; PROMISC disables it',
  // Own MAC and broadcast take 2 of the FLT_EXACT_COUNT exact slots: the 7th group is hashed.
  thresholds: [FLT_EXACT_COUNT - 2],
  capacity: {
    fpRate: (n) => (n > FLT_EXACT_COUNT - 2 ? hashFill(64, n - (FLT_EXACT_COUNT - 2)) : 0),
    allMulticastFrom: null,
    refusedFrom: null,
    structure: '8 exact slots (own MAC, broadcast, 6 groups), then 64-bucket hash',
  },
  create: (ownMac, faults) => new TapTxFilter(ownMac, faults),
});
