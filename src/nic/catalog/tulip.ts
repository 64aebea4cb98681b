// tulip: DEC 21140/21143 and work-alikes with the setup-frame filter,
// drivers/net/ethernet/dec/tulip/tulip_core.c (set_rx_mode, build_setup_frame_perfect,
// build_setup_frame_hash). The chip's filter is the 192-byte setup frame the driver queues:
// - perfect filtering: 16 entries of 6 bytes; the driver fills entries 0..n-1 with the groups,
//   the unused ones with ff:ff:ff:ff:ff:ff and entry 15 with the station address (so it takes at
//   most 14 groups, keeping one broadcast entry);
// - hash filtering (tx_flags 0x08400000): a 512-bit table, bit ether_crc_le(dst) & 0x1ff, with
//   bit 255 (the broadcast address's bucket) always set, plus the station address at entry 13.
// CSR6 AcceptAllMulticast / AcceptAllPhys override the frame; in those modes the driver queues
// no new setup frame, so the previous one stays loaded.
import type { FaultSet } from '../../faults.ts';
import type { JsonValue } from '../../json.ts';
import { keyEtherCrcLeI32, macEtherCrcLe } from '../../wire/crc.ts';
import { KeySet, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import { BROADCAST_MAC, type Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { HeadHash, mcCount, mcHead } from '../rx-view.ts';
import { BitTable } from './hash-table.ts';
import { hashFill } from '../capacity.ts';

/** tulip_core.c set_rx_mode: `netdev_mc_count(dev) > 1000` -> all multicast. */
export const TULIP_ALLMULTI_LIMIT = 1000;
/** tulip_core.c set_rx_mode: `netdev_mc_count(dev) > 14` -> hash table ("We have <= 14 addresses"). */
export const TULIP_PERFECT_LIMIT = 14;
/** The setup frame holds 16 perfect entries (tulip_core.c build_setup_frame_perfect). */
export const TULIP_SETUP_ENTRIES = 16;
/** 512-bit hash table: build_setup_frame_hash index = ether_crc_le(ETH_ALEN, addr) & 0x1ff. */
export const TULIP_HASH_BITS = 512;
/** build_setup_frame_hash: set_bit_le(255, hash_table) "Broadcast entry". */
export const TULIP_BROADCAST_BIT = 255;
/** tulip.h enum tulip_mode_bits (CSR6). */
export const TULIP_ACCEPT_ALL_MULTICAST = 0x0080;
export const TULIP_ACCEPT_ALL_PHYS = 0x0040;

export function tulipHashIndex(mac: Mac): number {
  return macEtherCrcLe(mac) & 0x1ff;
}

type SetupFrame =
  | { readonly kind: 'perfect'; readonly entries: readonly Mac[]; readonly entrySet: KeySet }
  | { readonly kind: 'hash'; readonly table: BitTable; readonly station: Mac; readonly stationHi: number; readonly stationLo: number };

function perfectFrame(mc: readonly Mac[], ownMac: Mac): SetupFrame {
  const entries: Mac[] = [...mc];
  while (entries.length < TULIP_SETUP_ENTRIES - 1) entries.push(BROADCAST_MAC);
  entries.push(ownMac);
  return { kind: 'perfect', entries, entrySet: new KeySet(entries) };
}

/** build_setup_frame_hash: the broadcast bit and one bit per group (here: per bucket holding a group). */
function hashFrame(groups: HeadHash, ownMac: Mac): SetupFrame {
  const table = new BitTable(TULIP_HASH_BITS);
  table.set(TULIP_BROADCAST_BIT);
  for (let b = 0; b < TULIP_HASH_BITS; b++) if (groups.has(b)) table.set(b);
  return { kind: 'hash', table, station: ownMac, stationHi: macHi(ownMac), stationLo: macLo(ownMac) };
}

class TulipFilter extends KeyedFilter {
  private csr6 = 0;
  // Reset: tulip_up queues a setup frame with no group (set_rx_mode before the first program).
  private frame: SetupFrame;
  private readonly perfectLimit: number;
  /** The groups counted per hash index, kept by the host's changes (src/nic/rx-view.ts). */
  private readonly groups = new HeadHash(TULIP_HASH_BITS, tulipHashIndex);
  constructor(
    private readonly ownMac: Mac,
    faults: FaultSet,
  ) {
    super();
    this.frame = perfectFrame([], ownMac);
    this.perfectLimit = TULIP_PERFECT_LIMIT + (faults.has('tulip-perfect-15') ? 1 : 0);
  }

  program(mode: RxMode): ProgramResult {
    this.groups.update(mode, 0, true);
    const count = mcCount(mode);
    this.csr6 &= ~(TULIP_ACCEPT_ALL_MULTICAST | TULIP_ACCEPT_ALL_PHYS);
    if (mode.promisc) {
      this.csr6 |= TULIP_ACCEPT_ALL_MULTICAST | TULIP_ACCEPT_ALL_PHYS;
    } else if (count > TULIP_ALLMULTI_LIMIT || mode.allmulti) {
      this.csr6 |= TULIP_ACCEPT_ALL_MULTICAST;
    } else if (count > this.perfectLimit) {
      this.frame = hashFrame(this.groups, this.ownMac);
    } else {
      this.frame = perfectFrame(mcHead(mode, count), this.ownMac);
    }
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.csr6 & TULIP_ACCEPT_ALL_PHYS) return true;
    const group = isMulticastHi(hi);
    if ((this.csr6 & TULIP_ACCEPT_ALL_MULTICAST) !== 0 && group) return true;
    const f = this.frame;
    if (f.kind === 'perfect') return f.entrySet.has(hi, lo);
    // Hash mode (21140 "imperfect"): multicast and broadcast through the table, the one
    // physical address by exact match.
    return group ? f.table.test(keyEtherCrcLeI32(hi, lo) & 0x1ff) : lo === f.stationLo && hi === f.stationHi;
  }

  state(): JsonValue {
    const f = this.frame;
    const setupFrame: JsonValue =
      f.kind === 'perfect'
        ? { filtering: 'perfect', entries: [...f.entries] }
        : { filtering: 'hash', hashBits: f.table.setBits(), station: f.station };
    return {
      chip: 'DEC 21140 (setup frame)',
      acceptAllMulticast: (this.csr6 & TULIP_ACCEPT_ALL_MULTICAST) !== 0,
      acceptAllPhys: (this.csr6 & TULIP_ACCEPT_ALL_PHYS) !== 0,
      setupFrame,
    };
  }
}

const SOURCE = 'drivers/net/ethernet/dec/tulip/tulip_core.c (set_rx_mode, build_setup_frame_perfect, build_setup_frame_hash)';
const SUMMARY = '16-entry perfect setup frame (<= 14 groups), else 512-bit hash (ether_crc_le & 0x1ff); > 1000 or ALLMULTI: all multicast';

export const tulip: FixedFamily = {
  base: 'tulip',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'tulip',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [TULIP_PERFECT_LIMIT, TULIP_ALLMULTI_LIMIT],
    capacity: {
      // The hash table always has bit 255 (broadcast) set: one preset bucket.
      fpRate: (n) => (n > TULIP_ALLMULTI_LIMIT ? 1 : n > TULIP_PERFECT_LIMIT ? hashFill(TULIP_HASH_BITS, n, 1) : 0),
      allMulticastFrom: TULIP_ALLMULTI_LIMIT + 1,
      refusedFrom: null,
      structure: '14 perfect entries, then 512-bucket hash, all multicast above 1000',
    },
    sharesUnicast: false,
    create: (ownMac: Mac, faults: FaultSet): NicFilter => new TulipFilter(ownMac, faults),
  }),
};
