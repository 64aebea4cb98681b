// pcnet32: AMD PCnet-PCI (Am79C970A, QEMU's `pcnet`), drivers/net/ethernet/amd/pcnet32.c
// pcnet32_set_multicast_list and pcnet32_load_multicast ("taken from the sunlance driver"):
// PROMISC sets CSR15 PROM; otherwise the 64-bit logical address filter LADRF (CSR8..CSR11) gets
// bit ether_crc_le(addr) >> 26 of every group, with no count limit; ALLMULTI sets all 64 bits.
// QEMU hw/net/pcnet.c ladr_match reads the same bit (net_crc32_le(dst) >> 26) for any
// multicast destination; padr_match the station address (CSR12..14), padr_bcast broadcast.
import type { FaultSet } from '../../faults.ts';
import { crc32Le, keyEtherCrc, keyEtherCrcLeI32, macEtherCrc, macEtherCrcLe } from '../../wire/crc.ts';
import { isBroadcastKey, isMulticastHi, keyOctet, macHi, macLo } from '../../wire/mac-key.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcHead, mcCount } from '../rx-view.ts';
import { BitTable } from './hash-table.ts';
import { hashOnly } from '../capacity.ts';

/** pcnet32.c: `#define PCNET32_MC_FILTER 8` (CSR8..CSR11, four 16-bit words of LADRF). */
export const PCNET32_MC_FILTER_CSR = 8;
/** CSR15 bit 15 PROM (pcnet32.c: `csr15 | 0x8000`). */
export const PCNET32_CSR15_PROM = 0x8000;

/** pcnet32_load_multicast: `crc = ether_crc_le(6, ha->addr); crc = crc >> 26;` */
export function pcnet32LadrfBit(mac: Mac): number {
  return macEtherCrcLe(mac) >>> 26;
}

/**
 * zlib's crc32(~0, dst, 6) (zlib complements the seed it is given and its result): the lookup CRC
 * of QEMU hw/net/sungem.c sungem_receive before 8f90bc2f8fbb ("sungem: fix multicast filter CRC
 * calculation"), which switched it to net_crc32_le, the driver's ether_crc_le.
 */
export function zlibCrc32Key(hi: number, lo: number): number {
  const octets = [0, 1, 2, 3, 4, 5].map((i) => keyOctet(hi, lo, i));
  return ~crc32Le(0, octets) >>> 0;
}

/** Which CRC the device looks a destination up with: the driver's, or a fault's. */
type LookupCrc = 'ether_crc_le' | 'ether_crc' | 'zlib';

/** The LADRF bit of a key under each lookup CRC: crc >> 26. */
export function pcnet32LadrfBitKey(crc: LookupCrc, hi: number, lo: number): number {
  if (crc === 'ether_crc_le') return keyEtherCrcLeI32(hi, lo) >>> 26;
  return (crc === 'ether_crc' ? keyEtherCrc(hi, lo) : zlibCrc32Key(hi, lo)) >>> 26;
}

export class Pcnet32Filter extends KeyedFilter {
  private csr15 = 0;
  private readonly ladrf = new BitTable(64);
  private readonly bitOf: (mac: Mac) => number;
  /** The CRC of the lookup side. */
  private readonly lookupCrc: LookupCrc;
  private readonly ownHi: number;
  private readonly ownLo: number;
  constructor(
    private readonly ownMac: Mac,
    faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    const beCrc = faults.has('pcnet32-ladrf-be-crc');
    this.bitOf = beCrc ? (mac) => macEtherCrc(mac) >>> 26 : pcnet32LadrfBit;
    // 'qemu-hash-zlib-crc' is the device side only: QEMU's sungem looked frames up with zlib's CRC while the driver set ether_crc_le's bit.
    const zlibLookup = faults.has('qemu-hash-zlib-crc');
    this.lookupCrc = beCrc ? 'ether_crc' : zlibLookup ? 'zlib' : 'ether_crc_le';
  }

  program(mode: RxMode): ProgramResult {
    if (mode.promisc) {
      // The promiscuous branch does not reload LADRF: the old filter stays under PROM.
      this.csr15 |= PCNET32_CSR15_PROM;
      return { ok: true };
    }
    this.csr15 &= ~PCNET32_CSR15_PROM;
    this.ladrf.clear();
    if (mode.allmulti) {
      for (let b = 0; b < 64; b++) this.ladrf.set(b);
    } else {
      for (const mac of mcHead(mode, mcCount(mode))) this.ladrf.set(this.bitOf(mac));
    }
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.csr15 & PCNET32_CSR15_PROM) return true;
    if (!isMulticastHi(hi)) return lo === this.ownLo && hi === this.ownHi;
    if (isBroadcastKey(hi, lo)) return true;
    return this.ladrf.test(pcnet32LadrfBitKey(this.lookupCrc, hi, lo));
  }

  state() {
    const w = this.ladrf.words();
    return { prom: (this.csr15 & PCNET32_CSR15_PROM) !== 0, ladrf: w };
  }
}

const SOURCE = 'drivers/net/ethernet/amd/pcnet32.c (pcnet32_set_multicast_list, pcnet32_load_multicast), qemu hw/net/pcnet.c (ladr_match)';
const SUMMARY = '64-bit LADRF hash (ether_crc_le >> 26), no count limit; ALLMULTI sets every bit; PROMISC: CSR15 PROM';

export const pcnet32: FixedFamily = {
  base: 'pcnet32',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'pcnet32',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [],
    capacity: hashOnly(64, '64-bucket LADRF hash, never all multicast by count'),
    sharesUnicast: false,
    create: (ownMac: Mac, faults: FaultSet): NicFilter => new Pcnet32Filter(ownMac, faults),
  }),
};
