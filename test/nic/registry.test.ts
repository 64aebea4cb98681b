import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fc, test as fcTest } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { NO_FAULTS } from '../../src/faults.ts';
import { CATALOG_FAMILIES } from '../../src/nic/catalog/index.ts';
import { builtinProfiles, isProfileName, profileFamilies, resolveProfile } from '../../src/profiles/registry.ts';
import { hasOracleSpec, oracleProfileNames } from '../../src/oracle/index.ts';
import { type Mac, macFromBytes, parseMac } from '../../src/wire/mac.ts';
import { BROADCAST, OWN } from './helpers.ts';

/** The profiles this suite owns (the catalog has its own tests). */
const CORE_BUILTINS = ['accept-all', 'ldd3-nf', 'allmulti-only', 'ldd3-ff:4', 'exact-strict:4', 'hash64', 'tun'];

function inputError(f: () => unknown): InputError {
  try {
    f();
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError');
}

describe('registry', () => {
  it('resolves accept-all, which accepts every destination', () => {
    const p = resolveProfile('accept-all');
    expect(p.name).toBe('accept-all');
    const f = p.create(OWN, NO_FAULTS);
    expect(f.program({ promisc: false, allmulti: false, mc: [] })).toEqual({ ok: true });
    expect(f.accept(parseMac('01:00:5e:7f:ff:fa'))).toBe(true);
    expect(f.accept(parseMac('02:00:00:00:00:99'))).toBe(true);
  });

  it('an unknown name gives an InputError naming it and listing the known patterns', () => {
    const e = inputError(() => resolveProfile('e9999'));
    expect(e.where).toBe('e9999');
    for (const known of ['accept-all', 'ldd3-ff:N', 'exact-strict:N', 'tun', 'hash64']) expect(e.message).toContain(known);
  });

  it('the core builtins run with their default parameters', () => {
    const names = builtinProfiles().map((p) => p.name);
    for (const n of CORE_BUILTINS) expect(names).toContain(n);
    for (const n of names) expect(resolveProfile(n).name).toBe(n);
  });

  it('parses parameters: ldd3-ff:16, exact-strict:0', () => {
    expect(resolveProfile('ldd3-ff:16').name).toBe('ldd3-ff:16');
    expect(resolveProfile('exact-strict:0').name).toBe('exact-strict:0');
    expect(resolveProfile('ldd3-ff:7').summary).toContain('7');
  });

  it.each([
    'ldd3-ff', // parameter missing
    'ldd3-ff:', // empty
    'ldd3-ff:x',
    'ldd3-ff:-1',
    'ldd3-ff:04', // leading zero: not a canonical name
    'ldd3-ff:1.5',
    'ldd3-ff:4097', // above the cap
    'exact-strict:1e3',
    'ldd3-ff:4:4',
    'tun:8', // fixed profile with a parameter
    'accept-all:3',
    'Tun',
    '',
  ])('%j is an InputError naming it', (name) => {
    expect(inputError(() => resolveProfile(name)).where).toBe(name);
    expect(isProfileName(name)).toBe(false);
  });

  it('lists every family once with a source and a summary', () => {
    const fams = profileFamilies();
    const patterns = fams.map((f) => f.pattern);
    expect(new Set(patterns).size).toBe(patterns.length);
    for (const f of fams) {
      expect(f.source.length).toBeGreaterThan(0);
      expect(f.summary.length).toBeGreaterThan(0);
    }
    expect(fams.find((f) => f.pattern === 'ldd3-ff:N')?.parameter?.default).toBe(4);
    expect(fams.find((f) => f.pattern === 'exact-strict:N')?.parameter?.default).toBe(4);
  });
});

const octetsArb = fc.uint8Array({ minLength: 6, maxLength: 6 });
// The group bit is bit 0 of the first octet.
const multicastArb = octetsArb.map((b) => macFromBytes([(b[0] as number) | 1, ...b.subarray(1)]));
const unicastArb = octetsArb
  .map((b) => macFromBytes([(b[0] as number) & 0xfe, ...b.subarray(1)]))
  .filter((m) => m !== OWN);
const rxModeArb = fc.record({
  promisc: fc.boolean(),
  allmulti: fc.boolean(),
  mc: fc.uniqueArray(multicastArb, { maxLength: 12 }),
});

describe('every core profile', () => {
  fcTest.prop([fc.constantFrom(...CORE_BUILTINS), fc.array(rxModeArb, { minLength: 1, maxLength: 6 }), unicastArb], { numRuns: 150 })(
    'accepts own MAC and broadcast, honours PROMISC, shows JSON state',
    (name, modes, stranger) => {
      const nic = resolveProfile(name).create(OWN, NO_FAULTS);
      for (const m of modes) {
        nic.program(m);
        expect(nic.accept(OWN)).toBe(true);
        expect(nic.accept(BROADCAST)).toBe(true);
        if (m.promisc) expect(nic.accept(stranger as Mac)).toBe(true);
        const s = nic.state();
        expect(JSON.parse(JSON.stringify(s))).toEqual(s);
      }
    },
  );

  fcTest.prop([fc.constantFrom(...CORE_BUILTINS.filter((n) => n !== 'accept-all')), fc.uniqueArray(multicastArb, { maxLength: 4 })], {
    numRuns: 150,
  })('with no flags and at most 4 groups, every listed group passes (ldd3-nf: none) and unicast strangers do not', (name, mc) => {
    const nic = resolveProfile(name).create(OWN, NO_FAULTS);
    expect(nic.program({ promisc: false, allmulti: false, mc })).toEqual({ ok: true });
    for (const g of mc) expect(nic.accept(g)).toBe(name !== 'ldd3-nf');
    expect(nic.accept(parseMac('02:00:00:00:00:99'))).toBe(false);
  });
});

describe('the collected catalog and specs (src/nic/catalog/index.ts, src/oracle/filters/index.ts)', () => {
  const ROOT_DIR = join(import.meta.dirname, '../..');
  // Independently of the collector: the family objects the catalog's files declare, by text.
  const declared = readdirSync(join(ROOT_DIR, 'src/nic/catalog'))
    .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
    .flatMap((f) => [...readFileSync(join(ROOT_DIR, 'src/nic/catalog', f), 'utf8').matchAll(/^export const (\w+): (?:Fixed|Parameterised)Family = /gm)].map((m) => m[1]));

  it('every family a catalog file declares is in the registry', () => {
    expect(declared.length).toBeGreaterThanOrEqual(12);
    expect(CATALOG_FAMILIES.length).toBe(declared.length);
    for (const f of CATALOG_FAMILIES) {
      const profile = resolveProfile(f.parameter ? `${f.base}:${f.parameter.default}` : f.base);
      expect(profile.source).toBe(f.source);
      // The capacity report draws every catalog profile from the model its file declares.
      expect(profile.capacity?.structure, f.base).toMatch(/\S/);
    }
  });

  it('every built-in family has an oracle spec family with the same name and parameter range, and no spec is left over', () => {
    const models = profileFamilies().filter((f) => !f.stacked).map((f) => f.pattern.replace(/:N$/, ''));
    const specs = oracleProfileNames().filter((n) => !n.endsWith('+LOWER')).map((n) => n.replace(/:N$/, ''));
    expect([...specs].sort()).toEqual([...models].sort());
    for (const f of profileFamilies()) {
      if (!f.parameter) continue;
      const base = f.pattern.replace(/:N$/, '');
      expect(hasOracleSpec(`${base}:${f.parameter.min}`) && hasOracleSpec(`${base}:${f.parameter.max}`), base).toBe(true);
      expect(hasOracleSpec(`${base}:${f.parameter.max + 1}`), base).toBe(false);
    }
  });
});
