// src/oracle/address.ts canonicalMac: canonical texts pass as they are, the rest is parsed.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { canonicalMac } from '../../src/oracle/address.ts';

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
