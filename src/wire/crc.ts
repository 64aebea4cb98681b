// CRC-32 as the kernel's NIC drivers use it for multicast hash filters.
// include/linux/crc32.h: ether_crc_le(len, p) = crc32_le(~0, p, len);
//                        ether_crc(len, p)    = bitrev32(crc32_le(~0, p, len)).
// Neither applies the final inversion of the IEEE 802.3 FCS.
import { type Mac, macByte } from './mac.ts';
import { type MacKey, keyHi16 } from './mac-key.ts';

const CRC32_POLY_LE = 0xedb88320; // include/linux/crc32poly.h

const TABLE: Uint32Array = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32_POLY_LE : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** lib/crc32.c crc32_le(seed, p, len): reflected CRC-32, no pre- or post-inversion of its own. */
export function crc32Le(seed: number, data: ArrayLike<number>): number {
  let crc = seed >>> 0;
  for (let i = 0; i < data.length; i++) {
    crc = (TABLE[(crc ^ (data[i] as number)) & 0xff] as number) ^ (crc >>> 8);
  }
  return crc >>> 0;
}

/** include/linux/bitrev.h bitrev32 (as swaps of halves, quarters, ... instead of its byte table). */
export function bitrev32(x: number): number {
  x = ((x >>> 1) & 0x55555555) | ((x & 0x55555555) << 1);
  x = ((x >>> 2) & 0x33333333) | ((x & 0x33333333) << 2);
  x = ((x >>> 4) & 0x0f0f0f0f) | ((x & 0x0f0f0f0f) << 4);
  x = ((x >>> 8) & 0x00ff00ff) | ((x & 0x00ff00ff) << 8);
  return ((x >>> 16) | (x << 16)) >>> 0;
}

export function etherCrcLe(bytes: ArrayLike<number>): number {
  return crc32Le(0xffffffff, bytes);
}

export function etherCrc(bytes: ArrayLike<number>): number {
  return bitrev32(crc32Le(0xffffffff, bytes));
}

/**
 * The CRCs of a MAC read straight from its text, byte by byte through the table: no bytes array
 * and no cache (a lookup of a remembered CRC cost more than the six table steps, and 1,000,000
 * random destinations overflowed any bounded cache). Filters hash every received destination.
 */
let computed = 0;

/** How many MAC CRCs were computed so far (a test counts the work of programming with it). */
export function macCrcsComputed(): number {
  return computed;
}

export function macEtherCrcLe(mac: Mac): number {
  computed++;
  let crc = 0xffffffff;
  for (let i = 0; i < 6; i++) crc = (TABLE[(crc ^ macByte(mac, i)) & 0xff] as number) ^ (crc >>> 8);
  return crc >>> 0;
}

export function macEtherCrc(mac: Mac): number {
  return bitrev32(macEtherCrcLe(mac));
}

/** ether_crc_le of a packed MAC (src/wire/mac-key.ts): its six octets through the table, from the number. */
export function keyEtherCrcLe(key: MacKey): number {
  const hi = keyHi16(key);
  const lo = key >>> 0;
  const t = TABLE;
  let crc = 0xffffffff;
  crc = (t[(crc ^ (hi >>> 8)) & 0xff] as number) ^ (crc >>> 8);
  crc = (t[(crc ^ hi) & 0xff] as number) ^ (crc >>> 8);
  crc = (t[(crc ^ (lo >>> 24)) & 0xff] as number) ^ (crc >>> 8);
  crc = (t[(crc ^ (lo >>> 16)) & 0xff] as number) ^ (crc >>> 8);
  crc = (t[(crc ^ (lo >>> 8)) & 0xff] as number) ^ (crc >>> 8);
  crc = (t[(crc ^ lo) & 0xff] as number) ^ (crc >>> 8);
  return crc >>> 0;
}

/** ether_crc of a packed MAC. */
export function keyEtherCrc(key: MacKey): number {
  return bitrev32(keyEtherCrcLe(key));
}
