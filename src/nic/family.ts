// A profile family: one profile file describes its name pattern and builds the profile,
// optionally from one integer parameter ("ldd3-ff:4"). The registry lists the families.
import { InputError } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import type { Mac } from '../wire/mac.ts';
import type { CapacityModel } from './capacity.ts';
import type { NicFilter, NicProfile } from './filter.ts';

/** The integer parameter of a parameterised family ("ldd3-ff:N"). */
export interface ProfileParameter {
  /** What N is, as `mcast-testbench profiles` shows it, e.g. "exact table entries". */
  readonly meaning: string;
  readonly min: number;
  readonly max: number;
  /** The value `check` runs by default (builtinProfiles). */
  readonly default: number;
}

interface FamilyInfo {
  /** The name before the colon, e.g. "ldd3-ff"; the whole name for a fixed profile. */
  readonly base: string;
  readonly source: string;
  readonly summary: string;
}

/** The thresholds of NicProfile, declared by the profile's file. */
interface ThresholdInfo {
  readonly thresholds: readonly number[];
  readonly sharesUnicast?: boolean;
}

export interface FixedFamily extends FamilyInfo {
  readonly parameter?: undefined;
  readonly profile: () => NicProfile;
}

export interface ParameterisedFamily extends FamilyInfo {
  readonly parameter: ProfileParameter;
  readonly profile: (n: number) => NicProfile;
}

/**
 * A virtual device over a physical profile, named "base+LOWER" ("kni-mc+mlx5-dpdk"); the bare
 * base means base+defaultLower. `inDefaultCheck` false: the device loses groups by design (the
 * broken exception paths), so `check` names it only when asked.
 */
export interface StackedFamily extends FamilyInfo {
  readonly parameter?: undefined;
  /** The releases of the software this kind is (DPDK's KNI, src/relay/families.ts). */
  readonly releases?: string;
  readonly stacked: { readonly defaultLower: string; readonly inDefaultCheck: boolean };
  readonly over: (lower: NicProfile) => NicProfile;
}

export type ProfileFamily = FixedFamily | ParameterisedFamily | StackedFamily;

/** A profile without parameter: its name is `base`. */
export function fixedFamily(info: ThresholdInfo & {
  base: string;
  source: string;
  summary: string;
  /** The analytic capacity `report` draws (src/nic/capacity.ts); absent: none. */
  capacity?: CapacityModel;
  create: (ownMac: Mac, faults: FaultSet) => NicFilter;
}): FixedFamily {
  const { base, source, summary, create, thresholds, capacity } = info;
  const sharesUnicast = info.sharesUnicast ?? false;
  return { base, source, summary, profile: () => ({ name: base, source, summary, thresholds, sharesUnicast, ...(capacity ? { capacity } : {}), create }) };
}

/** A profile family "base:N"; `summary(n)` reads "... N ..." for the family when n is 'N'. */
export function parameterisedFamily(info: {
  base: string;
  source: string;
  summary: (n: number | 'N') => string;
  parameter: ProfileParameter;
  /** The thresholds of the profile with parameter n. */
  thresholds: (n: number) => readonly number[];
  sharesUnicast?: boolean;
  /** The analytic capacity of the profile with parameter n (src/nic/capacity.ts); absent: none. */
  capacity?: (n: number) => CapacityModel;
  /** A DPDK port (NicProfile.dpdk). */
  dpdk?: NicProfile['dpdk'];
  create: (n: number, ownMac: Mac, faults: FaultSet) => NicFilter;
}): ParameterisedFamily {
  const { base, source, summary, parameter, create, thresholds, capacity, dpdk } = info;
  const sharesUnicast = info.sharesUnicast ?? false;
  return {
    base,
    source,
    summary: summary('N'),
    parameter,
    profile: (n: number) => ({
      name: `${base}:${n}`,
      source,
      summary: summary(n),
      thresholds: thresholds(n),
      sharesUnicast,
      ...(capacity ? { capacity: capacity(n) } : {}),
      ...(dpdk ? { dpdk } : {}),
      create: (ownMac: Mac, faults: FaultSet) => create(n, ownMac, faults),
    }),
  };
}

/** "ldd3-ff:N" for a parameterised family, "tun" for a fixed one. */
export function familyPattern(family: ProfileFamily): string {
  if ('stacked' in family) return `${family.base}[+LOWER]`;
  return family.parameter ? `${family.base}:N` : family.base;
}

const DECIMAL_RE = /^(0|[1-9][0-9]*)$/;

/** Parses the text after the colon; throws InputError naming the whole profile name. */
export function parseParameter(family: ParameterisedFamily, name: string, text: string): number {
  const { min, max, meaning } = family.parameter;
  const n = DECIMAL_RE.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new InputError(
      name,
      `profile ${family.base}:N needs N (${meaning}) as a decimal integer from ${min} to ${max}, got ${JSON.stringify(text)}`,
    );
  }
  return n;
}
