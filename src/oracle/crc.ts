// CRC-32 as multicast hash filters use it, computed one bit at a time (the model uses a table;
// the oracle deliberately does not).
// include/linux/crc32.h: ether_crc(len, p) = bitrev32(crc32_le(~0, p, len)), with no final
// inversion; lib/crc32.c crc32_le: reflected CRC-32, polynomial 0xEDB88320
// (include/linux/crc32poly.h CRC32_POLY_LE).

const CRC32_POLY_LE = 0xedb88320;

/** crc32_le(seed, p, len), shifting each data bit in on its own, least significant bit first. */
export function crc32LeBitwise(seed: number, bytes: readonly number[]): number {
  let crc = seed >>> 0;
  for (const byte of bytes) {
    for (let bit = 0; bit < 8; bit++) {
      const feedback = (crc ^ (byte >>> bit)) & 1;
      crc = feedback ? (crc >>> 1) ^ CRC32_POLY_LE : crc >>> 1;
    }
  }
  return crc >>> 0;
}

/** include/linux/bitrev.h bitrev32, as swaps of ever smaller halves. */
export function reverseBits32(x: number): number {
  let v = x >>> 0;
  v = ((v >>> 16) | (v << 16)) >>> 0;
  v = (((v & 0xff00ff00) >>> 8) | ((v & 0x00ff00ff) << 8)) >>> 0;
  v = (((v & 0xf0f0f0f0) >>> 4) | ((v & 0x0f0f0f0f) << 4)) >>> 0;
  v = (((v & 0xcccccccc) >>> 2) | ((v & 0x33333333) << 2)) >>> 0;
  v = (((v & 0xaaaaaaaa) >>> 1) | ((v & 0x55555555) << 1)) >>> 0;
  return v >>> 0;
}

/** ether_crc_le(len, p) = crc32_le(~0, p, len). */
export function etherCrcLe(bytes: readonly number[]): number {
  return crc32LeBitwise(0xffffffff, bytes);
}

/** ether_crc(len, p) = bitrev32(crc32_le(~0, p, len)). */
export function etherCrc(bytes: readonly number[]): number {
  return reverseBits32(etherCrcLe(bytes));
}

/** The 64-bucket hash of drivers/net/tun.c addr_hash_set and 8139too: ether_crc(addr) >> 26. */
export function bucket64(macOctets: readonly number[]): number {
  return etherCrc(macOctets) >>> 26;
}
