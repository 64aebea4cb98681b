// A MAC as the key the NIC filters look a destination up by (src/nic/keyed.ts): two 32-bit
// halves, `hi` = octets 0..1 (0..0xffff) and `lo` = octets 2..5 as a signed int32. Both are small
// integers to V8, so every octet comes from an int32 shift and a compare is two integer compares;
// a 48-bit number is a double, and each octet taken from it past 2^31 was a truncation out of
// line. An exact table is a table of halves, a CRC reads the octets from them: no string compare
// and no allocation per lookup. `NicFilter.accept(dst: Mac)` stays the facade: macHi/macLo once.
import { type Mac, macAt } from './mac.ts';

/** The value of one lowercase hex digit by its char code ('0'..'9' 48..57, 'a'..'f' 97..102). */
function hexDigit(c: number): number {
  return c >= 97 ? c - 87 : c - 48;
}

/** Octet i (0..5) of the MAC text. */
function octet(mac: Mac, i: number): number {
  return (hexDigit(mac.charCodeAt(3 * i)) << 4) | hexDigit(mac.charCodeAt(3 * i + 1));
}

/** Octets 0 and 1 of a MAC as one 16-bit number (octet 0 in bits 15..8). */
export function macHi(mac: Mac): number {
  return (octet(mac, 0) << 8) | octet(mac, 1);
}

/** Octets 2 to 5 of a MAC as a signed int32 (octet 2 in bits 31..24): `lo >>> 0` is the unsigned value. */
export function macLo(mac: Mac): number {
  return (octet(mac, 2) << 24) | (octet(mac, 3) << 16) | (octet(mac, 4) << 8) | octet(mac, 5);
}

/** Octet i (0..5) of the key. */
export function keyOctet(hi: number, lo: number, i: number): number {
  return i < 2 ? (hi >>> (8 - 8 * i)) & 0xff : (lo >>> (40 - 8 * i)) & 0xff;
}

/** ff:ff:ff:ff:ff:ff as halves. */
export const BROADCAST_HI = 0xffff;
export const BROADCAST_LO = -1;

export function isBroadcastKey(hi: number, lo: number): boolean {
  return hi === BROADCAST_HI && lo === BROADCAST_LO;
}

/** The group bit: the low bit of octet 0 (include/linux/etherdevice.h is_multicast_ether_addr); broadcast has it too. */
export function isMulticastHi(hi: number): boolean {
  return (hi & 0x100) !== 0;
}

/** The MAC text of a key. */
export function keyMac(hi: number, lo: number): Mac {
  return macAt([hi >>> 8, hi & 0xff, lo >>> 24, (lo >>> 16) & 0xff, (lo >>> 8) & 0xff, lo & 0xff], 0);
}

/** No key has this hi (hi is 16 bits): the mark of an empty slot. */
const EMPTY = -1;

/** The hash of a key in a KeySet: its top bits pick the home slot, three more its cell. */
function keyHash(hi: number, lo: number): number {
  return Math.imul(lo ^ Math.imul(hi, 0x85ebca6b), 0x9e3779b1);
}

/**
 * A set of keys (a filter's exact table): open addressing in an Int32Array of (hi, lo) pairs, at
 * most half full, linear probing from a multiplicative hash of both halves, deletion by backward
 * shift (no tombstones). In front of it, a counting filter of 8 cells per slot indexed by more
 * bits of the same hash: a key whose cell is 0 is not in the set, and most destinations a NIC sees
 * are not, so they cost one byte load instead of a probe whose branches the CPU cannot predict.
 * A cell saturates at 255 and then stays (a pass to the probe, never a miss). A lookup allocates
 * nothing and compares int32s only.
 */
export class KeySet {
  private slots: Int32Array;
  private cells: Uint8Array;
  private shift: number;
  private mask: number;
  private count = 0;

  /** A set of the MACs' keys. */
  constructor(macs: Iterable<Mac> = []) {
    this.slots = new Int32Array(16).fill(EMPTY);
    this.cells = new Uint8Array(64);
    this.shift = 29;
    this.mask = 7;
    for (const m of macs) this.add(macHi(m), macLo(m));
  }

  get size(): number {
    return this.count;
  }

  has(hi: number, lo: number): boolean {
    if (this.count === 0) return false;
    const x = keyHash(hi, lo);
    if (this.cells[x >>> (this.shift - 3)] === 0) return false;
    const slots = this.slots;
    const mask = this.mask;
    for (let i = x >>> this.shift; ; i = (i + 1) & mask) {
      const h = slots[2 * i] as number;
      if (h === hi && slots[2 * i + 1] === lo) return true;
      if (h === EMPTY) return false;
    }
  }

  add(hi: number, lo: number): void {
    const slots = this.slots;
    const x = keyHash(hi, lo);
    let i = x >>> this.shift;
    for (; slots[2 * i] !== EMPTY; i = (i + 1) & this.mask) if (slots[2 * i] === hi && slots[2 * i + 1] === lo) return;
    slots[2 * i] = hi;
    slots[2 * i + 1] = lo;
    const c = x >>> (this.shift - 3);
    if ((this.cells[c] as number) < 255) this.cells[c] = (this.cells[c] as number) + 1;
    if (2 * ++this.count > this.mask + 1) this.grow();
  }

  delete(hi: number, lo: number): void {
    const slots = this.slots;
    const mask = this.mask;
    const x = keyHash(hi, lo);
    let i = x >>> this.shift;
    for (; slots[2 * i] !== hi || slots[2 * i + 1] !== lo; i = (i + 1) & mask) if (slots[2 * i] === EMPTY) return;
    this.count--;
    const c = x >>> (this.shift - 3);
    if ((this.cells[c] as number) < 255) this.cells[c] = (this.cells[c] as number) - 1;
    // Backward shift: move up every later key of the run whose home slot is not in (i, j].
    for (let j = (i + 1) & mask; slots[2 * j] !== EMPTY; j = (j + 1) & mask) {
      const home = keyHash(slots[2 * j] as number, slots[2 * j + 1] as number) >>> this.shift;
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[2 * i] = slots[2 * j] as number;
        slots[2 * i + 1] = slots[2 * j + 1] as number;
        i = j;
      }
    }
    slots[2 * i] = EMPTY;
  }

  addMac(mac: Mac): void {
    this.add(macHi(mac), macLo(mac));
  }

  deleteMac(mac: Mac): void {
    this.delete(macHi(mac), macLo(mac));
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Int32Array(old.length * 2).fill(EMPTY);
    this.cells = new Uint8Array(this.cells.length * 2);
    this.mask = (this.slots.length >> 1) - 1;
    this.shift--;
    for (let k = 0; k < old.length; k += 2) {
      const hi = old[k] as number;
      if (hi === EMPTY) continue;
      const lo = old[k + 1] as number;
      const x = keyHash(hi, lo);
      let i = x >>> this.shift;
      while (this.slots[2 * i] !== EMPTY) i = (i + 1) & this.mask;
      this.slots[2 * i] = hi;
      this.slots[2 * i + 1] = lo;
      const c = x >>> (this.shift - 3);
      if ((this.cells[c] as number) < 255) this.cells[c] = (this.cells[c] as number) + 1;
    }
  }
}
