// rtl8139: RealTek RTL8129/8139, drivers/net/ethernet/realtek/8139too.c (__set_rx_mode).
// Registers modelled: RxConfig (accept bits), MAR0..MAR7 (64-bit multicast hash), IDR0..5
// (station address). The chip accepts a multicast frame when AcceptMulticast is set and MAR
// bit ether_crc(dst) >> 26 is set, bit n being bit (n & 7) of MAR byte (n >> 3): the driver
// writes mc_filter[0] to MAR0 and mc_filter[1] to MAR4 as little-endian u32 (RTL_W32_F).
import type { FaultSet } from '../../faults.ts';
import type { JsonValue } from '../../json.ts';
import { keyEtherCrcTop6, macEtherCrc } from '../../wire/crc.ts';
import { isBroadcastKey, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcCount, mcHead } from '../rx-view.ts';
import { BitTable, etherCrcTop6, le32Bytes } from './hash-table.ts';
import { hashThenAll } from '../capacity.ts';

/** 8139too.c: static int multicast_filter_limit = 32 ("maximal number of multicast addresses"). */
export const RTL8139_MULTICAST_FILTER_LIMIT = 32;
/** 8139too.c enum rx_mode_bits. */
export const RTL_ACCEPT_ALL_PHYS = 0x01;
export const RTL_ACCEPT_MY_PHYS = 0x02;
export const RTL_ACCEPT_MULTICAST = 0x04;
export const RTL_ACCEPT_BROADCAST = 0x08;

const SOURCE = 'drivers/net/ethernet/realtek/8139too.c (__set_rx_mode)';
const SUMMARY = '64-bit MAR hash (ether_crc >> 26); > 32 groups or ALLMULTI: all multicast';

/** The two u32 words __set_rx_mode computes, plus the RxConfig accept bits. */
export interface RealtekProgram {
  readonly rxMode: number;
  readonly mcFilter: readonly [number, number];
}

/** 8139too.c __set_rx_mode: the accept bits and mc_filter[2] for one rx mode. */
export function rtl8139Program(mode: RxMode): RealtekProgram {
  if (mode.promisc) {
    return { rxMode: RTL_ACCEPT_BROADCAST | RTL_ACCEPT_MULTICAST | RTL_ACCEPT_MY_PHYS | RTL_ACCEPT_ALL_PHYS, mcFilter: [0xffffffff, 0xffffffff] };
  }
  const count = mcCount(mode);
  if (count > RTL8139_MULTICAST_FILTER_LIMIT || mode.allmulti) {
    return { rxMode: RTL_ACCEPT_BROADCAST | RTL_ACCEPT_MULTICAST | RTL_ACCEPT_MY_PHYS, mcFilter: [0xffffffff, 0xffffffff] };
  }
  let rxMode = RTL_ACCEPT_BROADCAST | RTL_ACCEPT_MY_PHYS;
  const filter = [0, 0];
  // At most RTL8139_MULTICAST_FILTER_LIMIT addresses here: the whole list is its head.
  for (const mac of mcHead(mode, count)) {
    const bit = etherCrcTop6(macEtherCrc(mac));
    filter[bit >> 5] = ((filter[bit >> 5] as number) | (1 << (bit & 31))) >>> 0;
    // An empty list leaves AcceptMulticast clear: no multicast frame at all.
    rxMode |= RTL_ACCEPT_MULTICAST;
  }
  return { rxMode, mcFilter: [filter[0] as number, filter[1] as number] };
}

/** The chip side shared by the Realtek profiles: accept bits, MAR bytes and the station address. */
export class RealtekChip {
  rxConfig = 0;
  readonly mar = new BitTable(64);
  /** The MAR read through marBit, by hash bucket (bit b & 31 of word b >> 5): what a lookup tests. */
  private readonly buckets = new Int32Array(2);
  private readonly ownHi: number;
  private readonly ownLo: number;
  constructor(
    readonly ownMac: Mac,
    /** Maps a hash bucket to its MAR bit: identity on 8139, byte-reversed on r8169 > VER_06. */
    private readonly marBit: (bucket: number) => number,
  ) {
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
  }

  writeMar(offset: 0 | 4, value: number): void {
    this.mar.bytes.set(le32Bytes(value), offset);
    for (let b = 0; b < 64; b++) {
      const w = b >> 5;
      const bit = 1 << (b & 31);
      this.buckets[w] = this.mar.test(this.marBit(b)) ? (this.buckets[w] as number) | bit : (this.buckets[w] as number) & ~bit;
    }
  }

  acceptKey(hi: number, lo: number): boolean {
    const cfg = this.rxConfig;
    if (!isMulticastHi(hi)) return (cfg & RTL_ACCEPT_ALL_PHYS) !== 0 || ((cfg & RTL_ACCEPT_MY_PHYS) !== 0 && lo === this.ownLo && hi === this.ownHi);
    if (isBroadcastKey(hi, lo)) return (cfg & RTL_ACCEPT_BROADCAST) !== 0;
    if ((cfg & RTL_ACCEPT_MULTICAST) === 0) return false;
    // MAR bit marBit(ether_crc(dst) >> 26), read from the bucket words.
    const n = keyEtherCrcTop6(hi, lo);
    return (((this.buckets[n >> 5] as number) >>> (n & 31)) & 1) === 1;
  }

  state(): { [k: string]: string | boolean | string[] } {
    const cfg = this.rxConfig;
    return {
      acceptAllPhys: (cfg & RTL_ACCEPT_ALL_PHYS) !== 0,
      acceptMyPhys: (cfg & RTL_ACCEPT_MY_PHYS) !== 0,
      acceptMulticast: (cfg & RTL_ACCEPT_MULTICAST) !== 0,
      acceptBroadcast: (cfg & RTL_ACCEPT_BROADCAST) !== 0,
      mar: Array.from(this.mar.bytes, (b) => b.toString(16).padStart(2, '0')),
      idr: this.ownMac,
    };
  }
}

class Rtl8139Filter extends KeyedFilter {
  private readonly chip: RealtekChip;
  constructor(ownMac: Mac, faults: FaultSet) {
    super();
    this.chip = new RealtekChip(ownMac, (bucket) => bucket);
    // Open: 8139too.c rtl8139_hw_start writes RxConfig = rtl8139_rx_config | AcceptBroadcast |
    // AcceptMyPhys before it calls rtl8139_set_rx_mode, so broadcast and the station address pass
    // from the start (MAR stays 0: no multicast until the first rx-mode call).
    this.chip.rxConfig = faults.has('rxconfig-zero-at-open') ? 0 : RTL_ACCEPT_BROADCAST | RTL_ACCEPT_MY_PHYS;
  }
  program(mode: RxMode): ProgramResult {
    const p = rtl8139Program(mode);
    this.chip.rxConfig = p.rxMode;
    this.chip.writeMar(0, p.mcFilter[0]);
    this.chip.writeMar(4, p.mcFilter[1]);
    return { ok: true };
  }
  acceptKey(hi: number, lo: number): boolean {
    return this.chip.acceptKey(hi, lo);
  }
  state(): JsonValue {
    return { chip: 'RTL8139', ...this.chip.state() };
  }
}

export const rtl8139: FixedFamily = {
  base: 'rtl8139',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'rtl8139',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [RTL8139_MULTICAST_FILTER_LIMIT],
    capacity: hashThenAll(64, RTL8139_MULTICAST_FILTER_LIMIT, '64-bucket hash, all multicast above 32'),
    sharesUnicast: false,
    create: (ownMac: Mac, faults: FaultSet): NicFilter => new Rtl8139Filter(ownMac, faults),
  }),
};
