// The key path of the filters (acceptKey on a MAC's two int32 halves, src/wire/mac-key.ts)
// against straightforward references: every CRC and bucket a lookup computes from the halves
// against the byte-array CRC of src/wire, the bit-serial CRC of test/nic/reference-crc.ts and
// zlib's; every profile's verdict on random destinations, after a random programmed list, against
// the oracle's spec (src/oracle, written apart from the model) where it decides, and 'may' (a hash
// bucket or an all-multicast fallback) as accepted, which every built-in filter does.
import { crc32 } from 'node:zlib';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/faults.ts';
import { e100HashIndex, e100HashIndexKey } from '../../src/nic/catalog/e100.ts';
import { mtaShift, mtaVector, mtaVectorLo } from '../../src/nic/catalog/e1000.ts';
import { pcnet32LadrfBit, pcnet32LadrfBitKey } from '../../src/nic/catalog/pcnet32.ts';
import { tulipHashOnlyBucket, tulipHashOnlyBucketKey } from '../../src/nic/catalog/tulip-hash-only.ts';
import { tulipHashIndex } from '../../src/nic/catalog/tulip.ts';
import type { NicProfile } from '../../src/nic/filter.ts';
import { hashBucket64, hashBucket64Key } from '../../src/nic/station.ts';
import { classifyAcceptance } from '../../src/oracle/filters/index.ts';
import { resolveSpec } from '../../src/oracle/index.ts';
import { builtinProfiles, resolveProfile } from '../../src/profiles/registry.ts';
import { crc32Le, keyEtherCrc, keyEtherCrcBits7to2, keyEtherCrcLe, keyEtherCrcLeI32, keyEtherCrcTop6 } from '../../src/wire/crc.ts';
import { macHi, macLo } from '../../src/wire/mac-key.ts';
import { BROADCAST_MAC, type Mac, bitNeighbours, macFromBytes } from '../../src/wire/mac.ts';
import { referenceEtherCrc } from './reference-crc.ts';

const sixBytes = fc.uint8Array({ minLength: 6, maxLength: 6 });

/** e1000_hw.c e1000_hash_mc_addr, written from its switch on mc_filter_type. */
function referenceMtaVector(filterType: number, b: Uint8Array): number {
  const b4 = b[4] as number;
  const b5 = b[5] as number;
  const v = [(b4 >> 4) | (b5 << 4), (b4 >> 3) | (b5 << 5), (b4 >> 2) | (b5 << 6), b4 | (b5 << 8)][filterType] as number;
  return v & 0xfff;
}

describe('the CRCs and buckets of a key', () => {
  fcTest.prop([sixBytes], { numRuns: 2000 })('equal the byte-array, bit-serial and zlib CRCs of its six octets', (bytes) => {
    const mac = macFromBytes(bytes);
    const [hi, lo] = [macHi(mac), macLo(mac)];
    const le = crc32Le(0xffffffff, bytes);
    const be = referenceEtherCrc([...bytes]);
    // zlib's crc32 is the FCS: crc32_le from ~0, complemented.
    expect(keyEtherCrcLe(hi, lo)).toBe(le);
    expect(keyEtherCrcLe(hi, lo)).toBe(~crc32(bytes) >>> 0);
    expect(keyEtherCrcLeI32(hi, lo) >>> 0).toBe(le);
    expect(keyEtherCrc(hi, lo)).toBe(be);
    expect(keyEtherCrcTop6(hi, lo)).toBe(be >>> 26);
    expect(keyEtherCrcBits7to2(hi, lo)).toBe((be >>> 2) & 0x3f);
    // Each lookup-side bucket is the programming side's (which reads the MAC text).
    expect(hashBucket64Key(hi, lo)).toBe(hashBucket64(mac));
    expect(e100HashIndexKey(hi, lo)).toBe(e100HashIndex(mac));
    expect(keyEtherCrcLeI32(hi, lo) & 0x1ff).toBe(tulipHashIndex(mac));
    expect(tulipHashOnlyBucketKey(false, hi, lo)).toBe(tulipHashOnlyBucket('asix', mac));
    expect(tulipHashOnlyBucketKey(true, hi, lo)).toBe(tulipHashOnlyBucket('comet', mac));
    expect(pcnet32LadrfBitKey('ether_crc_le', hi, lo)).toBe(pcnet32LadrfBit(mac));
    expect(pcnet32LadrfBitKey('ether_crc', hi, lo)).toBe(be >>> 26);
    // QEMU sungem before 8f90bc2f8fbb: zlib's crc32(~0, dst, 6).
    expect(pcnet32LadrfBitKey('zlib', hi, lo)).toBe(crc32(bytes, 0xffffffff) >>> 26);
    for (const t of [0, 1, 2, 3]) {
      expect(mtaVectorLo(mtaShift(t), lo)).toBe(referenceMtaVector(t, bytes));
      expect(mtaVectorLo(mtaShift(t), lo)).toBe(mtaVector(t, mac));
    }
  });
});

/** A group MAC: IPv4- and IPv6-mapped ones, and any with the group bit. */
const groupMac = fc.oneof(
  fc.tuple(fc.integer({ min: 0, max: 0x7f }), fc.integer({ min: 0, max: 0xffff })).map(([a, b]) => macFromBytes([0x01, 0x00, 0x5e, a, b >> 8, b & 0xff])),
  fc.uint8Array({ minLength: 4, maxLength: 4 }).map((b) => macFromBytes([0x33, 0x33, ...b])),
  sixBytes.map((b) => macFromBytes([(b[0] as number) | 1, ...b.slice(1)])),
);
const unicastMac = sixBytes.map((b) => macFromBytes([(b[0] as number) & 0xfe, ...b.slice(1)]));

/** The n-th filler group, 01:00:5e:7f:xx:xx (outside what groupMac draws there only by chance). */
function filler(i: number): Mac {
  return macFromBytes([0x01, 0x00, 0x5e, 0x7f, (i >> 8) & 0xff, i & 0xff]);
}

/** Destinations that differ from a listed one in one half only: a key compared by one half would take them. */
function halfSwaps(list: readonly Mac[], other: Mac): Mac[] {
  const o = [macHi(other), macLo(other)];
  return list.slice(0, 8).flatMap((m) => [
    macFromBytes([(o[0] as number) >> 8, (o[0] as number) & 0xff, macLo(m) >>> 24, (macLo(m) >>> 16) & 0xff, (macLo(m) >>> 8) & 0xff, macLo(m) & 0xff]),
    macFromBytes([macHi(m) >> 8, macHi(m) & 0xff, (o[1] as number) >>> 24, ((o[1] as number) >>> 16) & 0xff, ((o[1] as number) >>> 8) & 0xff, (o[1] as number) & 0xff]),
  ]);
}

/** Every built-in profile that is not stacked, and e1000's other mc_filter_types. */
function keyedProfiles(): NicProfile[] {
  return [...builtinProfiles().filter((p) => !p.stacked), ...[1, 2, 3].map((t) => resolveProfile(`e1000:${t}`))];
}

describe('every profile decides on the key as the oracle says', () => {
  it('every built-in profile that is not stacked looks destinations up by the key', () => {
    const own = macFromBytes([2, 0, 0, 0, 0, 2]);
    expect(keyedProfiles().filter((p) => p.create(own, NO_FAULTS).acceptKey === undefined).map((p) => p.name)).toEqual([]);
  });

  describe.each(keyedProfiles().map((p) => [p.name, p] as const))('%s', (_name, profile) => {
    // List lengths around each threshold of the profile, and short ones.
    const lengths = fc.oneof(fc.integer({ min: 0, max: 20 }), fc.constantFrom(...profile.thresholds.flatMap((t) => [t - 1, t, t + 1]).filter((n) => n >= 0 && n <= 11_000), 0));
    const scenario = fc.record({
      own: unicastMac,
      promisc: fc.integer({ min: 0, max: 4 }).map((x) => x === 0),
      allmulti: fc.boolean(),
      groups: fc.uniqueArray(groupMac, { maxLength: 40 }),
      length: lengths,
      probes: fc.array(fc.oneof(groupMac, unicastMac), { maxLength: 60 }),
      // dev->uc, given to a filter with IFF_UNICAST_FLT (e1000's RARs, ixgbe's, QEMU's MAC table).
      uc: profile.unicastFilter === true ? fc.uniqueArray(unicastMac, { maxLength: 20 }) : fc.constant([]),
    });
    fcTest.prop([scenario], { numRuns: 40 })('acceptKey is must -> true, must-not -> false, may -> true', (s) => {
      const base = s.groups.slice(0, s.length);
      const list = [...base];
      const listed = new Set(list);
      for (let i = 0; list.length < s.length; i++) if (!listed.has(filler(i))) list.push(filler(i));
      const filter = profile.create(s.own, NO_FAULTS);
      filter.program({ promisc: s.promisc, allmulti: s.allmulti, mc: list, uc: s.uc });
      const spec = resolveSpec(profile.name);
      const programmed = spec.refusesBeyond !== null && list.length > spec.refusesBeyond ? [] : list;
      const acceptance = spec.acceptance({ ownMac: s.own, promisc: s.promisc, allmulti: s.allmulti, deviceList: list, programmed, ...(spec.unicastFilter === true ? { uc: s.uc } : {}) });
      const probes = [s.own, BROADCAST_MAC, ...s.probes, ...s.uc, ...list.slice(0, 30), ...list.slice(-10), ...list.slice(0, 4).flatMap(bitNeighbours), ...halfSwaps(list, s.probes[0] ?? s.own)];
      for (const m of probes) {
        const verdict = classifyAcceptance(acceptance, m);
        const got = filter.acceptKey?.(macHi(m), macLo(m));
        if (got !== (verdict !== 'must-not')) expect.fail(`${profile.name}: ${m} (oracle ${verdict}) got ${String(got)} with ${list.length} groups, ${s.uc.length} unicast, promisc ${s.promisc}, allmulti ${s.allmulti}`);
        expect(filter.accept(m)).toBe(got);
      }
    });
  });
});
