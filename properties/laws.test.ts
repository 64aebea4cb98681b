// Laws of the wire layer (group -> MAC mapping, Ethernet CRC) as properties, plus known answers
// from public sources for the independent bit-serial CRC the laws compare against.
import { fc } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { LAW_PROPERTIES, type LawName, etherCrcBitSerial, ipv4GroupsPerMacLaw, ipv6Low32Law } from '../src/check/properties.ts';
import type { IpAddr } from '../src/wire/ip.ts';
import { etherCrcLe } from '../src/wire/crc.ts';

const LAW_RUNS = 300;

describe('wire laws', () => {
  it.each(Object.keys(LAW_PROPERTIES) as LawName[])('%s', (name) => {
    fc.assert(LAW_PROPERTIES[name] as fc.IProperty<unknown[]>, { numRuns: LAW_RUNS });
  });
});

const ascii = (s: string) => Array.from(s, (c) => c.charCodeAt(0));
/** bitrev32, written out here so the known answers do not go through src/wire. */
function reverse32(x: number): number {
  let r = 0;
  for (let i = 0; i < 32; i++) r = (r << 1) | ((x >>> i) & 1);
  return r >>> 0;
}

describe('CRC known answers', () => {
  // The CRC-32 (IEEE 802.3, reflected, init and final XOR 0xffffffff) of public test strings:
  // "123456789" is the catalogue check value (Greg Cook's CRC catalogue, CRC-32/ISO-HDLC);
  // "" and "The quick brown fox jumps over the lazy dog" are the usual published examples.
  const CRC32_ANSWERS: readonly [string, number][] = [
    ['123456789', 0xcbf43926],
    ['', 0x00000000],
    ['The quick brown fox jumps over the lazy dog', 0x414fa339],
  ];

  it.each(CRC32_ANSWERS)('ether_crc_le(%j) is the CRC-32 without its final inversion', (text, crc32) => {
    // include/linux/crc32.h: ether_crc_le = crc32_le(~0, p, len), no final XOR.
    expect(etherCrcLe(ascii(text))).toBe((~crc32) >>> 0);
  });

  it.each(CRC32_ANSWERS)('the bit-serial ether_crc(%j) is the bit-reversed ether_crc_le', (text, crc32) => {
    // "123456789": ~0xcbf43926 = 0x340bc6d9; reversed bit by bit that is 0x9b63d02c.
    expect(etherCrcBitSerial(ascii(text))).toBe(reverse32((~crc32) >>> 0));
  });

  it('hand check of one reversal: bitrev32(0x340bc6d9) = 0x9b63d02c', () => {
    // 0x340bc6d9 = 0011 0100 0000 1011 1100 0110 1101 1001; read backwards:
    // 1001 1011 0110 0011 1101 0000 0010 1100 = 0x9b63d02c.
    expect(reverse32(0x340bc6d9)).toBe(0x9b63d02c);
    expect(etherCrcBitSerial(ascii('123456789'))).toBe(0x9b63d02c);
  });
});

describe('laws can fail', () => {
  // The faults ipv4-map-24bit / ipv6-map-24bit as plain functions: the laws must reject them.
  const hex = (n: bigint) => n.toString(16).padStart(2, '0');
  const map24 = (prefix: string) => (g: IpAddr) => {
    const v = g.value;
    return `${prefix}:${hex((v >> 16n) & 0xffn)}:${hex((v >> 8n) & 0xffn)}:${hex(v & 0xffn)}`;
  };

  it('the 32-preimage law rejects a mapping that keeps 24 bits', () => {
    const r = fc.check(ipv4GroupsPerMacLaw(map24('01:00:5e')), { seed: 1 });
    expect(r.failed).toBe(true);
  });

  it('the low-32-bits law rejects a mapping that keeps 24 bits', () => {
    const r = fc.check(ipv6Low32Law(map24('33:33:00')), { seed: 1 });
    expect(r.failed).toBe(true);
  });
});
