// What every Ethernet receive filter shares: the station address match, broadcast, and how
// programmed tables are shown in state().
import type { FaultSet } from '../faults.ts';
import { keyEtherCrcTop6, macEtherCrc } from '../wire/crc.ts';
import { type Mac, isBroadcastMac } from '../wire/mac.ts';
import { isBroadcastKey } from '../wire/mac-key.ts';
import type { RxMode } from './filter.ts';

/** Own station address or ff:ff:ff:ff:ff:ff: accepted by every profile unless it says otherwise. */
export function isOwnOrBroadcast(ownMac: Mac, dst: Mac): boolean {
  return dst === ownMac || isBroadcastMac(dst);
}

/** isOwnOrBroadcast on keys (src/wire/mac-key.ts): the station's halves, then the destination's. */
export function isOwnOrBroadcastKey(ownHi: number, ownLo: number, hi: number, lo: number): boolean {
  return (lo === ownLo && hi === ownHi) || isBroadcastKey(hi, lo);
}

/** IFF_PROMISC as the profile sees it; the 'ignore-promisc' fault makes the driver blind to it. */
export function promiscSeen(mode: RxMode, faults: FaultSet): boolean {
  return mode.promisc && !faults.has('ignore-promisc');
}

/** A 32-bit register as state() shows it: "0x0000a000". */
export function hex32(word: number): string {
  return `0x${(word >>> 0).toString(16).padStart(8, '0')}`;
}

/** Where a 64-bit multicast hash filter puts a MAC: ether_crc(addr) >> 26 (8139too, tun). */
export function hashBucket64(mac: Mac): number {
  return macEtherCrc(mac) >>> 26;
}

/** hashBucket64 of a key: the lookup side. */
export function hashBucket64Key(hi: number, lo: number): number {
  return keyEtherCrcTop6(hi, lo);
}

/** The bucket a driver programs; 'hash-low-bits' takes the low 6 CRC bits instead of the high 6. */
export function programmedBucket64(mac: Mac, faults: FaultSet): number {
  if (faults.has('hash-low-bits')) return macEtherCrc(mac) & 0x3f;
  const n = hashBucket64(mac);
  // drivers/net/smc911x.c before 7b31f7ffa9ed ("smc911x: Fix multicast handling"): multicast_table[invert5[crc32_le & 0x1f] & 1], i.e. the word from bit 1 of n, not n >> 5.
  if (faults.has('smc911x-hash-register-bit1')) return (((n >> 1) & 1) << 5) | (n & 0x1f);
  return n;
}

/** A 64-bit hash filter as two 32-bit words: bucket n is bit n & 31 of word n >> 5. */
export type HashMask64 = readonly [number, number];

export const EMPTY_MASK64: HashMask64 = [0, 0];
export const FULL_MASK64: HashMask64 = [0xffffffff, 0xffffffff];

export function setBucket64(mask: HashMask64, n: number): HashMask64 {
  const bit = (1 << (n & 31)) >>> 0;
  return n >> 5 === 0 ? [(mask[0] | bit) >>> 0, mask[1]] : [mask[0], (mask[1] | bit) >>> 0];
}

/** The mask as a lookup reads it: two int32 words (a uint32 word past 2^31 is a double to V8). */
export function maskWords(mask: HashMask64): Int32Array {
  return Int32Array.of(mask[0] | 0, mask[1] | 0);
}

/** Bucket n (0..63) of a mask read as maskWords. */
export function testBucketWords(words: Int32Array, n: number): boolean {
  return (((words[n >> 5] as number) >>> (n & 31)) & 1) === 1;
}
