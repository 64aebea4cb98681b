// Profile name -> NicProfile: the one table of every profile name, above both src/nic (physical
// filters) and src/relay (exception-path devices stacked on them). Adding a catalog profile: one
// file in src/nic/catalog/ exporting its family (collected by src/nic/catalog/index.ts), and its
// oracle spec in src/oracle/filters/. The teaching profiles of src/nic/ are listed below by hand.
import { InputError } from '../errors.ts';
import { acceptAll } from '../nic/accept-all.ts';
import { allmultiOnly } from '../nic/allmulti-only.ts';
import { exactStrict } from '../nic/exact-strict.ts';
import { hash64 } from '../nic/hash64.ts';
import { ldd3Ff } from '../nic/ldd3-ff.ts';
import { ldd3Nf } from '../nic/ldd3-nf.ts';
import { tun } from '../nic/tun.ts';
import { CATALOG_FAMILIES } from '../nic/catalog/index.ts';
import { RELAY_FAMILIES } from '../relay/families.ts';
import { type FixedFamily, type ParameterisedFamily, type ProfileFamily, familyPattern, parseParameter } from '../nic/family.ts';
import type { NicProfile } from '../nic/filter.ts';

const BUILTIN_FAMILIES: readonly ProfileFamily[] = [
  acceptAll,
  ldd3Nf,
  allmultiOnly,
  ldd3Ff,
  exactStrict,
  hash64,
  tun,
  // Catalog: profiles modelled on real drivers, every family of src/nic/catalog/ (docs/profiles.md).
  ...CATALOG_FAMILIES,
  // Exception-path devices over a physical profile ("kni-mc+mlx5-dpdk", src/relay).
  ...RELAY_FAMILIES,
];

/** Families added at run time (profile plug-ins: src/profile-plugin.ts, `--profile-module`). */
const PLUGIN_FAMILIES: ProfileFamily[] = [];

/** Every family: the built-in ones, then the plug-ins in the order they were added. */
function families(): readonly ProfileFamily[] {
  return PLUGIN_FAMILIES.length === 0 ? BUILTIN_FAMILIES : [...BUILTIN_FAMILIES, ...PLUGIN_FAMILIES];
}

/** True when `name` ("tulip", "e1000:2") is a profile of the catalog (src/nic/catalog/): modelled on a real driver. */
export function isCatalogProfile(name: string): boolean {
  const base = name.split(/[:+]/)[0];
  return !name.includes('+') && CATALOG_FAMILIES.some((f) => f.base === base);
}

/** True when a built-in or plug-in family is named `base` ("tulip", "ldd3-ff"). */
export function hasProfileFamily(base: string): boolean {
  return families().some((f) => f.base === base);
}

/**
 * Adds a (non-stacked) family to the registry for the rest of the process. Throws InputError
 * (where = `where`) when its base name is taken. Use registerProfile (src/profile-plugin.ts),
 * which also adds the oracle's spec and checks the two agree.
 */
export function addProfileFamily(family: FixedFamily | ParameterisedFamily, where: string): void {
  if (hasProfileFamily(family.base)) {
    throw new InputError(where, `a NIC profile named ${JSON.stringify(family.base)} exists already; a plug-in profile needs a new name`);
  }
  PLUGIN_FAMILIES.push(family);
}

/** Removes the plug-in family `base` (a built-in one stays); false when no plug-in has that name. */
export function removeProfileFamily(base: string): boolean {
  const i = PLUGIN_FAMILIES.findIndex((f) => f.base === base);
  if (i >= 0) PLUGIN_FAMILIES.splice(i, 1);
  return i >= 0;
}

/** One row of `mcast-testbench profiles`. */
export interface ProfileFamilyInfo {
  /** "tun", or "ldd3-ff:N" for a parameterised family. */
  readonly pattern: string;
  readonly source: string;
  readonly summary: string;
  /** Parameterised families: what N means, its range and the default `check` uses. */
  readonly parameter?: { readonly meaning: string; readonly min: number; readonly max: number; readonly default: number };
  /** Stacked families: the lower profile a bare name stands on, and whether `check` runs it by default. */
  readonly stacked?: { readonly defaultLower: string; readonly inDefaultCheck: boolean };
  /** Stacked families: the releases the kind is (e.g. "DPDK 19.11 to 23.07"). */
  readonly releases?: string;
  /** DPDK ports: the PMD, and whether the default `check` runs every property (else the fallback chain only). */
  readonly dpdk?: { readonly pmd: string; readonly hostByDefault: boolean };
}

export function profileFamilies(): ProfileFamilyInfo[] {
  return families().map((f) => {
    const dpdk = 'stacked' in f ? undefined : (f.parameter ? f.profile(f.parameter.default) : f.profile()).dpdk;
    return {
      pattern: familyPattern(f),
      source: f.source,
      summary: f.summary,
      ...(f.parameter ? { parameter: { ...f.parameter } } : {}),
      ...('stacked' in f ? { stacked: { ...f.stacked }, ...(f.releases ? { releases: f.releases } : {}) } : {}),
      ...(dpdk ? { dpdk: { ...dpdk } } : {}),
    };
  });
}

/** The profiles `check` runs by default; parameterised families with their default parameter. */
export function builtinProfiles(): NicProfile[] {
  return families().flatMap((f) => {
    if ('stacked' in f) return f.stacked.inDefaultCheck ? [f.over(resolveProfile(f.stacked.defaultLower))] : [];
    return [f.parameter ? f.profile(f.parameter.default) : f.profile()];
  });
}

/** The names of builtinProfiles(), e.g. ["accept-all", "ldd3-ff:4", ...]. */
export function builtinProfileNames(): string[] {
  return builtinProfiles().map((p) => p.name);
}

function knownNames(): string {
  return families().map(familyPattern).join(', ');
}

/** Edit distance (insert, delete, substitute), for "did you mean". */
function distance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min((row[j] as number) + 1, (next[j - 1] as number) + 1, (row[j - 1] as number) + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length] as number;
}

/** The family base closest to a mistyped one, when it is close (at most 2 edits, and less than half the name). */
function didYouMean(base: string, parameterised: boolean): string {
  let best: { base: string; d: number } | null = null;
  for (const f of families()) {
    // A tie goes to the family that takes a parameter when the name gave one (e1001:0 -> e1000:N).
    const d = distance(base.toLowerCase(), f.base) + (('parameter' in f && f.parameter !== undefined) === parameterised ? 0 : 0.5);
    if (best === null || d < best.d) best = { base: f.base, d };
  }
  if (best === null || best.d > 2 || best.d * 2 >= base.length) return '';
  const family = families().find((f) => f.base === best.base);
  return ` (did you mean ${JSON.stringify(family ? familyPattern(family) : best.base)}?)`;
}

/**
 * Resolves "tun", "ldd3-ff:4", ... A parameterised family needs its parameter; a fixed one
 * takes none. Throws InputError (where = the name) for anything else.
 */
export function resolveProfile(name: string): NicProfile {
  if (typeof name !== 'string') {
    throw new InputError('', `profile name must be a string, got ${JSON.stringify(name)}`);
  }
  const plus = name.indexOf('+');
  const colon = name.indexOf(':');
  const base = plus >= 0 ? name.slice(0, plus) : colon < 0 ? name : name.slice(0, colon);
  const family = families().find((f) => f.base === base);
  if (!family) {
    throw new InputError(name, `unknown NIC profile ${JSON.stringify(name)}${didYouMean(base, colon >= 0)}; known profiles: ${knownNames()}`);
  }
  if ('stacked' in family) {
    const lowerName = plus >= 0 ? name.slice(plus + 1) : family.stacked.defaultLower;
    if (plus < 0 && colon >= 0) throw new InputError(name, `profile ${family.base} takes a lower profile after '+', e.g. ${family.base}+${family.stacked.defaultLower}`);
    const lower = resolveProfile(lowerName);
    if (lower.stacked) throw new InputError(name, `profile ${family.base} stacks on a physical profile, not on ${lower.name}`);
    return family.over(lower);
  }
  if (plus >= 0) throw new InputError(name, `profile ${family.base} is not a stacked device: '+' is for ${RELAY_FAMILIES.map((f) => f.base).join(', ')}`);
  if (!family.parameter) {
    if (colon >= 0) {
      throw new InputError(name, `profile ${family.base} takes no parameter; known profiles: ${knownNames()}`);
    }
    return family.profile();
  }
  if (colon < 0) {
    const p = family.parameter;
    throw new InputError(
      name,
      `profile ${family.base}:N needs N (${p.meaning}, ${p.min}..${p.max}), e.g. ${family.base}:${p.default}`,
    );
  }
  return family.profile(parseParameter(family, name, name.slice(colon + 1)));
}

/** True when resolveProfile(name) would succeed. */
export function isProfileName(name: string): boolean {
  try {
    resolveProfile(name);
    return true;
  } catch (e) {
    if (e instanceof InputError) return false;
    throw e;
  }
}
