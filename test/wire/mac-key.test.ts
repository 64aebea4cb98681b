// The packed MAC the filters look destinations up by (src/wire/mac-key.ts): its value, its
// octets, the CRCs from it, and the key set against a plain Set.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { etherCrc, etherCrcLe, keyEtherCrc, keyEtherCrcLe } from '../../src/wire/crc.ts';
import { BROADCAST_KEY, KeySet, isMulticastKey, keyHi16, keyLo32, keyMac, keyOctet, macKey } from '../../src/wire/mac-key.ts';
import { parseMac } from '../../src/wire/mac.ts';

describe('macKey', () => {
  it('packs octet 0 into bits 47..40 down to octet 5 into bits 7..0', () => {
    expect(macKey(parseMac('00:00:00:00:00:01'))).toBe(1);
    expect(macKey(parseMac('01:00:5e:00:00:01'))).toBe(0x01005e000001);
    expect(macKey(parseMac('33:33:ff:12:34:56'))).toBe(0x3333ff123456);
    expect(macKey(parseMac('FF-FF-FF-FF-FF-FF'))).toBe(BROADCAST_KEY);
    expect(BROADCAST_KEY).toBe(2 ** 48 - 1);
  });

  it('gives back its octets, its halves and its text', () => {
    const k = macKey(parseMac('a1:b2:c3:d4:e5:f6'));
    expect([0, 1, 2, 3, 4, 5].map((i) => keyOctet(k, i))).toEqual([0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
    expect(keyHi16(k)).toBe(0xa1b2);
    expect(keyLo32(k)).toBe(0xc3d4e5f6);
    expect(keyMac(k)).toBe('a1:b2:c3:d4:e5:f6');
  });

  it('the group bit is the low bit of octet 0', () => {
    expect(isMulticastKey(macKey(parseMac('01:00:5e:00:00:01')))).toBe(true);
    expect(isMulticastKey(macKey(parseMac('33:33:00:00:00:01')))).toBe(true);
    expect(isMulticastKey(BROADCAST_KEY)).toBe(true);
    expect(isMulticastKey(macKey(parseMac('02:ff:ff:ff:ff:ff')))).toBe(false);
    expect(isMulticastKey(macKey(parseMac('fe:ff:ff:ff:ff:ff')))).toBe(false);
  });

  fcTest.prop([fc.uint8Array({ minLength: 6, maxLength: 6 })], { numRuns: 300 })('the CRCs from the key are those of the six octets', (bytes) => {
    const mac = parseMac(Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join(':'));
    const k = macKey(mac);
    expect(keyEtherCrcLe(k)).toBe(etherCrcLe(bytes));
    expect(keyEtherCrc(k)).toBe(etherCrc(bytes));
    expect(keyMac(k)).toBe(mac);
  });
});

describe('KeySet', () => {
  const key = fc.oneof(fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 2 ** 48 - 1 }));
  const op = fc.record({ add: fc.boolean(), key });
  fcTest.prop([fc.array(op, { maxLength: 400 }), fc.array(key, { maxLength: 50 })], { numRuns: 200 })('answers as a Set does after any adds and deletes', (ops, probes) => {
    const s = new KeySet();
    const ref = new Set<number>();
    for (const o of ops) {
      if (o.add) {
        s.add(o.key);
        ref.add(o.key);
      } else {
        s.delete(o.key);
        ref.delete(o.key);
      }
      expect(s.size).toBe(ref.size);
    }
    for (const k of [...probes, ...ops.map((o) => o.key)]) expect(s.has(k)).toBe(ref.has(k));
  });

  it('holds 10,923 keys (vmxnet3 past its table) and forgets each deleted one', () => {
    const keys = Array.from({ length: 10923 }, (_, i) => 0x01005e000000 + i * 7);
    const s = new KeySet(keys);
    expect(s.size).toBe(10923);
    expect(keys.every((k) => s.has(k))).toBe(true);
    for (const k of keys.filter((_, i) => i % 2 === 0)) s.delete(k);
    expect(keys.every((k, i) => s.has(k) === (i % 2 === 1))).toBe(true);
    expect(s.has(0x01005e000000 + 1)).toBe(false);
  });
});
