// e1000:N (N = mc_filter_type 0..3): Intel 8254x, drivers/net/ethernet/intel/e1000/e1000_main.c
// (e1000_set_rx_mode) and e1000_hw.c (e1000_hash_mc_addr, e1000_rar_set).
// Registers modelled: RCTL (UPE, MPE, BAM), the receive address registers RAR0..RAR14 (RAR0 the
// station address, then unicast secondaries, then the first multicast groups, valid bit AV), and
// the multicast table array MTA[128] (4096 bits). Groups beyond the RARs set MTA bit
// hash & 0x1f of register (hash >> 5) & 0x7f, hash = 12 address bits picked by mc_filter_type
// (the MO field of RCTL). The driver never falls back to all-multicast by count: only
// IFF_ALLMULTI (MPE) or IFF_PROMISC (UPE | MPE).
import type { FaultSet } from '../../faults.ts';
import { type Mac, macByte } from '../../wire/mac.ts';
import { KeySet, isBroadcastKey, isMulticastHi, macHi } from '../../wire/mac-key.ts';
import type { ParameterisedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { BitTable } from './hash-table.ts';
import { ACCEPT, BROADCAST_VECTOR, DROP, EXACT, VectorVerdicts, mtaShift, mtaVectorLo } from './vector-verdicts.ts';

export { mtaShift, mtaVectorLo } from './vector-verdicts.ts';
import { hashFill } from '../capacity.ts';
import { HeadHash } from '../rx-view.ts';

/** e1000_hw.h: #define E1000_RAR_ENTRIES 15 (RAR0..RAR14 used by e1000_set_rx_mode). */
export const E1000_RAR_ENTRIES = 15;
/** e1000_hw.h: #define E1000_NUM_MTA_REGISTERS 128 (x 32 bits = 4096). */
export const E1000_NUM_MTA_REGISTERS = 128;
/** e1000_hw.h RCTL bits. */
export const E1000_RCTL_UPE = 0x00000008;
export const E1000_RCTL_MPE = 0x00000010;
export const E1000_RCTL_BAM = 0x00008000;

/**
 * e1000_hw.c e1000_hash_mc_addr (identical to ixgbe_common.c ixgbe_mta_vector): the 12-bit MTA
 * vector of a multicast address for mc_filter_type 0..3.
 * e1000_hw.c's comment example 01:AA:00:12:34:56 gives 0x563, 0xAC6, 0x5D8, 0x634; the code gives
 * 0x58D for type 2 ((0x34 >> 2) | (0x56 << 6) = 0x158D & 0xfff): the comment transposes two digits.
 */
export function mtaVector(filterType: number, mac: Mac): number {
  return mtaVectorOf(filterType, macByte(mac, 4), macByte(mac, 5));
}

/** The vector from octets 4 and 5. */
function mtaVectorOf(filterType: number, b4: number, b5: number): number {
  let v: number;
  switch (filterType) {
    case 0: v = (b4 >> 4) | (b5 << 4); break; // [47:36]
    case 1: v = (b4 >> 3) | (b5 << 5); break; // [46:35]
    case 2: v = (b4 >> 2) | (b5 << 6); break; // [45:34]
    case 3: v = b4 | (b5 << 8); break; // [43:32]
    default: throw new RangeError(`mc_filter_type must be 0..3, got ${filterType}`);
  }
  return v & 0xfff;
}

/** MTA register and bit of a vector: (hash >> 5) & 0x7f, hash & 0x1f. */
export function mtaLocation(vector: number): { register: number; bit: number } {
  return { register: (vector >> 5) & 0x7f, bit: vector & 0x1f };
}

/** The MTA as 128 u32 registers; bit b of register r is table bit 32r + b. */
export class MulticastTableArray {
  readonly table = new BitTable(E1000_NUM_MTA_REGISTERS * 32);
  setVector(vector: number): void {
    const { register, bit } = mtaLocation(vector);
    this.table.set(register * 32 + bit);
  }
  /** Sets or clears the vector's bit (a shadow kept by per-vector counts). */
  writeVector(vector: number, set: boolean): void {
    const { register, bit } = mtaLocation(vector);
    if (set) this.table.set(register * 32 + bit);
    else this.table.unset(register * 32 + bit);
  }
  testVector(vector: number): boolean {
    // mtaLocation without its object: register (v >> 5) & 0x7f, bit v & 0x1f, i.e. table bit v & 0xfff.
    return this.table.test(vector & 0xfff);
  }
  /** Non-zero registers as { "MTA[r]": "hex" }: 128 words are too many to print. */
  nonZero(): Record<string, string> {
    const out: Record<string, string> = {};
    const words = this.table.words();
    words.forEach((w, r) => {
      if (w !== '00000000') out[`MTA[${r}]`] = w;
    });
    return out;
  }
}

class E1000Filter extends KeyedFilter {
  // e1000_setup_rctl sets BAM; UPE/MPE follow the flags.
  private rctl = E1000_RCTL_BAM;
  private rar: (Mac | null)[];
  /** The addresses in rar, for lookups. */
  private rarSet: KeySet;
  private readonly mta = new MulticastTableArray();
  /**
   * The groups that reach RARs (the list's first ones) and the rest counted at their MTA vector,
   * kept by the host's changes (src/nic/rx-view.ts); the MTA follows bit by bit.
   */
  private readonly split: HeadHash;
  /** mtaShift(filterType), for lookups. */
  private readonly shift: number;
  /** decide() cached by group bit and MTA vector (./vector-verdicts.ts). */
  private readonly verdicts: VectorVerdicts;
  /** The MTA vectors of the RARs' unicast and group addresses: their cells are EXACT. */
  private rarUnicastVectors = new Set<number>();
  private rarGroupVectors = new Set<number>();
  constructor(
    private readonly ownMac: Mac,
    private readonly filterType: number,
  ) {
    super();
    this.shift = mtaShift(filterType);
    this.rar = [ownMac, ...Array<Mac | null>(E1000_RAR_ENTRIES - 1).fill(null)];
    this.rarSet = new KeySet([ownMac]);
    this.verdicts = new VectorVerdicts(this.shift);
    this.markRars(this.rar, -1);
    this.split = new HeadHash(4096, (mac) => mtaVector(filterType, mac), (v, set) => {
      this.mta.writeVector(v, set);
      this.verdicts.set(true, v, this.groupVerdict(v));
    });
  }

  program(mode: RxMode): ProgramResult {
    let rctl = this.rctl;
    const uc = mode.uc ?? [];
    let useUc = false;
    if (mode.promisc) {
      rctl |= E1000_RCTL_UPE | E1000_RCTL_MPE;
    } else {
      rctl = mode.allmulti ? rctl | E1000_RCTL_MPE : rctl & ~E1000_RCTL_MPE;
    }
    // More unicast secondaries than spare RARs: unicast promiscuous; otherwise they go first.
    if (uc.length > E1000_RAR_ENTRIES - 1) rctl |= E1000_RCTL_UPE;
    else if (!mode.promisc) {
      rctl &= ~E1000_RCTL_UPE;
      useUc = true;
    }
    const changed = rctl ^ this.rctl;
    this.rctl = rctl;
    const rar: (Mac | null)[] = [this.ownMac];
    if (useUc) rar.push(...uc);
    // e1000_set_rx_mode clears the MTA shadow, then the groups fill the spare RARs in list order
    // and the rest set their MTA bits: the first (15 - 1 - uc) groups exact, the rest hashed.
    this.split.update(mode, E1000_RAR_ENTRIES - rar.length, true);
    rar.push(...this.split.head);
    while (rar.length < E1000_RAR_ENTRIES) rar.push(null);
    this.rar = rar;
    this.rarSet = new KeySet(rar.filter((m) => m !== null));
    this.markRars(rar, changed);
    return { ok: true };
  }

  /** The cells of the RARs' vectors (old and new) recomputed, or a whole class where its RCTL bit changed. */
  private markRars(rar: readonly (Mac | null)[], changed: number): void {
    const stale = [...this.rarUnicastVectors, ...this.rarGroupVectors];
    const macs = rar.filter((m) => m !== null);
    this.rarUnicastVectors = new Set(macs.filter((m) => !isMulticastHi(macHi(m))).map((m) => mtaVector(this.filterType, m)));
    this.rarGroupVectors = new Set(macs.filter((m) => isMulticastHi(macHi(m))).map((m) => mtaVector(this.filterType, m)));
    if (changed & E1000_RCTL_UPE) this.verdicts.fill(false, (v) => this.unicastVerdict(v));
    if (changed & E1000_RCTL_MPE) this.verdicts.fill(true, (v) => this.groupVerdict(v));
    for (const v of [...stale, ...this.rarUnicastVectors, ...this.rarGroupVectors]) {
      this.verdicts.set(false, v, this.unicastVerdict(v));
      this.verdicts.set(true, v, this.groupVerdict(v));
    }
  }

  acceptKey(hi: number, lo: number): boolean {
    const at = this.verdicts.at(hi, lo);
    return at === EXACT ? this.decide(hi, lo) : at === ACCEPT;
  }

  /** The filter's decision: a RAR match (whatever the class), else by class: broadcast with BAM, a group with MPE or its MTA bit, unicast with UPE. */
  private decide(hi: number, lo: number): boolean {
    if (this.rarSet.has(hi, lo)) return true;
    if (!isMulticastHi(hi)) return (this.rctl & E1000_RCTL_UPE) !== 0;
    if (isBroadcastKey(hi, lo)) return (this.rctl & E1000_RCTL_BAM) !== 0;
    return (this.rctl & E1000_RCTL_MPE) !== 0 || this.mta.testVector(mtaVectorLo(this.shift, lo));
  }

  /** decide() for the unicast destinations of vector v. */
  private unicastVerdict(v: number): number {
    if (this.rctl & E1000_RCTL_UPE) return ACCEPT;
    return this.rarUnicastVectors.has(v) ? EXACT : DROP;
  }

  /** decide() for the group destinations of vector v. */
  private groupVerdict(v: number): number {
    if (v === BROADCAST_VECTOR) return EXACT;
    if ((this.rctl & E1000_RCTL_MPE) !== 0 || this.mta.testVector(v)) return ACCEPT;
    return this.rarGroupVectors.has(v) ? EXACT : DROP;
  }

  state() {
    return {
      chip: 'Intel 8254x',
      mcFilterType: this.filterType,
      upe: (this.rctl & E1000_RCTL_UPE) !== 0,
      mpe: (this.rctl & E1000_RCTL_MPE) !== 0,
      bam: (this.rctl & E1000_RCTL_BAM) !== 0,
      rar: this.rar.map((m) => m ?? ''),
      mta: this.mta.nonZero(),
    };
  }
}

const SOURCE = 'drivers/net/ethernet/intel/e1000/e1000_main.c (e1000_set_rx_mode), e1000_hw.c (e1000_hash_mc_addr)';
const SUMMARY = '14 exact RARs, then 4096-bit MTA hash on 12 address bits (mc_filter_type N); all multicast only by ALLMULTI';

export const e1000: ParameterisedFamily = {
  base: 'e1000',
  source: SOURCE,
  summary: SUMMARY,
  parameter: { meaning: 'mc_filter_type (MTA hash bits: 0 [47:36], 1 [46:35], 2 [45:34], 3 [43:32])', min: 0, max: 3, default: 0 },
  profile: (n: number): NicProfile => ({
    name: `e1000:${n}`,
    source: SOURCE,
    summary: SUMMARY,
    // RAR1..RAR14 hold unicast secondaries first, then groups; the 15th spare entry is hashed.
    thresholds: [E1000_RAR_ENTRIES - 1],
    capacity: {
      fpRate: (g) => (g > E1000_RAR_ENTRIES - 1 ? hashFill(4096, g - (E1000_RAR_ENTRIES - 1)) : 0),
      allMulticastFrom: null,
      refusedFrom: null,
      structure: '14 exact RARs, then 4096-bit MTA hash, never all multicast by count',
    },
    sharesUnicast: true,
    // e1000_main.c e1000_probe sets IFF_UNICAST_FLT (not for VMware's 82545EM); proven in the
    // QEMU guest (82540EM): an up macvlan's MAC takes a RAR, promiscuity stays 0 (docs/guest.md).
    unicastFilter: true,
    create: (ownMac: Mac, faults: FaultSet): NicFilter =>
      new E1000Filter(ownMac, n === 0 && faults.has('e1000-filter-type-1') ? 1 : n),
  }),
};
