// Bitwise CRCs written for the catalog tests, independent of src/wire/crc.ts (a reflected table):
// - reflectedCrc32: the LSB-first register of lib/crc32.c crc32_le, polynomial 0xEDB88320,
//   one bit at a time; ether_crc_le = reflectedCrc32(~0, data) (include/linux/crc32.h);
// - qemuMcastCrc: hw/net/eepro100.c e100_compute_mcast_idx's loop as QEMU writes it (POLYNOMIAL
//   0x04c11db6, carry or-ed back in), which is ether_crc.
// Literal expectations in the tests were computed with Python's zlib.crc32 (a third,
// published implementation): ether_crc_le(x) = ~zlib.crc32(x), ether_crc = bitrev32 of that.

export function reflectedCrc32(seed: number, data: readonly number[]): number {
  let crc = seed >>> 0;
  for (const byte of data) {
    crc ^= byte;
    for (let k = 0; k < 8; k++) crc = crc & 1 ? (crc >>> 1) ^ 0xedb88320 : crc >>> 1;
  }
  return crc >>> 0;
}

export function etherCrcLeRef(data: readonly number[]): number {
  return reflectedCrc32(0xffffffff, data);
}

export function qemuMcastCrc(data: readonly number[]): number {
  const POLYNOMIAL = 0x04c11db6;
  let crc = 0xffffffff;
  for (let byte of data) {
    for (let j = 0; j < 8; j++) {
      const carry = ((crc & 0x80000000) !== 0 ? 1 : 0) ^ (byte & 0x01);
      crc = (crc << 1) >>> 0;
      byte >>= 1;
      if (carry) crc = ((crc ^ POLYNOMIAL) | carry) >>> 0;
    }
  }
  return crc >>> 0;
}

export function octets(mac: string): number[] {
  return mac.split(':').map((h) => Number.parseInt(h, 16));
}
