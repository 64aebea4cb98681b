// Profile name -> oracle filter spec. Adding a spec: one file in this folder exporting a
// FilterSpecFamily (collected below; written from the driver source, apart from the model).
import { InputError } from '../../errors.ts';
import { readdirSync } from 'node:fs';
import { RELAY_SPEC_KINDS, relaySpec } from './relay.ts';
import type { FilterSpec, FilterSpecFamily } from './spec.ts';

/** A spec family: an exported object with a base name, a parameter range or null, and a spec builder. */
function isSpecFamily(value: unknown): value is FilterSpecFamily {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const p = v['parameter'];
  const parameterOk = p === null || (typeof p === 'object' && typeof (p as Record<string, unknown>)['min'] === 'number' && typeof (p as Record<string, unknown>)['max'] === 'number');
  return typeof v['base'] === 'string' && typeof v['spec'] === 'function' && parameterOk;
}

// Every spec of this folder, collected: one file per profile (index, spec and relay are not specs).
// From src/ (.ts) and from the build in dist/ (.js) alike.
const HERE = new URL('./', import.meta.url);
const SPEC_FILES = readdirSync(HERE)
  .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !/^(index|spec|relay)\.(ts|js)$/.test(f))
  .sort();
const SPEC_MODULES: Record<string, unknown>[] = await Promise.all(
  SPEC_FILES.map((f) => import(new URL(f, HERE).href) as Promise<Record<string, unknown>>),
);

const BUILTIN_SPEC_FAMILIES: readonly FilterSpecFamily[] = SPEC_MODULES.flatMap((m) => Object.values(m).filter(isSpecFamily));

/** Specs of profile plug-ins (src/profile-plugin.ts), added at run time with their model. */
const PLUGIN_SPEC_FAMILIES: FilterSpecFamily[] = [];

function specFamilies(): readonly FilterSpecFamily[] {
  return PLUGIN_SPEC_FAMILIES.length === 0 ? BUILTIN_SPEC_FAMILIES : [...BUILTIN_SPEC_FAMILIES, ...PLUGIN_SPEC_FAMILIES];
}

/** True when a built-in or plug-in spec family (or a relay kind) is named `base`. */
export function hasSpecFamily(base: string): boolean {
  return specFamilies().some((f) => f.base === base) || (RELAY_SPEC_KINDS as readonly string[]).includes(base);
}

/** Adds a plug-in's spec for the rest of the process; throws InputError (where) when the base name has one already. */
export function addSpecFamily(family: FilterSpecFamily, where: string): void {
  if (hasSpecFamily(family.base)) {
    throw new InputError(where, `an oracle spec named ${JSON.stringify(family.base)} exists already; a plug-in profile needs a new name`);
  }
  PLUGIN_SPEC_FAMILIES.push(family);
}

/** Removes the plug-in spec `base` (a built-in one stays); false when no plug-in has that name. */
export function removeSpecFamily(base: string): boolean {
  const i = PLUGIN_SPEC_FAMILIES.findIndex((f) => f.base === base);
  if (i >= 0) PLUGIN_SPEC_FAMILIES.splice(i, 1);
  return i >= 0;
}

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** "tun" for a fixed spec, "ldd3-ff:N" for a parameterised one. */
export function oracleProfileNames(): string[] {
  return [...specFamilies().map((f) => (f.parameter ? `${f.base}:N` : f.base)), ...RELAY_SPEC_KINDS.map((k) => `${k}+LOWER`)];
}

/** The lower profile a bare relay name stands on (src/relay/families.ts RELAY_DEFAULT_LOWER, written out again). */
const RELAY_SPEC_DEFAULT_LOWER = 'exact-strict:4';
/** macvtap-libvirt stands on a kernel NIC (src/relay/families.ts MACVTAP_DEFAULT_LOWER, written out again). */
const RELAY_SPEC_DEFAULT_LOWER_OF: Readonly<Record<string, string>> = { 'macvtap-libvirt': 'ldd3-ff:4' };

/** The spec for a full profile name ("tun", "ldd3-ff:4"); throws InputError naming it. */
export function resolveSpec(name: string): FilterSpec {
  if (typeof name !== 'string') throw new InputError('', `profile name must be a string, got ${JSON.stringify(name)}`);
  const plus = name.indexOf('+');
  const kind = plus < 0 ? name : name.slice(0, plus);
  if ((RELAY_SPEC_KINDS as readonly string[]).includes(kind)) {
    const lower = resolveSpec(plus < 0 ? (RELAY_SPEC_DEFAULT_LOWER_OF[kind] ?? RELAY_SPEC_DEFAULT_LOWER) : name.slice(plus + 1));
    if (lower.name.includes('+')) throw new InputError(name, `a relay stacks on a physical profile, not on ${lower.name}`);
    return relaySpec(kind, lower);
  }
  const colon = name.indexOf(':');
  const base = colon < 0 ? name : name.slice(0, colon);
  const family = specFamilies().find((f) => f.base === base);
  if (!family) {
    throw new InputError(name, `no oracle spec for NIC profile ${JSON.stringify(name)}; known: ${oracleProfileNames().join(', ')}`);
  }
  if (!family.parameter) {
    if (colon >= 0) throw new InputError(name, `profile ${base} takes no parameter`);
    return family.spec();
  }
  const text = colon < 0 ? '' : name.slice(colon + 1);
  const n = DECIMAL.test(text) ? Number(text) : Number.NaN;
  const { min, max } = family.parameter;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(name, `profile ${base}:N needs N from ${min} to ${max}, got ${JSON.stringify(text)}`);
  }
  return family.spec(n);
}

export function hasOracleSpec(name: string): boolean {
  try {
    resolveSpec(name);
    return true;
  } catch (e) {
    if (e instanceof InputError) return false;
    throw e;
  }
}

export type { Acceptance, FilterInput, FilterSpec, FilterSpecFamily, FrameVerdict } from './spec.ts';
export { classifyAcceptance, classifyAcceptanceAll } from './spec.ts';
