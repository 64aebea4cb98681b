// An independent ether_crc for the NIC tests, written bit by bit in the form the old kernel
// (and FreeBSD's if_ed.c mcast_index) used: MSB-first shift register, polynomial 0x04C11DB7,
// data bits fed least significant first, register preset to all ones, no final inversion.
// Deliberately not imported from src/wire/crc.ts (which uses a reflected table).
import type { Mac } from '../../src/wire/mac.ts';

const CRC32_POLY_BE = 0x04c11db7;

export function referenceEtherCrc(bytes: readonly number[]): number {
  let crc = 0xffffffff;
  for (const byte of bytes) {
    for (let bit = 0; bit < 8; bit++) {
      const feedback = ((crc >>> 31) ^ (byte >>> bit)) & 1;
      crc = (crc << 1) >>> 0;
      if (feedback) crc = (crc ^ CRC32_POLY_BE) >>> 0;
    }
  }
  return crc >>> 0;
}

export function macOctets(mac: string): number[] {
  return mac.split(':').map((h) => Number.parseInt(h, 16));
}

/** The tap/8139too bucket: ether_crc(addr) >> 26. */
export function referenceBucket(mac: string): number {
  return referenceEtherCrc(macOctets(mac)) >>> 26;
}

/** The low 6 bits the 'hash-low-bits' fault uses instead. */
export function referenceLowBucket(mac: string): number {
  return referenceEtherCrc(macOctets(mac)) & 0x3f;
}

/** Two 32-bit words with bucket n at bit n & 31 of word n >> 5, as hex strings. */
export function referenceMask(buckets: readonly number[]): [string, string] {
  const words = [0, 0];
  for (const n of buckets) words[n >> 5] = ((words[n >> 5] as number) | (1 << (n & 31))) >>> 0;
  const hex = (w: number): string => `0x${w.toString(16).padStart(8, '0')}`;
  return [hex(words[0] as number), hex(words[1] as number)];
}

/** The first multicast MAC 01:00:5e:00:hh:ll (hh:ll counting up from `from`) that satisfies `want`. */
export function findMulticast(want: (mac: Mac) => boolean, from = 0x100): Mac {
  for (let i = from; i < 0x10000; i++) {
    const mac = `01:00:5e:00:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}` as Mac;
    if (want(mac)) return mac;
  }
  throw new Error('no such multicast MAC in 01:00:5e:00:01:00 .. 01:00:5e:00:ff:ff');
}
