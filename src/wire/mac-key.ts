// A MAC packed into one number, octet 0 in bits 47..40 down to octet 5 in bits 7..0: the key the
// NIC filters look a destination up by (src/nic/keyed.ts). Compares are numeric, an exact table
// is a table of numbers, a CRC reads octets from the number: no string compare and no allocation
// per lookup. `NicFilter.accept(dst: Mac)` stays the facade: macKey once per frame.
import { type Mac, macAt } from './mac.ts';

/** A MAC as a 48-bit integer (exact in a double: below 2^53). */
export type MacKey = number;

const TWO32 = 4294967296;

/** The value of one lowercase hex digit by its char code ('0'..'9' 48..57, 'a'..'f' 97..102). */
function hexDigit(c: number): number {
  return c >= 97 ? c - 87 : c - 48;
}

/** Octet i (0..5) of the MAC text. */
function octet(mac: Mac, i: number): number {
  return (hexDigit(mac.charCodeAt(3 * i)) << 4) | hexDigit(mac.charCodeAt(3 * i + 1));
}

/** The key of a MAC, read from its 12 hex digits. */
export function macKey(mac: Mac): MacKey {
  const hi = (octet(mac, 0) << 8) | octet(mac, 1);
  const lo = ((octet(mac, 2) << 24) | (octet(mac, 3) << 16) | (octet(mac, 4) << 8) | octet(mac, 5)) >>> 0;
  return hi * TWO32 + lo;
}

/** Octets 0 and 1 as a 16-bit number. */
export function keyHi16(key: MacKey): number {
  return (key / TWO32) >>> 0;
}

/** Octets 2 to 5 as an unsigned 32-bit number (ToUint32 keeps the low 32 bits of the integer). */
export function keyLo32(key: MacKey): number {
  return key >>> 0;
}

/** Octet i (0..5) of the key. */
export function keyOctet(key: MacKey, i: number): number {
  return i < 2 ? (keyHi16(key) >>> (8 - 8 * i)) & 0xff : (key >>> (40 - 8 * i)) & 0xff;
}

/** ff:ff:ff:ff:ff:ff. */
export const BROADCAST_KEY: MacKey = 0xffffffffffff;

/** The group bit: the low bit of octet 0 (include/linux/etherdevice.h is_multicast_ether_addr). */
export function isMulticastKey(key: MacKey): boolean {
  return (keyHi16(key) & 0x100) !== 0;
}

/** The MAC text of a key. */
export function keyMac(key: MacKey): Mac {
  return macAt([keyOctet(key, 0), keyOctet(key, 1), keyOctet(key, 2), keyOctet(key, 3), keyOctet(key, 4), keyOctet(key, 5)], 0);
}

/**
 * A set of keys (a filter's exact table): open addressing in a Float64Array, at most half full,
 * linear probing from a multiplicative hash of the key, deletion by backward shift (no
 * tombstones). A lookup allocates nothing; V8's Set boxes a 48-bit number on every `has`.
 */
export class KeySet {
  private slots: Float64Array;
  private shift: number;
  private mask: number;
  private count = 0;

  constructor(keys: Iterable<MacKey> = []) {
    this.slots = new Float64Array(8).fill(-1);
    this.shift = 29;
    this.mask = 7;
    for (const k of keys) this.add(k);
  }

  get size(): number {
    return this.count;
  }

  /** The home slot: a multiplicative hash of octets 2..5 (keys equal there only probe further). */
  private slot(key: MacKey): number {
    return Math.imul(key >>> 0, 0x9e3779b1) >>> this.shift;
  }

  has(key: MacKey): boolean {
    const slots = this.slots;
    for (let i = this.slot(key); ; i = (i + 1) & this.mask) {
      const s = slots[i] as number;
      if (s === key) return true;
      if (s === -1) return false;
    }
  }

  add(key: MacKey): void {
    let i = this.slot(key);
    for (; this.slots[i] !== -1; i = (i + 1) & this.mask) if (this.slots[i] === key) return;
    this.slots[i] = key;
    if (2 * ++this.count > this.slots.length) this.grow();
  }

  delete(key: MacKey): void {
    const slots = this.slots;
    let i = this.slot(key);
    for (; slots[i] !== key; i = (i + 1) & this.mask) if (slots[i] === -1) return;
    this.count--;
    // Backward shift: move up every later key of the run whose home slot is not in (i, j].
    for (let j = (i + 1) & this.mask; slots[j] !== -1; j = (j + 1) & this.mask) {
      const home = this.slot(slots[j] as number);
      if (i <= j ? home <= i || home > j : home <= i && home > j) {
        slots[i] = slots[j] as number;
        i = j;
      }
    }
    slots[i] = -1;
  }

  private grow(): void {
    const old = this.slots;
    this.slots = new Float64Array(old.length * 2).fill(-1);
    this.mask = this.slots.length - 1;
    this.shift--;
    for (const k of old) {
      if (k === -1) continue;
      let i = this.slot(k);
      while (this.slots[i] !== -1) i = (i + 1) & this.mask;
      this.slots[i] = k;
    }
  }
}
