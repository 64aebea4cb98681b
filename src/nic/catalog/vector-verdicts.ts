// The lookup side of the Intel MTA filters (e1000, e1000e, ixgbe): the 12-bit MTA vector of a
// destination's key (e1000_hw.c e1000_hash_mc_addr, ixgbe_common.c ixgbe_mta_vector), and their
// verdicts cached by what the lookup computes with a shift and a load: the group bit and the
// vector. A cell holds ACCEPT or DROP where every destination of the cell is decided alike, EXACT
// where the filter must look further (a RAR or the station address, broadcast). A lookup is then
// one load, one branch that is rarely taken and a compare: the class test and the MTA bit were
// two branches per frame that no CPU predicts on mixed traffic.

/** How far each mc_filter_type shifts octets 5:4 (as one 16-bit number) right: [47:36], [46:35], [45:34], [43:32]. */
const MTA_SHIFT = [4, 3, 2, 0] as const;

/** How far mc_filter_type shifts octets 5:4 right (a filter keeps it to look destinations up). */
export function mtaShift(filterType: number): number {
  const s = MTA_SHIFT[filterType];
  if (s === undefined) throw new RangeError(`mc_filter_type must be 0..3, got ${filterType}`);
  return s;
}

/** The MTA vector of a key's lo half (octets 2..5, src/wire/mac-key.ts): octets 5:4 shifted by mtaShift. */
export function mtaVectorLo(shift: number, lo: number): number {
  return ((((lo & 0xff) << 8) | ((lo >>> 8) & 0xff)) >> shift) & 0xfff;
}

export const DROP = 0;
export const ACCEPT = 1;
/** Ask the filter: destinations of this cell are not all decided alike. */
export const EXACT = 2;

/** ff:ff:ff:ff:ff:ff's vector under every mc_filter_type: its cell also holds groups ending in ff:ff, so it is always EXACT. */
export const BROADCAST_VECTOR = 0xfff;

export class VectorVerdicts {
  /** Cell (group bit g, vector v) at 4096 g + v. */
  private readonly cells = new Uint8Array(2 * 4096);
  constructor(private readonly shift: number) {}

  /** The cell of a key (hi = octets 0..1, lo = octets 2..5). */
  at(hi: number, lo: number): number {
    return this.cells[((hi & 0x100) << 4) | mtaVectorLo(this.shift, lo)] as number;
  }

  set(group: boolean, vector: number, verdict: number): void {
    this.cells[(group ? 4096 : 0) | vector] = verdict;
  }

  /** Every cell of one class (group or not) from verdictOf(vector). */
  fill(group: boolean, verdictOf: (vector: number) => number): void {
    for (let v = 0; v < 4096; v++) this.set(group, v, verdictOf(v));
  }
}
