// CRC-32 as the kernel's NIC drivers use it for multicast hash filters.
// include/linux/crc32.h: ether_crc_le(len, p) = crc32_le(~0, p, len);
//                        ether_crc(len, p)    = bitrev32(crc32_le(~0, p, len)).
// Neither applies the final inversion of the IEEE 802.3 FCS.
import { type Mac, macBytes } from './mac.ts';

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

/** include/linux/bitrev.h bitrev32. */
export function bitrev32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) {
    r = (r << 1) | ((x >>> i) & 1);
  }
  return r >>> 0;
}

export function etherCrcLe(bytes: ArrayLike<number>): number {
  return crc32Le(0xffffffff, bytes);
}

export function etherCrc(bytes: ArrayLike<number>): number {
  return bitrev32(crc32Le(0xffffffff, bytes));
}

/**
 * CRCs of MACs already seen. A NIC is programmed with the whole device list on every change
 * (ndo_set_rx_mode), so a hash filter hashes the same addresses again and again: remembering
 * them keeps a long run of `maddr` steps from spending its time in the CRC. Bounded: cleared
 * when full.
 */
const CRC_CACHE_LIMIT = 1 << 16;
const crcCache = new Map<Mac, number>();
const crcLeCache = new Map<Mac, number>();

let computed = 0;

/** How many MAC CRCs were computed (not found remembered) so far: linear in the distinct MACs. */
export function macCrcsComputed(): number {
  return computed;
}

/**
 * Forgets every remembered CRC. For counting work: the caches are shared by everything in the
 * process, so a count taken without this depends on what ran before (and on when a full cache
 * was cleared).
 */
export function forgetMacCrcs(): void {
  crcCache.clear();
  crcLeCache.clear();
}

function cached(cache: Map<Mac, number>, mac: Mac, compute: (bytes: Uint8Array) => number): number {
  let crc = cache.get(mac);
  if (crc === undefined) {
    if (cache.size >= CRC_CACHE_LIMIT) cache.clear();
    computed++;
    crc = compute(macBytes(mac));
    cache.set(mac, crc);
  }
  return crc;
}

export function macEtherCrc(mac: Mac): number {
  return cached(crcCache, mac, etherCrc);
}

export function macEtherCrcLe(mac: Mac): number {
  return cached(crcLeCache, mac, etherCrcLe);
}
