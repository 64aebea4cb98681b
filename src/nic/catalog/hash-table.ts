// Shared pieces of the catalog profiles: a bit array as NICs hold their multicast hash tables,
// and the three destination classes every receive filter distinguishes.
import { type Mac, isBroadcastMac, isMulticastMac } from '../../wire/mac.ts';

/** What a receive filter looks at first: the destination class of the frame. */
export type DestinationClass = 'broadcast' | 'multicast' | 'unicast';

export function destinationClass(dst: Mac): DestinationClass {
  if (isBroadcastMac(dst)) return 'broadcast';
  return isMulticastMac(dst) ? 'multicast' : 'unicast';
}

/**
 * A hash table of `bits` bits stored as little-endian bytes: bit n is bit (n & 7) of byte
 * (n >> 3), the layout of __set_bit_le and of a u32 register array written with cpu_to_le32.
 */
export class BitTable {
  readonly bytes: Uint8Array;
  constructor(readonly bits: number) {
    this.bytes = new Uint8Array(bits >> 3);
  }
  set(n: number): void {
    this.bytes[n >> 3] = (this.bytes[n >> 3] as number) | (1 << (n & 7));
  }
  unset(n: number): void {
    this.bytes[n >> 3] = (this.bytes[n >> 3] as number) & ~(1 << (n & 7));
  }
  test(n: number): boolean {
    return (((this.bytes[n >> 3] as number) >> (n & 7)) & 1) === 1;
  }
  clear(): void {
    this.bytes.fill(0);
  }
  /** The 32-bit register i (bits 32i..32i+31) as the driver's u32 array holds it. */
  word(i: number): number {
    const b = this.bytes;
    return ((b[4 * i] as number) | ((b[4 * i + 1] as number) << 8) | ((b[4 * i + 2] as number) << 16) | ((b[4 * i + 3] as number) << 24)) >>> 0;
  }
  /** The table as 32-bit registers in hex, register 0 first (how state() shows it). */
  words(): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.bits / 32; i++) out.push(this.word(i).toString(16).padStart(8, '0'));
    return out;
  }
  /** The set bit numbers, ascending: the readable form for small tables. */
  setBits(): number[] {
    const out: number[] = [];
    for (let n = 0; n < this.bits; n++) if (this.test(n)) out.push(n);
    return out;
  }
}

/** u32 -> 4 bytes as a little-endian register write (RTL_W32, iowrite32, ew32) stores them. */
export function le32Bytes(v: number): number[] {
  return [v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff];
}

/** include/uapi/linux/swab.h swab32. */
export function swab32(v: number): number {
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | ((v >>> 24) & 0xff)) >>> 0;
}

/**
 * The 64-bucket index of the Realtek and tulip-MC_HASH_ONLY filters: the 6 most significant
 * bits of ether_crc (8139too.c __set_rx_mode, r8169_main.c rtl_set_rx_mode). Faults live in
 * src/nic/station.ts, not in the catalog.
 */
export function etherCrcTop6(crc: number): number {
  return crc >>> 26;
}
