// Profile name -> oracle filter spec. Adding a spec: one file exporting a FilterSpecFamily and
// one line in BUILTIN_SPEC_FAMILIES.
import { InputError } from '../../errors.ts';
import { acceptAllSpec } from './accept-all.ts';
import { allmultiOnlySpec } from './allmulti-only.ts';
import { exactStrictSpec } from './exact-strict.ts';
import { hash64Spec } from './hash64.ts';
import { ldd3FfSpec } from './ldd3-ff.ts';
import { ldd3NfSpec } from './ldd3-nf.ts';
import { dpdkVfSpec } from './dpdk-vf.ts';
import { e100Spec } from './e100.ts';
import { e1000Spec } from './e1000.ts';
import { ixgbeSpec } from './ixgbe.ts';
import { mlx5DpdkSpec } from './mlx5-dpdk.ts';
import { r8169Spec } from './r8169.ts';
import { r8169Ver35Spec } from './r8169-ver35.ts';
import { rtl8139Spec } from './rtl8139.ts';
import { tulipSpec } from './tulip.ts';
import { tulipCometSpec } from './tulip-comet.ts';
import { tulipHashOnlySpec } from './tulip-hash-only.ts';
import { virtioQemuSpec } from './virtio-qemu.ts';
import { RELAY_SPEC_KINDS, relaySpec } from './relay.ts';
import type { FilterSpec, FilterSpecFamily } from './spec.ts';
import { tunSpec } from './tun.ts';

const BUILTIN_SPEC_FAMILIES: readonly FilterSpecFamily[] = [
  acceptAllSpec,
  ldd3NfSpec,
  allmultiOnlySpec,
  ldd3FfSpec,
  exactStrictSpec,
  hash64Spec,
  tunSpec,
  // Catalog specs (NIC profiles modelled on real drivers, docs/profiles.md).
  rtl8139Spec,
  r8169Spec,
  r8169Ver35Spec,
  tulipSpec,
  tulipHashOnlySpec,
  tulipCometSpec,
  e1000Spec,
  ixgbeSpec,
  e100Spec,
  virtioQemuSpec,
  mlx5DpdkSpec,
  dpdkVfSpec,
];

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

const DECIMAL = /^(0|[1-9][0-9]*)$/;

/** "tun" for a fixed spec, "ldd3-ff:N" for a parameterised one. */
export function oracleProfileNames(): string[] {
  return [...specFamilies().map((f) => (f.parameter ? `${f.base}:N` : f.base)), ...RELAY_SPEC_KINDS.map((k) => `${k}+LOWER`)];
}

/** The lower profile a bare relay name stands on (src/relay/families.ts RELAY_DEFAULT_LOWER, written out again). */
const RELAY_SPEC_DEFAULT_LOWER = 'exact-strict:4';

/** The spec for a full profile name ("tun", "ldd3-ff:4"); throws InputError naming it. */
export function resolveSpec(name: string): FilterSpec {
  if (typeof name !== 'string') throw new InputError('', `profile name must be a string, got ${JSON.stringify(name)}`);
  const plus = name.indexOf('+');
  const kind = plus < 0 ? name : name.slice(0, plus);
  if ((RELAY_SPEC_KINDS as readonly string[]).includes(kind)) {
    const lower = resolveSpec(plus < 0 ? RELAY_SPEC_DEFAULT_LOWER : name.slice(plus + 1));
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
export { classifyAcceptance } from './spec.ts';
