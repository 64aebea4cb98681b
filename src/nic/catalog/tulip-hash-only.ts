// tulip-hash-only: tulip work-alikes flagged MC_HASH_ONLY ("Some work-alikes have only a
// 64-entry hash filter table"), drivers/net/ethernet/dec/tulip/tulip_core.c set_rx_mode. The
// driver writes the two u32 words to the chip's hash registers (ASIX: CSR13 index 2/3 + CSR14;
// COMET: CSR27/CSR28). Bucket: ether_crc(addr) >> 26 (ASIX) or ether_crc_le(addr) & 0x3f
// (COMET_MAC_ADDR, see tulip-comet.ts). More than 64 groups, more than 1000, or ALLMULTI:
// CSR6 AcceptAllMulticast.
// Assumption (not in the driver): these chips accept broadcast and the station address in
// their own registers, without the hash table.
import type { FaultSet } from '../../faults.ts';
import { keyEtherCrcLeI32, keyEtherCrcTop6, macEtherCrc, macEtherCrcLe } from '../../wire/crc.ts';
import { isBroadcastKey, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcCount, mcHead } from '../rx-view.ts';
import { BitTable, etherCrcTop6 } from './hash-table.ts';
import { TULIP_ACCEPT_ALL_MULTICAST, TULIP_ACCEPT_ALL_PHYS, TULIP_ALLMULTI_LIMIT } from './tulip.ts';
import { hashThenAll } from '../capacity.ts';

/** tulip_core.c set_rx_mode, MC_HASH_ONLY: `netdev_mc_count(dev) > 64` -> all multicast. */
export const TULIP_HASH_ONLY_LIMIT = 64;

export type HashOnlyChip = 'asix' | 'comet';

/** The bucket set_rx_mode computes: filterbit &= 0x3f after either CRC. */
export function tulipHashOnlyBucket(chip: HashOnlyChip, mac: Mac): number {
  return chip === 'comet' ? macEtherCrcLe(mac) & 0x3f : etherCrcTop6(macEtherCrc(mac)) & 0x3f;
}

/** tulipHashOnlyBucket of a key (src/wire/mac-key.ts): the lookup side. */
export function tulipHashOnlyBucketKey(comet: boolean, hi: number, lo: number): number {
  return comet ? keyEtherCrcLeI32(hi, lo) & 0x3f : keyEtherCrcTop6(hi, lo);
}

export class TulipHashOnlyFilter extends KeyedFilter {
  private csr6 = 0;
  private readonly hash = new BitTable(64);
  private readonly ownHi: number;
  private readonly ownLo: number;
  private readonly comet: boolean;
  constructor(
    private readonly ownMac: Mac,
    private readonly chip: HashOnlyChip,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    this.comet = chip === 'comet';
  }

  program(mode: RxMode): ProgramResult {
    this.csr6 &= ~(TULIP_ACCEPT_ALL_MULTICAST | TULIP_ACCEPT_ALL_PHYS);
    if (mode.promisc) {
      this.csr6 |= TULIP_ACCEPT_ALL_MULTICAST | TULIP_ACCEPT_ALL_PHYS;
    } else if (mcCount(mode) > TULIP_ALLMULTI_LIMIT || mode.allmulti || mcCount(mode) > TULIP_HASH_ONLY_LIMIT) {
      this.csr6 |= TULIP_ACCEPT_ALL_MULTICAST;
    } else {
      // The registers are rewritten only when the words change; the result is the same table.
      this.hash.clear();
      // At most TULIP_HASH_ONLY_LIMIT addresses here: the whole list is its head.
      for (const mac of mcHead(mode, TULIP_HASH_ONLY_LIMIT)) this.hash.set(tulipHashOnlyBucket(this.chip, mac));
    }
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.csr6 & TULIP_ACCEPT_ALL_PHYS) return true;
    if (!isMulticastHi(hi)) return lo === this.ownLo && hi === this.ownHi;
    if (isBroadcastKey(hi, lo)) return true;
    return (this.csr6 & TULIP_ACCEPT_ALL_MULTICAST) !== 0 || this.hash.test(tulipHashOnlyBucketKey(this.comet, hi, lo));
  }

  state() {
    return {
      chip: this.chip === 'comet' ? 'ADMtek Comet (CSR27/CSR28)' : 'ASIX AX88140 (CSR13/CSR14)',
      acceptAllMulticast: (this.csr6 & TULIP_ACCEPT_ALL_MULTICAST) !== 0,
      acceptAllPhys: (this.csr6 & TULIP_ACCEPT_ALL_PHYS) !== 0,
      mcFilter: this.hash.words(),
    };
  }
}

const SOURCE = 'drivers/net/ethernet/dec/tulip/tulip_core.c (set_rx_mode, MC_HASH_ONLY)';
const SUMMARY = 'ASIX AX88140: 64-bit hash (ether_crc >> 26); > 64 groups or ALLMULTI: all multicast';

export const tulipHashOnly: FixedFamily = {
  base: 'tulip-hash-only',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'tulip-hash-only',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [TULIP_HASH_ONLY_LIMIT],
    capacity: hashThenAll(64, TULIP_HASH_ONLY_LIMIT, '64-bucket hash, all multicast above 64'),
    sharesUnicast: false,
    create: (ownMac: Mac, _faults: FaultSet): NicFilter => new TulipHashOnlyFilter(ownMac, 'asix'),
  }),
};
