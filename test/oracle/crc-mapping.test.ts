// Known answers for the oracle's own CRC and group -> MAC mapping. Every expected value comes
// from a public source or from arithmetic shown here, never from running the oracle.
import { describe, expect, it } from 'vitest';
import { bucket64, etherCrc, etherCrcLe, reverseBits32 } from '../../src/oracle/crc.ts';
import { macOctets } from '../../src/oracle/address.ts';
import {
  eui64LinkLocal,
  ipv4GroupMac,
  ipv6GroupMac,
  solicitedNodeGroup,
} from '../../src/oracle/mapping.ts';
import { Address4, Address6 } from 'ip-address';

const bytes = (s: string): number[] => Array.from(Buffer.from(s, 'ascii'));
const v4 = (s: string): bigint => new Address4(s).bigInt();
const v6 = (s: string): bigint => new Address6(s).bigInt();

describe('ether_crc, bit by bit', () => {
  it('matches the CRC-32 catalogue check value for "123456789"', () => {
    // CRC-32/ISO-HDLC check = 0xCBF43926 (init ~0, reflected, final xor ~0). ether_crc_le has no
    // final inversion: ~0xCBF43926 = 0x340BC6D9.
    expect(etherCrcLe(bytes('123456789'))).toBe(0x340bc6d9);
    // bitrev32(0x340BC6D9): 0011 0100 0000 1011 1100 0110 1101 1001 read backwards is
    // 1001 1011 0110 0011 1101 0000 0010 1100 = 0x9B63D02C.
    expect(etherCrc(bytes('123456789'))).toBe(0x9b63d02c);
  });

  it('reverses bits: 0x00000001 <-> 0x80000000, 0x0000000F -> 0xF0000000', () => {
    expect(reverseBits32(1)).toBe(0x80000000);
    expect(reverseBits32(0x80000000)).toBe(1);
    expect(reverseBits32(0x0000000f)).toBe(0xf0000000);
  });

  it('puts broadcast in bit 255 of the tulip 512-bit hash (tulip_core.c: "Broadcast entry")', () => {
    // drivers/net/ethernet/dec/tulip/tulip_core.c build_setup_frame_hash sets bit 255 for
    // ff:ff:ff:ff:ff:ff, the bucket ether_crc_le(6, addr) & 0x1ff gives it.
    expect(etherCrcLe(macOctets('ff:ff:ff:ff:ff:ff', 'x')) & 0x1ff).toBe(255);
  });

  it('gives the 64-bucket hash ether_crc >> 26 of well-known group MACs', () => {
    // Expected values from Python's zlib.crc32 (an independent implementation):
    //   ether_crc = bitrev32(zlib.crc32(addr) ^ 0xffffffff), bucket = ether_crc >> 26.
    //   01:00:5e:00:00:01 -> ether_crc 0x7fa32d9b -> 31
    //   33:33:00:00:00:01 -> 0xf99baaba -> 62
    //   01:00:5e:01:01:01 -> 0x1179b683 -> 4
    //   ff:ff:ff:ff:ff:ff -> 0xff48647d -> 63
    expect(etherCrc(macOctets('01:00:5e:00:00:01', 'x'))).toBe(0x7fa32d9b);
    expect(bucket64(macOctets('01:00:5e:00:00:01', 'x'))).toBe(31);
    expect(bucket64(macOctets('33:33:00:00:00:01', 'x'))).toBe(62);
    expect(bucket64(macOctets('01:00:5e:01:01:01', 'x'))).toBe(4);
    expect(bucket64(macOctets('ff:ff:ff:ff:ff:ff', 'x'))).toBe(63);
  });
});

describe('group -> MAC (include/net/ip.h ip_eth_mc_map, include/net/addrconf.h ipv6_eth_mc_map)', () => {
  it('keeps the low 23 bits of an IPv4 group', () => {
    // 224.1.1.1 = 0xE0010101 and 225.1.1.1 = 0xE1010101: low 23 bits 0x010101 for both.
    expect(ipv4GroupMac(v4('224.1.1.1'))).toBe('01:00:5e:01:01:01');
    expect(ipv4GroupMac(v4('225.1.1.1'))).toBe('01:00:5e:01:01:01');
    // 224.129.1.1 = 0xE0810101: bit 23 (0x80 of the second octet) is dropped -> 0x010101.
    expect(ipv4GroupMac(v4('224.129.1.1'))).toBe('01:00:5e:01:01:01');
    // 239.0.0.1 = 0xEF000001 -> 0x000001, the MAC of 224.0.0.1.
    expect(ipv4GroupMac(v4('239.0.0.1'))).toBe('01:00:5e:00:00:01');
    // 239.255.255.250 = 0xEFFFFFFA -> 0x7FFFFA.
    expect(ipv4GroupMac(v4('239.255.255.250'))).toBe('01:00:5e:7f:ff:fa');
  });

  it('keeps the low 32 bits of an IPv6 group', () => {
    expect(ipv6GroupMac(v6('ff02::1'))).toBe('33:33:00:00:00:01');
    // ff02::1:ff00:10: low 32 bits ff00:0010.
    expect(ipv6GroupMac(v6('ff02::1:ff00:10'))).toBe('33:33:ff:00:00:10');
    // ff05::1:3 (DHCPv6 servers): low 32 bits 0001:0003.
    expect(ipv6GroupMac(v6('ff05::1:3'))).toBe('33:33:00:01:00:03');
  });

  it('builds solicited-node groups and the EUI-64 link-local', () => {
    // RFC 4291 2.7.1: ff02:0:0:0:0:1:ffXX:XXXX with the low 24 bits of the address.
    expect(solicitedNodeGroup(v6('fd00::12:3456:789a'))).toBe(v6('ff02::1:ff56:789a'));
    // RFC 4291 appendix A: 02:00:00:00:00:10 -> interface id 0000:00ff:fe00:0010 (U/L flipped).
    expect(eui64LinkLocal(macOctets('02:00:00:00:00:10', 'x'))).toBe(v6('fe80::ff:fe00:10'));
    // 00:1b:21:0a:0b:0c -> 021b:21ff:fe0a:0b0c.
    expect(eui64LinkLocal(macOctets('00:1b:21:0a:0b:0c', 'x'))).toBe(v6('fe80::21b:21ff:fe0a:b0c'));
  });
});
