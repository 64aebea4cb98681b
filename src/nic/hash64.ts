// hash64: a 64-bit multicast hash filter, as drivers/net/ethernet/realtek/8139too.c
// __set_rx_mode programs it: PROMISC -> AcceptAllPhys and every hash bit; ALLMULTI -> every
// hash bit; otherwise bit ether_crc(addr) >> 26 of mc_filter[2] for each address, and
// AcceptMulticast only when some address was hashed. The hardware looks the received
// destination up with the same hash. 8139too's multicast_filter_limit (32) is not modelled:
// this profile is the pure hash table.
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { isBroadcastKey, isMulticastHi, macHi, macLo } from '../wire/mac-key.ts';
import { fixedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { HeadHash, mcCount } from './rx-view.ts';
import {
  EMPTY_MASK64,
  FULL_MASK64,
  type HashMask64,
  hashBucket64Key,
  hex32,
  programmedBucket64,
  promiscSeen,
  maskWords,
  testBucketWords,
} from './station.ts';
import { hashOnly } from './capacity.ts';

// RxConfig accept bits, drivers/net/ethernet/realtek/8139too.c enum rx_mode_bits.
const ACCEPT_BROADCAST = 0x08;
const ACCEPT_MULTICAST = 0x04;
const ACCEPT_MY_PHYS = 0x02;
const ACCEPT_ALL_PHYS = 0x01;

const OK: ProgramResult = { ok: true };

class Hash64Filter extends KeyedFilter {
  private readonly ownHi: number;
  private readonly ownLo: number;
  // Reset state: the driver's rtl8139_hw_start programs __set_rx_mode with an empty list.
  private rxMode = ACCEPT_BROADCAST | ACCEPT_MY_PHYS;
  private mar: HashMask64 = EMPTY_MASK64;
  /** mar as the lookup reads it (written in place: a program call allocates no mask). */
  private readonly marWords = maskWords(EMPTY_MASK64);
  /** Every address of the list counted in its bucket, kept by the host's changes (src/nic/rx-view.ts). */
  private readonly buckets: HeadHash;
  /** Buckets 0..31 and 32..63 that hold some address of the list (int32 words). */
  private listLow = 0;
  private listHigh = 0;

  constructor(
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    // The list's buckets as two words, kept bit by bit as a bucket's count leaves or reaches zero.
    this.buckets = new HeadHash(
      64,
      (mac) => programmedBucket64(mac, faults),
      (b, set) => {
        if (b < 32) this.listLow = set ? this.listLow | (1 << b) : this.listLow & ~(1 << b);
        else this.listHigh = set ? this.listHigh | (1 << (b - 32)) : this.listHigh & ~(1 << (b - 32));
      },
    );
  }

  program(rx: RxMode): ProgramResult {
    this.buckets.update(rx, 0, true);
    if (promiscSeen(rx, this.faults)) {
      this.rxMode = ACCEPT_BROADCAST | ACCEPT_MULTICAST | ACCEPT_MY_PHYS | ACCEPT_ALL_PHYS;
      this.mar = FULL_MASK64;
    } else if (rx.allmulti) {
      this.rxMode = ACCEPT_BROADCAST | ACCEPT_MULTICAST | ACCEPT_MY_PHYS;
      this.mar = FULL_MASK64;
    } else {
      // The loop over the list sets the bucket of each address, and AcceptMulticast once there is one.
      this.rxMode = ACCEPT_BROADCAST | ACCEPT_MY_PHYS | (mcCount(rx) > 0 ? ACCEPT_MULTICAST : 0);
      // setBucket64 for each bucket some address falls in, as words; the same mask object when unchanged.
      const low = this.listLow;
      const high = this.listHigh;
      if ((this.mar[0] | 0) !== low || (this.mar[1] | 0) !== high) this.mar = [low >>> 0, high >>> 0];
    }
    this.marWords[0] = this.mar[0] | 0;
    this.marWords[1] = this.mar[1] | 0;
    return OK;
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.rxMode & ACCEPT_ALL_PHYS) return true;
    if (lo === this.ownLo && hi === this.ownHi) return (this.rxMode & ACCEPT_MY_PHYS) !== 0;
    if (!isMulticastHi(hi)) return false;
    if (isBroadcastKey(hi, lo)) return (this.rxMode & ACCEPT_BROADCAST) !== 0;
    return (this.rxMode & ACCEPT_MULTICAST) !== 0 && testBucketWords(this.marWords, hashBucket64Key(hi, lo));
  }

  state(): JsonValue {
    const m = this.rxMode;
    return {
      station: this.ownMac,
      acceptAllPhys: (m & ACCEPT_ALL_PHYS) !== 0,
      acceptMyPhys: (m & ACCEPT_MY_PHYS) !== 0,
      acceptMulticast: (m & ACCEPT_MULTICAST) !== 0,
      acceptBroadcast: (m & ACCEPT_BROADCAST) !== 0,
      // MAR0..3 hold mc_filter[0], MAR4..7 mc_filter[1] (8139too.c __set_rx_mode).
      mar: [hex32(this.mar[0]), hex32(this.mar[1])],
    };
  }
}

export const hash64 = fixedFamily({
  base: 'hash64',
  source: 'drivers/net/ethernet/realtek/8139too.c __set_rx_mode',
  summary: '64-bit multicast hash at ether_crc >> 26 (8139too); ALLMULTI -> all multicast; PROMISC -> all',
  // A hash never overflows and has no count limit here.
  thresholds: [],
  capacity: hashOnly(64, '64-bucket hash, never all multicast by count'),
  create: (ownMac, faults) => new Hash64Filter(ownMac, faults),
});
