// The MAC key the filters look destinations up by (src/wire/mac-key.ts): its two halves, its
// octets, the CRCs from it, and the key set against a plain Set.
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { etherCrc, etherCrcLe, keyEtherCrc, keyEtherCrcLe } from '../../src/wire/crc.ts';
import { BROADCAST_HI, BROADCAST_LO, KeySet, isBroadcastKey, isMulticastHi, keyMac, keyOctet, macHi, macLo } from '../../src/wire/mac-key.ts';
import { type Mac, macFromBytes, parseMac } from '../../src/wire/mac.ts';

describe('macHi and macLo', () => {
  it('split a MAC into octets 0..1 and octets 2..5 as a signed int32', () => {
    expect([macHi(parseMac('00:00:00:00:00:01')), macLo(parseMac('00:00:00:00:00:01'))]).toEqual([0, 1]);
    expect([macHi(parseMac('01:00:5e:00:00:01')), macLo(parseMac('01:00:5e:00:00:01'))]).toEqual([0x0100, 0x5e000001]);
    expect([macHi(parseMac('33:33:ff:12:34:56')), macLo(parseMac('33:33:ff:12:34:56'))]).toEqual([0x3333, 0xff123456 | 0]);
    expect([macHi(parseMac('FF-FF-FF-FF-FF-FF')), macLo(parseMac('FF-FF-FF-FF-FF-FF'))]).toEqual([BROADCAST_HI, BROADCAST_LO]);
    expect(BROADCAST_LO).toBe(-1);
  });

  it('give back their octets and their text', () => {
    const mac = parseMac('a1:b2:c3:d4:e5:f6');
    const [hi, lo] = [macHi(mac), macLo(mac)];
    expect([0, 1, 2, 3, 4, 5].map((i) => keyOctet(hi, lo, i))).toEqual([0xa1, 0xb2, 0xc3, 0xd4, 0xe5, 0xf6]);
    expect(hi).toBe(0xa1b2);
    expect(lo >>> 0).toBe(0xc3d4e5f6);
    expect(keyMac(hi, lo)).toBe('a1:b2:c3:d4:e5:f6');
  });

  it('the group bit is the low bit of octet 0; broadcast is all ones', () => {
    expect(isMulticastHi(macHi(parseMac('01:00:5e:00:00:01')))).toBe(true);
    expect(isMulticastHi(macHi(parseMac('33:33:00:00:00:01')))).toBe(true);
    expect(isMulticastHi(BROADCAST_HI)).toBe(true);
    expect(isMulticastHi(macHi(parseMac('02:ff:ff:ff:ff:ff')))).toBe(false);
    expect(isMulticastHi(macHi(parseMac('fe:ff:ff:ff:ff:ff')))).toBe(false);
    expect(isBroadcastKey(0xffff, -1)).toBe(true);
    expect(isBroadcastKey(0xffff, 0x7fffffff)).toBe(false);
    expect(isBroadcastKey(0xfffe, -1)).toBe(false);
  });

  fcTest.prop([fc.uint8Array({ minLength: 6, maxLength: 6 })], { numRuns: 300 })('octets, CRCs and text from the key are those of the six bytes', (bytes) => {
    const mac = macFromBytes(bytes);
    const [hi, lo] = [macHi(mac), macLo(mac)];
    expect(Number.isInteger(hi) && hi >= 0 && hi <= 0xffff).toBe(true);
    expect(lo).toBe(lo | 0);
    expect([0, 1, 2, 3, 4, 5].map((i) => keyOctet(hi, lo, i))).toEqual([...bytes]);
    expect(isMulticastHi(hi)).toBe(((bytes[0] as number) & 1) === 1);
    expect(isBroadcastKey(hi, lo)).toBe(bytes.every((b) => b === 0xff));
    expect(keyEtherCrcLe(hi, lo)).toBe(etherCrcLe(bytes));
    expect(keyEtherCrc(hi, lo)).toBe(etherCrc(bytes));
    expect(keyMac(hi, lo)).toBe(mac);
  });
});

describe('KeySet', () => {
  // Few distinct values per octet, so keys often share a half (lo equal, hi not, and the reverse).
  const octet = fc.oneof(fc.constantFrom(0, 1, 0x5e, 0x80, 0xff), fc.integer({ min: 0, max: 255 }));
  const mac = fc.array(octet, { minLength: 6, maxLength: 6 }).map((b) => macFromBytes(b));
  const op = fc.record({ add: fc.boolean(), mac });
  fcTest.prop([fc.array(op, { maxLength: 400 }), fc.array(mac, { maxLength: 50 })], { numRuns: 200 })('answers as a Set does after any adds and deletes', (ops, probes) => {
    const s = new KeySet();
    const ref = new Set<Mac>();
    for (const o of ops) {
      if (o.add) {
        s.addMac(o.mac);
        ref.add(o.mac);
      } else {
        s.deleteMac(o.mac);
        ref.delete(o.mac);
      }
      expect(s.size).toBe(ref.size);
    }
    for (const m of [...probes, ...ops.map((o) => o.mac)]) expect(s.has(macHi(m), macLo(m))).toBe(ref.has(m));
  });

  it('holds 10,923 keys (vmxnet3 past its table) and forgets each deleted one', () => {
    const macs = Array.from({ length: 10923 }, (_, i) => keyMac(0x0100, 0x5e000000 + i * 7));
    const s = new KeySet(macs);
    expect(s.size).toBe(10923);
    expect(macs.every((m) => s.has(macHi(m), macLo(m)))).toBe(true);
    for (const m of macs.filter((_, i) => i % 2 === 0)) s.deleteMac(m);
    expect(macs.every((m, i) => s.has(macHi(m), macLo(m)) === (i % 2 === 1))).toBe(true);
    expect(s.has(0x0100, 0x5e000001)).toBe(false);
    // The same lo under another hi is another key.
    expect(s.has(0x0300, 0x5e000007)).toBe(false);
  });
});
