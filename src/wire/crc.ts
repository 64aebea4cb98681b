// CRC-32 as the kernel's NIC drivers use it for multicast hash filters.
// include/linux/crc32.h: ether_crc_le(len, p) = crc32_le(~0, p, len);
//                        ether_crc(len, p)    = bitrev32(crc32_le(~0, p, len)).
// Neither applies the final inversion of the IEEE 802.3 FCS.
import { type Mac, macByte } from './mac.ts';

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

/**
 * crc32_le is linear over GF(2) in its register and its data, so the CRC of six octets from ~0 is
 * a constant XOR one entry per octet position: SLICE6[256 * (5 - i) + octet i] is what octet i
 * contributes, run through the zero steps of the octets after it. lib/crc32.c slices the same way
 * (crc32_le_generic with CRC_LE_BITS 64: eight tables, one per byte of a 64-bit word). Six loads
 * that do not wait for each other, where the byte-by-byte loop waits on each; int32 entries, so a
 * load is a small integer to V8 (a Uint32Array entry past 2^31 is a double).
 */
const SLICE6: Int32Array = (() => {
  const zeroStep = (c: number): number => (TABLE[c & 0xff] as number) ^ (c >>> 8);
  const t = new Int32Array(6 * 256);
  for (let b = 0; b < 256; b++) {
    let c = TABLE[b] as number;
    for (let k = 0; k < 6; k++, c = zeroStep(c)) t[256 * k + b] = c;
  }
  return t;
})();

/** The CRC of six zero octets from ~0: the constant of the sum. */
const SLICE6_SEED: number = (() => {
  let c = 0xffffffff;
  for (let k = 0; k < 6; k++) c = (TABLE[c & 0xff] as number) ^ (c >>> 8);
  return c | 0;
})();

/**
 * ether_crc_le of a key (src/wire/mac-key.ts: hi = octets 0..1, lo = octets 2..5 as int32), as an
 * int32 (`>>> 0` gives the CRC), nothing allocated: the lookup side of the hash filters. Its bits
 * are those of crc32Le over the six octets (test/wire/mac-key.test.ts, test/nic/key-path.test.ts).
 */
export function keyEtherCrcLeI32(hi: number, lo: number): number {
  const t = SLICE6;
  return (
    SLICE6_SEED ^
    (t[1280 + ((hi >>> 8) & 0xff)] as number) ^
    (t[1024 + (hi & 0xff)] as number) ^
    (t[768 + (lo >>> 24)] as number) ^
    (t[512 + ((lo >>> 16) & 0xff)] as number) ^
    (t[256 + ((lo >>> 8) & 0xff)] as number) ^
    (t[lo & 0xff] as number)
  );
}

/** ether_crc_le of a key, unsigned. */
export function keyEtherCrcLe(hi: number, lo: number): number {
  return keyEtherCrcLeI32(hi, lo) >>> 0;
}

/** ether_crc of a key, unsigned. */
export function keyEtherCrc(hi: number, lo: number): number {
  return bitrev32(keyEtherCrcLeI32(hi, lo));
}

/** Bit reversal of 6 bits: REV6[x] has bit 5 - k of x at bit k. */
const REV6: Uint8Array = Uint8Array.from({ length: 64 }, (_, x) => {
  let r = 0;
  for (let k = 0; k < 6; k++) if (x & (1 << k)) r |= 1 << (5 - k);
  return r;
});

/**
 * ether_crc(addr) >> 26 of a key (8139too, r8169, tun, smc911x, tulip ASIX buckets): the top six
 * bits of bitrev32(crc_le) are the low six bits of crc_le reversed, one table load.
 */
export function keyEtherCrcTop6(hi: number, lo: number): number {
  return REV6[keyEtherCrcLeI32(hi, lo) & 0x3f] as number;
}

/** (ether_crc(addr) >> 2) & 0x3f of a key (QEMU eepro100.c e100_compute_mcast_idx): bits 29..24 of crc_le reversed. */
export function keyEtherCrcBits7to2(hi: number, lo: number): number {
  return REV6[(keyEtherCrcLeI32(hi, lo) >>> 24) & 0x3f] as number;
}
