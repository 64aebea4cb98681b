// Known answers for the CRC the drivers use for multicast hash filters. Every expected value
// comes from a public source named next to it, or from hand arithmetic shown in a comment.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { bitrev32, crc32Le, etherCrc, etherCrcLe, macEtherCrc, macEtherCrcLe } from '../../src/wire/crc.ts';
import { parseMac } from '../../src/wire/mac.ts';

const ascii = (s: string): number[] => Array.from(s, (c) => c.charCodeAt(0));

describe('crc32_le / ether_crc_le against the CRC catalogue', () => {
  it('CRC-32 check value of "123456789" is 0xCBF43926, so ether_crc_le (no final inversion) is its complement', () => {
    // ~0xCBF43926 = 0x340BC6D9 (C->3, B->4, F->0, 4->B, 3->C, 9->6, 2->D, 6->9).
    expect(etherCrcLe(ascii('123456789'))).toBe(0x340bc6d9);
    // The same register is the catalogued CRC-32/JAMCRC check value (init ~0, no xorout).
    expect(crc32Le(0xffffffff, ascii('123456789'))).toBe(0x340bc6d9);
  });

  it('ether_crc("123456789") is bitrev32(0x340BC6D9) = 0x9B63D02C', () => {
    // 0x340BC6D9 = 0011 0100 0000 1011 1100 0110 1101 1001
    // reversed   = 1001 1011 0110 0011 1101 0000 0010 1100 = 0x9B63D02C
    expect(etherCrc(ascii('123456789'))).toBe(0x9b63d02c);
  });

  it('crc32_le of nothing leaves the seed alone', () => {
    expect(crc32Le(0xffffffff, [])).toBe(0xffffffff);
    expect(crc32Le(0, [])).toBe(0);
  });

  // IEEE 802.3 FCS residue: running the register over a frame and its FCS (complemented CRC,
  // sent least significant byte first) always leaves 0xDEBB20E3 (CRC-32/ISO-HDLC residue in
  // the RevEng catalogue, reflected form).
  fcTest.prop([fc.uint8Array({ maxLength: 64 })], { numRuns: 100 })('FCS residue is 0xDEBB20E3', (frame) => {
    const fcs = ~etherCrcLe(frame) >>> 0;
    const withFcs = [...frame, fcs & 0xff, (fcs >>> 8) & 0xff, (fcs >>> 16) & 0xff, fcs >>> 24];
    expect(etherCrcLe(withFcs)).toBe(0xdebb20e3);
  });
});

describe('bitrev32 (include/linux/bitrev.h)', () => {
  it('reverses bit order', () => {
    expect(bitrev32(0x00000001)).toBe(0x80000000);
    expect(bitrev32(0x80000000)).toBe(0x00000001);
    expect(bitrev32(0x0000ffff)).toBe(0xffff0000);
    // 0x12345678 = 0001 0010 0011 0100 0101 0110 0111 1000
    // reversed   = 0001 1110 0110 1010 0010 1100 0100 1000 = 0x1E6A2C48
    expect(bitrev32(0x12345678)).toBe(0x1e6a2c48);
  });
});

describe('published MAC -> 6-bit hash tables', () => {
  // Motorola MCF5282 User's Manual, Table 17-7 "Destination Address to 6-Bit Hash" (FEC).
  // Linux drivers/net/ethernet/freescale/fec_main.c set_multicast_list takes the same value:
  // hash = ether_crc_le(addr) >> (32 - FEC_HASH_BITS).
  const MCF5282_TABLE_17_7: ReadonlyArray<readonly [string, number]> = [
    ['65:ff:ff:ff:ff:ff', 0x00], ['55:ff:ff:ff:ff:ff', 0x01], ['15:ff:ff:ff:ff:ff', 0x02],
    ['35:ff:ff:ff:ff:ff', 0x03], ['b5:ff:ff:ff:ff:ff', 0x04], ['95:ff:ff:ff:ff:ff', 0x05],
    ['d5:ff:ff:ff:ff:ff', 0x06], ['f5:ff:ff:ff:ff:ff', 0x07], ['db:ff:ff:ff:ff:ff', 0x08],
    ['fb:ff:ff:ff:ff:ff', 0x09], ['bb:ff:ff:ff:ff:ff', 0x0a], ['8b:ff:ff:ff:ff:ff', 0x0b],
    ['0b:ff:ff:ff:ff:ff', 0x0c], ['3b:ff:ff:ff:ff:ff', 0x0d], ['7b:ff:ff:ff:ff:ff', 0x0e],
    ['5b:ff:ff:ff:ff:ff', 0x0f], ['27:ff:ff:ff:ff:ff', 0x10], ['07:ff:ff:ff:ff:ff', 0x11],
    ['57:ff:ff:ff:ff:ff', 0x12], ['77:ff:ff:ff:ff:ff', 0x13], ['f7:ff:ff:ff:ff:ff', 0x14],
    ['c7:ff:ff:ff:ff:ff', 0x15], ['97:ff:ff:ff:ff:ff', 0x16], ['a7:ff:ff:ff:ff:ff', 0x17],
  ];
  it.each(MCF5282_TABLE_17_7)('MCF5282 FEC: %s hashes to %i (ether_crc_le >> 26)', (mac, hash) => {
    expect(macEtherCrcLe(parseMac(mac)) >>> 26).toBe(hash);
  });

  // TI TM4C129x datasheet, EMACHASHTBLH register description (Synopsys GMAC): DA
  // 0x1F52419CB6AF -> hash 0x2C, DA 0xA00A98000045 -> hash 0x07. Linux
  // drivers/net/ethernet/stmicro/stmmac/dwmac1000_core.c: bitrev32(~crc32_le(~0, addr, 6)) >> 26,
  // i.e. the complement of ether_crc's top 6 bits: ether_crc >> 26 = 63 - hash.
  it.each([
    ['1f:52:41:9c:b6:af', 0x2c, 63 - 0x2c], // 63 - 44 = 19
    ['a0:0a:98:00:00:45', 0x07, 63 - 0x07], // 63 - 7 = 56
  ] as const)('TM4C129x GMAC: %s hashes to %i, so ether_crc >> 26 = %i', (mac, gmacHash, etherBucket) => {
    const crc = macEtherCrc(parseMac(mac));
    expect(~crc >>> 26).toBe(gmacHash);
    expect(crc >>> 26).toBe(etherBucket);
  });
});
