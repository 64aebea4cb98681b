import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { NO_FAULTS } from '../../src/faults.ts';
import { builtinProfiles, profileFamilies, resolveProfile } from '../../src/nic/registry.ts';
import { parseMac } from '../../src/wire/mac.ts';

const OWN = parseMac('02:00:00:00:00:01');

describe('registry', () => {
  it('resolves accept-all, which accepts every destination', () => {
    const p = resolveProfile('accept-all');
    expect(p.name).toBe('accept-all');
    const f = p.create(OWN, NO_FAULTS);
    expect(f.program({ promisc: false, allmulti: false, mc: [] })).toEqual({ ok: true });
    expect(f.accept(parseMac('01:00:5e:7f:ff:fa'))).toBe(true);
    expect(f.accept(parseMac('02:00:00:00:00:99'))).toBe(true);
  });

  it('rejects an unknown name with an InputError naming it and listing the known names', () => {
    expect(() => resolveProfile('e9999')).toThrow(InputError);
    try {
      resolveProfile('e9999');
    } catch (e) {
      expect((e as InputError).where).toBe('e9999');
      expect((e as InputError).message).toContain('accept-all');
    }
  });

  it('rejects a parameter on a fixed profile', () => {
    expect(() => resolveProfile('accept-all:3')).toThrow(InputError);
  });

  it('lists every family once and builds every builtin', () => {
    const patterns = profileFamilies().map((f) => f.pattern);
    expect(new Set(patterns).size).toBe(patterns.length);
    expect(patterns).toContain('accept-all');
    const names = builtinProfiles().map((p) => p.name);
    expect(names).toContain('accept-all');
    for (const n of names) expect(resolveProfile(n).name).toBe(n);
  });
});
