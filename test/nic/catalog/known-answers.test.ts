// Known-answer vectors for every hash profile: MAC -> bucket / register / bit.
// Literal numbers come from Python's zlib.crc32 (ether_crc_le = ~zlib.crc32, ether_crc =
// bitrev32(ether_crc_le)), from the e1000_hw.c comment (01:AA:00:12:34:56), or by hand with the
// arithmetic in the comment; every CRC literal is also re-derived by a bitwise CRC in this folder.
import { crc32 as zlibCrc32 } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { e100, e100HashIndex } from '../../../src/nic/catalog/e100.ts';
import { e1000, mtaLocation, mtaVector } from '../../../src/nic/catalog/e1000.ts';
import { ixgbe } from '../../../src/nic/catalog/ixgbe.ts';
import { e1000e } from '../../../src/nic/catalog/e1000e.ts';
import { r8169, r8169MarBit } from '../../../src/nic/catalog/r8169.ts';
import { rtl8139 } from '../../../src/nic/catalog/rtl8139.ts';
import { TULIP_BROADCAST_BIT, tulip, tulipHashIndex } from '../../../src/nic/catalog/tulip.ts';
import { tulipComet } from '../../../src/nic/catalog/tulip-comet.ts';
import { pcnet32, pcnet32LadrfBit } from '../../../src/nic/catalog/pcnet32.ts';
import { vmxnet3 } from '../../../src/nic/catalog/vmxnet3.ts';
import { tulipHashOnly, tulipHashOnlyBucket } from '../../../src/nic/catalog/tulip-hash-only.ts';
import { BROADCAST_MAC } from '../../../src/wire/mac.ts';
import { groupMacs, mac, macs, programmed } from './helpers.ts';
import { etherCrcLeRef, octets, qemuMcastCrc, reflectedCrc32 } from './independent-crc.ts';

const ALL_HOSTS = '01:00:5e:00:00:01'; // 224.0.0.1
const SSDP_LIKE = '01:00:5e:7f:ff:fa'; // 239.255.255.250
const V6_ALL_NODES = '33:33:00:00:00:01'; // ff02::1
const V6_SOLICITED = '33:33:ff:00:00:01'; // ff02::1:ff00:1
const CLASSICS = [ALL_HOSTS, SSDP_LIKE, V6_ALL_NODES, V6_SOLICITED] as const;

/** zlib.crc32-derived values: [ether_crc, ether_crc_le] per MAC. */
const CRC: Record<string, readonly [number, number]> = {
  [ALL_HOSTS]: [0x7fa32d9b, 0xd9b4c5fe],
  [SSDP_LIKE]: [0xae3c4afc, 0x3f523c75],
  [V6_ALL_NODES]: [0xf99baaba, 0x5d55d99f],
  [V6_SOLICITED]: [0x76fb0ac1, 0x8350df6e],
  'ff:ff:ff:ff:ff:ff': [0xff48647d, 0xbe2612ff],
};

describe('the independent CRCs', () => {
  it('crc32_le(~0, "123456789") = 0x340BC6D9 (CRC-32 check 0xCBF43926 without the final inversion)', () => {
    expect(reflectedCrc32(0xffffffff, Array.from('123456789', (c) => c.charCodeAt(0)))).toBe(0x340bc6d9);
  });
  it.each(Object.entries(CRC))('%s: ether_crc and ether_crc_le match the zlib values', (m, [be, le]) => {
    expect(qemuMcastCrc(octets(m))).toBe(be);
    expect(etherCrcLeRef(octets(m))).toBe(le);
  });
});

describe('rtl8139: bucket ether_crc >> 26, MAR byte n >> 3, bit n & 7', () => {
  // 0x7fa32d9b >> 26 = 0b011111 = 31 -> MAR3 bit 7; 0xae3c4afc >> 26 = 0b101011 = 43 -> MAR5 bit 3;
  // 0xf99baaba >> 26 = 0b111110 = 62 -> MAR7 bit 6; 0x76fb0ac1 >> 26 = 0b011101 = 29 -> MAR3 bit 5.
  const vectors = [
    [ALL_HOSTS, 31, ['00', '00', '00', '80', '00', '00', '00', '00']],
    [SSDP_LIKE, 43, ['00', '00', '00', '00', '00', '08', '00', '00']],
    [V6_ALL_NODES, 62, ['00', '00', '00', '00', '00', '00', '00', '40']],
    [V6_SOLICITED, 29, ['00', '00', '00', '20', '00', '00', '00', '00']],
  ] as const;
  it.each(vectors)('%s -> bucket %d, MAR %j', (m, bucket, mar) => {
    expect(qemuMcastCrc(octets(m)) >>> 26).toBe(bucket);
    const state = programmed(rtl8139.profile(), [mac(m)]).state() as { mar: string[] };
    expect(state.mar).toEqual(mar);
  });
  it('224.0.0.1 and 224.0.0.251 (bucket 0x3f7b3b21 >> 26 = 15) set MAR3 bit 7 and MAR1 bit 7', () => {
    const state = programmed(rtl8139.profile(), macs(ALL_HOSTS, '01:00:5e:00:00:fb')).state() as { mar: string[] };
    expect(state.mar).toEqual(['00', '80', '00', '80', '00', '00', '00', '00']);
  });
});

describe('r8169 (> VER_06): MAR byte 7 - (n >> 3)', () => {
  // bucket 31: mc_filter = [0x80000000, 0]; MAR0 = swab32(0) = 0, MAR4 = swab32(0x80000000) =
  // 0x00000080, stored little-endian -> MAR4 = 0x80. Likewise 43 -> mc_filter[1] = 0x800 ->
  // MAR0 = swab32(0x800) = 0x00080000 -> MAR2 = 0x08; 62 -> 0x40000000 -> MAR0 = 0x40;
  // 29 -> mc_filter[0] = 0x20000000 -> MAR4 = 0x20.
  const vectors = [
    [ALL_HOSTS, 31, 39, ['00', '00', '00', '00', '80', '00', '00', '00']],
    [SSDP_LIKE, 43, 19, ['00', '00', '08', '00', '00', '00', '00', '00']],
    [V6_ALL_NODES, 62, 6, ['40', '00', '00', '00', '00', '00', '00', '00']],
    [V6_SOLICITED, 29, 37, ['00', '00', '00', '00', '20', '00', '00', '00']],
  ] as const;
  it.each(vectors)('%s -> bucket %d, MAR bit %d, MAR %j', (m, bucket, marBit, mar) => {
    expect(r8169MarBit('swapped', bucket)).toBe(marBit);
    const state = programmed(r8169.profile(), [mac(m)]).state() as { mar: string[] };
    expect(state.mar).toEqual(mar);
  });
});

describe('tulip (setup frame hash): ether_crc_le & 0x1ff', () => {
  // 0xd9b4c5fe & 0x1ff = 0x1fe = 510; 0x3f523c75 & 0x1ff = 0x075 = 117;
  // 0x5d55d99f & 0x1ff = 0x19f = 415; 0x8350df6e & 0x1ff = 0x16e = 366.
  it.each([
    [ALL_HOSTS, 510],
    [SSDP_LIKE, 117],
    [V6_ALL_NODES, 415],
    [V6_SOLICITED, 366],
  ] as const)('%s -> hash bit %d', (m, bit) => {
    expect(tulipHashIndex(mac(m))).toBe(bit);
    expect(etherCrcLeRef(octets(m)) & 0x1ff).toBe(bit);
  });
  it('the broadcast address hashes to bit 255 (0xbe2612ff & 0x1ff = 0xff), the bit the driver always sets', () => {
    expect(tulipHashIndex(BROADCAST_MAC)).toBe(TULIP_BROADCAST_BIT);
  });
  it('a hash-mode setup frame (15 groups) holds exactly the hashed bits plus 255', () => {
    const groups = [...macs(...CLASSICS), ...Array.from({ length: 11 }, (_, i) => mac(`01:00:5e:00:00:${(i + 0x10).toString(16)}`))];
    const state = programmed(tulip.profile(), groups).state() as { setupFrame: { filtering: string; hashBits: number[] } };
    expect(state.setupFrame.filtering).toBe('hash');
    const expected = new Set([255, ...groups.map((g) => etherCrcLeRef(octets(g)) & 0x1ff)]);
    expect(state.setupFrame.hashBits).toEqual([...expected].sort((a, b) => a - b));
    expect(state.setupFrame.hashBits).toEqual(expect.arrayContaining([510, 117, 415, 366, 255]));
  });
});

describe('tulip-hash-only (ASIX): ether_crc >> 26; tulip-comet: ether_crc_le & 0x3f', () => {
  // ASIX: the rtl8139 buckets 31, 43, 62, 29. Comet: 0xd9b4c5fe & 0x3f = 0x3e = 62,
  // 0x3f523c75 & 0x3f = 0x35 = 53, 0x5d55d99f & 0x3f = 0x1f = 31, 0x8350df6e & 0x3f = 0x2e = 46.
  it.each([
    [ALL_HOSTS, 31, 62],
    [SSDP_LIKE, 43, 53],
    [V6_ALL_NODES, 62, 31],
    [V6_SOLICITED, 29, 46],
  ] as const)('%s -> ASIX %d, Comet %d', (m, asix, comet) => {
    expect(tulipHashOnlyBucket('asix', mac(m))).toBe(asix);
    expect(tulipHashOnlyBucket('comet', mac(m))).toBe(comet);
  });
  it('the registers: 224.0.0.1 on ASIX is word 0 bit 31, on Comet word 1 bit 30', () => {
    expect((programmed(tulipHashOnly.profile(), macs(ALL_HOSTS)).state() as { mcFilter: string[] }).mcFilter).toEqual(['80000000', '00000000']);
    expect((programmed(tulipComet.profile(), macs(ALL_HOSTS)).state() as { mcFilter: string[] }).mcFilter).toEqual(['00000000', '40000000']);
  });
});

describe('e1000 / ixgbe MTA vector', () => {
  // The e1000_hw.c comment gives 0x563, 0xAC6, 0x5D8, 0x634. Types 0, 1, 3 match; for type 2
  // the code computes (0x34 >> 2) | (0x56 << 6) = 0x0d | 0x1580 = 0x158d, & 0xfff = 0x58D: bits
  // [45:34] are 0x56's low six bits 010110 then 0x34's top six 001101 = 0101 1000 1101. The
  // comment's 0x5D8 transposes two digits; the code is what programs the MTA.
  it('e1000_hw.c example 01:AA:00:12:34:56 -> 0x563, 0xAC6, 0x58D (comment: 0x5D8), 0x634', () => {
    expect([0, 1, 2, 3].map((t) => mtaVector(t, mac('01:aa:00:12:34:56')))).toEqual([0x563, 0xac6, 0x58d, 0x634]);
  });
  it('register/bit: 0x563 = 1379 = 43 * 32 + 3 -> MTA[43] bit 3; 0xAC6 = 2758 = 86 * 32 + 6', () => {
    expect(mtaLocation(0x563)).toEqual({ register: 43, bit: 3 });
    expect(mtaLocation(0xac6)).toEqual({ register: 86, bit: 6 });
  });
  // Bytes 4, 5 of 01:00:5e:00:00:01, 33:33:00:00:00:01 and 33:33:ff:00:00:01 are all 00, 01:
  // type 0: (0x00 >> 4) | (0x01 << 4) = 0x010 -> MTA[0] bit 16; type 1: 0x01 << 5 = 0x020 ->
  // MTA[1] bit 0; type 2: 0x01 << 6 = 0x040 -> MTA[2] bit 0; type 3: 0x01 << 8 = 0x100 -> MTA[8] bit 0.
  // 01:00:5e:7f:ff:fa (ff, fa): type 0: 0x0f | 0xfa0 = 0xfaf -> MTA[125] bit 15;
  // type 1: (0x1f | 0x1f40) & 0xfff = 0xf5f -> MTA[122] bit 31; type 2: (0x3f | 0x3e80) & 0xfff =
  // 0xebf -> MTA[117] bit 31; type 3: (0xff | 0xfa00) & 0xfff = 0xaff -> MTA[87] bit 31.
  it.each([
    [0, { register: 0, bit: 16 }, { register: 125, bit: 15 }],
    [1, { register: 1, bit: 0 }, { register: 122, bit: 31 }],
    [2, { register: 2, bit: 0 }, { register: 117, bit: 31 }],
    [3, { register: 8, bit: 0 }, { register: 87, bit: 31 }],
  ] as const)('type %d: the aliasing classics', (type, lowLoc, ssdpLoc) => {
    for (const m of [ALL_HOSTS, V6_ALL_NODES, V6_SOLICITED]) expect(mtaLocation(mtaVector(type, mac(m)))).toEqual(lowLoc);
    expect(mtaLocation(mtaVector(type, mac(SSDP_LIKE)))).toEqual(ssdpLoc);
  });
  it('e1000:0 past the 14 RARs: hashing 224.0.0.1 admits ff02::1 and ff02::1:ff00:1 (same MTA bit)', () => {
    const fourteen = Array.from({ length: 14 }, (_, i) => mac(`01:00:5e:00:01:${i.toString(16).padStart(2, '0')}`));
    const f = programmed(e1000.profile(0), [...fourteen, mac(ALL_HOSTS)]);
    expect((f.state() as { mta: Record<string, string> }).mta).toEqual({ 'MTA[0]': '00010000' });
    expect(f.accept(mac(V6_ALL_NODES))).toBe(true);
    expect(f.accept(mac(V6_SOLICITED))).toBe(true);
    expect(f.accept(mac(SSDP_LIKE))).toBe(false);
  });
  it('e1000:3 within the RARs is exact: 224.0.0.1 alone does not admit ff02::1', () => {
    const f = programmed(e1000.profile(3), macs(ALL_HOSTS));
    expect(f.accept(mac(V6_ALL_NODES))).toBe(false);
  });
  it('ixgbe hashes from the first group on (type 0): 224.0.0.1 sets MTA[0] bit 16 and admits ff02::1', () => {
    const f = programmed(ixgbe.profile(), macs(ALL_HOSTS));
    expect((f.state() as { mta: Record<string, string> }).mta).toEqual({ 'MTA[0]': '00010000' });
    expect(f.accept(mac(V6_ALL_NODES))).toBe(true);
  });
  it('e1000e (82574L) puts even the first group in the MTA: 224.0.0.1 sets MTA[0] bit 16 and admits ff02::1', () => {
    // Vector (0x00 >> 4) | (0x01 << 4) = 0x010: register 0x010 >> 5 = 0, bit 0x010 & 0x1f = 16.
    const f = programmed(e1000e.profile(), macs(ALL_HOSTS));
    expect((f.state() as { mta: Record<string, string> }).mta).toEqual({ 'MTA[0]': '00010000' });
    expect(f.accept(mac(V6_ALL_NODES))).toBe(true);
  });
  it('e1000e keeps 14 secondary unicast addresses in RARs 1..14; the 15th sets UPE (e1000e_write_uc_addr_list -ENOMEM)', () => {
    const ucs = (n: number) => Array.from({ length: n }, (_, i) => mac(`02:00:00:01:00:${(i + 1).toString(16).padStart(2, '0')}`));
    const stranger = mac('02:00:00:99:99:99');
    const f = e1000e.profile().create(mac('02:00:00:00:00:01'), new Set());
    expect(f.program({ promisc: false, allmulti: false, mc: [], uc: ucs(14) }).ok).toBe(true);
    expect(ucs(14).every((u) => f.accept(u))).toBe(true);
    expect(f.accept(stranger)).toBe(false);
    expect(f.program({ promisc: false, allmulti: false, mc: [], uc: ucs(15) }).ok).toBe(true);
    expect(f.accept(stranger)).toBe(true);
    // ixgbe has 127 RARs for them: 15 leave it filtering.
    const x = ixgbe.profile().create(mac('02:00:00:00:00:01'), new Set());
    x.program({ promisc: false, allmulti: false, mc: [], uc: ucs(15) });
    expect(x.accept(stranger)).toBe(false);
  });
});

describe('e100 (QEMU eepro100): (ether_crc >> 2) & 0x3f', () => {
  // 0x7fa32d9b = ...1001 1011: bits 7..2 = 100110 = 38; 0xae3c4afc: fc = 1111 1100 -> 111111 = 63;
  // 0xf99baaba: ba = 1011 1010 -> 101110 = 46; 0x76fb0ac1: c1 = 1100 0001 -> 110000 = 48.
  it.each([
    [ALL_HOSTS, 38],
    [SSDP_LIKE, 63],
    [V6_ALL_NODES, 46],
    [V6_SOLICITED, 48],
  ] as const)('%s -> mult bit %d (QEMU loop agrees)', (m, bit) => {
    expect(e100HashIndex(mac(m))).toBe(bit);
    expect((qemuMcastCrc(octets(m)) >>> 2) & 0x3f).toBe(bit);
  });
  it('mult[] bytes for 224.0.0.1: bit 38 = byte 4 bit 6', () => {
    expect((programmed(e100.profile(), macs(ALL_HOSTS)).state() as { mult: string[] }).mult).toEqual(['00', '00', '00', '00', '40', '00', '00', '00']);
  });
});

describe('pcnet32: LADRF bit ether_crc_le >> 26 (pcnet32_load_multicast, QEMU ladr_match)', () => {
  // ~zlib.crc32: 0xd9b4c5fe >> 26 = 54, 0x3f523c75 >> 26 = 15, 0x5d55d99f >> 26 = 23, 0x8350df6e >> 26 = 32.
  it.each([
    [ALL_HOSTS, 54],
    [SSDP_LIKE, 15],
    [V6_ALL_NODES, 23],
    [V6_SOLICITED, 32],
  ] as const)('%s -> bit %d', (m, bit) => {
    expect(pcnet32LadrfBit(mac(m))).toBe(bit);
    expect(etherCrcLeRef(octets(m)) >>> 26).toBe(bit);
  });
  it('224.0.0.1 sets LADRF bit 54 (CSR11 bit 6; word 1 bit 22 as two u32); other groups drop', () => {
    const f = programmed(pcnet32.profile(), [mac(ALL_HOSTS)]);
    const st = f.state() as { ladrf: string[] };
    // 64 bits as two u32 words: bit 54 is word 1 bit 22.
    expect(st.ladrf).toEqual(['00000000', '00400000']);
    expect(f.accept(mac(ALL_HOSTS))).toBe(true);
    expect(f.accept(mac(SSDP_LIKE))).toBe(false);
    expect(f.accept(BROADCAST_MAC)).toBe(true);
    expect(f.accept(mac('02:00:00:00:00:02'))).toBe(false);
  });
  it('no count limit: 200 groups stay hashed; ALLMULTI accepts every multicast; PROMISC everything', () => {
    const many = Array.from({ length: 200 }, (_, i) => `01:00:5e:01:${(i >> 8).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`);
    const f = programmed(pcnet32.profile(), many.map(mac));
    const bits = new Set(many.map((m) => pcnet32LadrfBit(mac(m))));
    const outside = Array.from({ length: 64 }, (_, i) => `33:33:00:00:01:${i.toString(16).padStart(2, '0')}`).find((m) => !bits.has(pcnet32LadrfBit(mac(m))));
    if (outside !== undefined) expect(f.accept(mac(outside))).toBe(false);
    expect(programmed(pcnet32.profile(), many.map(mac), { allmulti: true }).accept(mac('01:00:5e:7f:00:01'))).toBe(true);
    expect(programmed(pcnet32.profile(), [], { promisc: true }).accept(mac('02:00:00:00:00:09'))).toBe(true);
  });
});

describe("'qemu-hash-zlib-crc' on pcnet32: the device looks up zlib's crc32(~0, dst, 6) >> 26 (QEMU sungem before 8f90bc2f8fbb)", () => {
  const G = '01:00:5e:01:01:01'; // 239.1.1.1
  it('the driver still sets ether_crc_le >> 26; the device tests the bit of zlib crc32 with seed ~0 and drops the group', () => {
    const zlibBit = zlibCrc32(Buffer.from(octets(G)), 0xffffffff) >>> 26;
    expect(zlibBit).not.toBe(pcnet32LadrfBit(mac(G)));
    const f = pcnet32.profile().create(mac('02:00:00:00:00:02'), new Set(['qemu-hash-zlib-crc'] as const));
    f.program({ promisc: false, allmulti: false, mc: [mac(G)] });
    expect((f.state() as { ladrf: string[] }).ladrf).toEqual((programmed(pcnet32.profile(), [mac(G)]).state() as { ladrf: string[] }).ladrf);
    expect(f.accept(mac(G))).toBe(false);
    // ALLMULTI fills LADRF: the bit the device looks up is set too.
    f.program({ promisc: false, allmulti: true, mc: [mac(G)] });
    expect(f.accept(mac(G))).toBe(true);
  });
});

describe('vmxnet3: an exact table while the list fits the u16 mfTableLen (vmxnet3_copy_mc), then ALL_MULTI', () => {
  // 0xffff / 6 = 10922.5: 10,922 groups take 65,532 bytes, 10,923 take 65,538.
  it('10,922 groups: exactly the list', () => {
    const list = groupMacs(10_922);
    const f = programmed(vmxnet3.profile(), list);
    expect(f.accept(list[10_921]!)).toBe(true);
    expect(f.accept(groupMacs(1, 10_922)[0]!)).toBe(false);
    expect(f.accept(mac(V6_SOLICITED))).toBe(false);
  });
  it('10,923 groups: every multicast frame', () => {
    const f = programmed(vmxnet3.profile(), groupMacs(10_923));
    expect(f.accept(mac(V6_SOLICITED))).toBe(true);
    expect(f.accept(mac('02:00:00:00:00:09'))).toBe(false);
  });
  it('the mfTableLen wrap fault keeps (65,538 mod 65,536) / 6 = 0 entries of 10,923 groups', () => {
    const f = vmxnet3.profile().create(mac('02:00:00:00:00:01'), new Set(['vmxnet3-mftablelen-wrap']));
    const list = groupMacs(10_923);
    f.program({ promisc: false, allmulti: false, mc: list });
    expect(f.accept(list[0]!)).toBe(false);
  });
});
