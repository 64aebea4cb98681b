// src/oracle/address.ts canonicalMac: canonical texts pass as they are, the rest is parsed;
// isGroupMac reads the I/G bit from the first octet's text.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { canonicalMac, isGroupMac } from '../../src/oracle/address.ts';

describe('canonicalMac', () => {
  it('gives lowercase colon form for every accepted spelling', () => {
    const cases: [string, string][] = [
      ['01:00:5e:00:00:01', '01:00:5e:00:00:01'],
      ['01:00:5E:7F:FF:FF', '01:00:5e:7f:ff:ff'],
      ['33-33-00-00-00-01', '33:33:00:00:00:01'],
      ['ff:ff:ff:ff:ff:ff', 'ff:ff:ff:ff:ff:ff'],
    ];
    for (const [text, want] of cases) expect(canonicalMac(text, 'mac'), text).toBe(want);
  });

  it('refuses texts that only look close', () => {
    for (const text of ['01:00:5e:00:00:0g', '01:00:5e:00:00', '01:00:5e:00:00:001', '01:00:5e:00-00:01', '0100:5e:00:00:01:', '']) {
      expect(() => canonicalMac(text, 'mac'), text).toThrow(InputError);
    }
  });
});

describe('isGroupMac', () => {
  it('is the low bit of the first octet, in either case', () => {
    // The first octet's value, written out: odd is a group address (IEEE 802 I/G bit).
    for (let octet = 0; octet < 256; octet++) {
      const hex = octet.toString(16).padStart(2, '0');
      for (const text of [`${hex}:00:5e:00:00:01`, `${hex.toUpperCase()}:00:5E:00:00:01`]) expect(isGroupMac(text), text).toBe(octet % 2 === 1);
    }
  });

  it('is false for a text without hex digits there', () => {
    for (const text of ['', '0', 'zz:00:5e:00:00:01', '0z:00:5e:00:00:01', 'z1:00:5e:00:00:01', ':1:00:5e:00:00:01', '0g:00:00:00:00:00']) expect(isGroupMac(text), text).toBe(false);
  });
});
