// e100: Intel 8255x (PRO/100), drivers/net/ethernet/intel/e100.c (e100_set_multicast_list,
// e100_multi, e100_configure) and the chip as QEMU emulates it, hw/net/eepro100.c
// (set_multicast_list, nic_receive, e100_compute_mcast_idx).
// The driver sends a Multicast Setup command with the first min(count, 64) groups; the chip does
// not keep them exactly: it hashes each into a 64-bit table, bit (ether_crc(addr) >> 2) & 0x3f
// (bits 7..2 of the MSB-first CRC), and admits a multicast frame when its bit is set. More than
// E100_MAX_MULTICAST_ADDRS groups, or IFF_ALLMULTI, sets the configure byte's multicast_all bit;
// IFF_PROMISC its promiscuous bit.
import type { FaultSet } from '../../faults.ts';
import { keyEtherCrcBits7to2, macEtherCrc } from '../../wire/crc.ts';
import { isBroadcastKey, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcCount, mcHead } from '../rx-view.ts';
import { BitTable } from './hash-table.ts';
import { hashThenAll } from '../capacity.ts';

/** e100.c: #define E100_MAX_MULTICAST_ADDRS 64. */
export const E100_MAX_MULTICAST_ADDRS = 64;

/** hw/net/eepro100.c e100_compute_mcast_idx: (crc & BITS(7, 2)) >> 2 of the MSB-first CRC. */
export function e100HashIndex(mac: Mac): number {
  return (macEtherCrc(mac) >>> 2) & 0x3f;
}

/** e100HashIndex of a key (src/wire/mac-key.ts): the lookup side. */
export function e100HashIndexKey(hi: number, lo: number): number {
  return keyEtherCrcBits7to2(hi, lo);
}

class E100Filter extends KeyedFilter {
  private readonly ownHi: number;
  private readonly ownLo: number;
  private promiscuous = false;
  private multicastAll = false;
  /** EEPRO100State.mult[8]: "Hash register (multicast mask array)". */
  private readonly mult = new BitTable(64);
  constructor(private readonly ownMac: Mac) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
  }

  program(mode: RxMode): ProgramResult {
    this.promiscuous = mode.promisc;
    this.multicastAll = mode.allmulti || mcCount(mode) > E100_MAX_MULTICAST_ADDRS;
    // e100_multi loads count = min(mc_count, 64) addresses; set_multicast_list clears mult first.
    this.mult.clear();
    for (const mac of mcHead(mode, E100_MAX_MULTICAST_ADDRS)) this.mult.set(e100HashIndex(mac));
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.promiscuous) return true;
    if (!isMulticastHi(hi)) return lo === this.ownLo && hi === this.ownHi;
    if (isBroadcastKey(hi, lo)) return true;
    return this.multicastAll || this.mult.test(e100HashIndexKey(hi, lo));
  }

  state() {
    return {
      chip: 'Intel 82557/8/9',
      promiscuous: this.promiscuous,
      multicastAll: this.multicastAll,
      mult: Array.from(this.mult.bytes, (b) => b.toString(16).padStart(2, '0')),
      individualAddress: this.ownMac,
    };
  }
}

const SOURCE = 'drivers/net/ethernet/intel/e100.c (e100_set_multicast_list), qemu hw/net/eepro100.c (e100_compute_mcast_idx)';
const SUMMARY = 'up to 64 groups hashed into 64 bits ((ether_crc >> 2) & 0x3f); more or ALLMULTI: all multicast';

export const e100: FixedFamily = {
  base: 'e100',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'e100',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [E100_MAX_MULTICAST_ADDRS],
    capacity: hashThenAll(64, E100_MAX_MULTICAST_ADDRS, '64-bucket hash, all multicast above 64'),
    sharesUnicast: false,
    create: (ownMac: Mac, _faults: FaultSet): NicFilter => new E100Filter(ownMac),
  }),
};
