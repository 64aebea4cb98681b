// The model's address parser against ip-address: the canonical-text fast path (src/wire/ip.ts)
// must give exactly what ip-address gives, for every text, and its printers must equal
// ip-address's correctForm for every value.
import { Address4, Address6 } from 'ip-address';
import { describe, expect } from 'vitest';
import { fc, test } from '@fast-check/vitest';
import { InputError } from '../../src/errors.ts';
import { formatIpv4, formatIpv6, ipFromValue, parseIp } from '../../src/wire/ip.ts';

/** What parseIp answered before the fast path: ip-address alone. */
function reference(text: string): { family: string; text: string; value: bigint } | 'invalid' {
  if (text.includes('/') || text.includes('%')) return 'invalid';
  try {
    const a = text.includes(':') ? new Address6(text) : new Address4(text);
    return { family: text.includes(':') ? 'ipv6' : 'ipv4', text: a.correctForm(), value: a.bigInt() };
  } catch {
    return 'invalid';
  }
}

function ours(text: string): { family: string; text: string; value: bigint } | 'invalid' {
  try {
    const a = parseIp(text);
    return { family: a.family, text: a.text, value: a.value };
  } catch (e) {
    if (e instanceof InputError) return 'invalid';
    throw e;
  }
}

/** 16-bit groups biased towards zero runs, where RFC 5952's choices are made. */
const group = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0xf }), fc.integer({ min: 0, max: 0xffff }));
const v6value = fc.array(group, { minLength: 8, maxLength: 8 }).map((gs) => gs.reduce((v, g) => (v << 16n) | BigInt(g), 0n));
const v4value = fc.oneof(fc.bigInt({ min: 0n, max: 0xffffffffn }), fc.constantFrom(0n, 0xffffffffn, 0xe0000001n, 0x0a000001n));

/** Texts near the canonical ones: upper case, leading zeros, extra or missing groups, embedded IPv4. */
const mutated = fc
  .tuple(fc.oneof(v6value.map(formatIpv6), v4value.map(formatIpv4)), fc.nat(8), fc.nat(40))
  .map(([t, kind, at]) => {
    const i = t.length === 0 ? 0 : at % t.length;
    switch (kind) {
      case 0: return t.toUpperCase();
      case 1: return `${t.slice(0, i)}0${t.slice(i)}`;
      case 2: return `${t}:1`;
      case 3: return `${t.slice(0, i)}${t.slice(i + 1)}`;
      case 4: return `${t.slice(0, i)}::${t.slice(i)}`;
      case 5: return `::ffff:${formatIpv4(BigInt(at * 0x01010101))}`;
      case 6: return `${t.slice(0, i)}:${t.slice(i)}`;
      case 7: return `${t}.0`;
      default: return t;
    }
  });

describe('address printing equals ip-address correctForm', () => {
  test.prop([v6value], { numRuns: 2000 })('IPv6', (v) => {
    expect(formatIpv6(v)).toBe(Address6.fromBigInt(v).correctForm());
  });
  test.prop([v4value], { numRuns: 2000 })('IPv4', (v) => {
    expect(formatIpv4(v)).toBe(Address4.fromBigInt(v).correctForm());
  });
  test.prop([fc.oneof(v6value.map((v) => ['ipv6', v] as const), v4value.map((v) => ['ipv4', v] as const))], { numRuns: 1000 })('ipFromValue', ([family, v]) => {
    const a = ipFromValue(family, v);
    expect(a.text).toBe(family === 'ipv4' ? Address4.fromBigInt(v).correctForm() : Address6.fromBigInt(v).correctForm());
    expect(a.value).toBe(v);
  });
});

describe('parseIp answers what ip-address answers', () => {
  test.prop([fc.oneof(v6value.map(formatIpv6), v4value.map(formatIpv4), mutated, fc.string({ maxLength: 12 }), fc.stringMatching(/^[0-9a-fA-F:.]{0,20}$/))], { numRuns: 5000 })(
    'any text',
    (text) => {
      expect(ours(text)).toEqual(reference(text));
    },
  );

  test('known texts', () => {
    // Hand-picked: RFC 5952 examples and the forms the fast path must leave to ip-address.
    const cases: [string, string | 'invalid'][] = [
      ['ff02::1', 'ff02::1'],
      ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8::1:0:0:1', '2001:db8::1:0:0:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['FF02::1', 'ff02::1'],
      ['ff02:0::1', 'ff02::1'],
      ['::', '::'],
      ['224.0.0.1', '224.0.0.1'],
      ['ff02::1::2', 'invalid'],
      ['256.0.0.1', 'invalid'],
      ['1.2.3', 'invalid'],
      // Zero runs the char-by-char reader must leave to ip-address (or accept), by RFC 5952 4.2.
      ['0::1', '::1'],
      ['::0:1', '::1'],
      ['1:0::1', '1::1'],
      ['1::0', '1::'],
      ['1::', '1::'],
      ['1:0:0:1::1', '1:0:0:1::1'],
      ['1::1:0:0:1', '1::1:0:0:1'],
      ['1:0:0:1:1::1', '1::1:1:0:0:1'],
      ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
      ['1:2:3:4:5:6:7:8:9', 'invalid'],
      ['1:', 'invalid'],
      ['1:::2', 'invalid'],
      ['0.0.0.0', '0.0.0.0'],
      ['1.2.3.4.5', 'invalid'],
      ['255.255.255.255', '255.255.255.255'],
    ];
    for (const [text, want] of cases) {
      const got = ours(text);
      expect(got === 'invalid' ? got : got.text, text).toBe(want);
    }
  });
});
