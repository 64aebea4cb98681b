// Filter capacity: how many non-joined multicast frames a profile admits (its false-positive
// rate) as the number of joined groups grows, analytically from the driver's structure and
// measured on the profile itself. Pure: no I/O; randomness from a seeded generator.
import { NO_FAULTS } from '../faults.ts';
import type { CapacityModel } from '../nic/capacity.ts';
import type { NicProfile } from '../nic/filter.ts';
import { isCatalogProfile, isProfileName, resolveProfile } from '../profiles/registry.ts';
import { type Mac, macFromBytes } from '../wire/mac.ts';

export { type CapacityModel, hashFill } from '../nic/capacity.ts';

/**
 * The analytic model of a profile's filter, as its own file declares it (NicProfile.capacity,
 * from the constants of its driver source); null: none (accept-all, ldd3-nf, relays, unknown names).
 */
export function capacityModel(name: string): CapacityModel | null {
  return isProfileName(name) ? (resolveProfile(name).capacity ?? null) : null;
}

/** Whether `report` draws this profile by default: the catalog's (modelled on real drivers) with a capacity model. */
export function isCatalogCapacityProfile(name: string): boolean {
  return isCatalogProfile(name) && capacityModel(name) !== null;
}

/** mulberry32: a small seeded generator, so a report is reproducible. */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random IPv4-mapped group MAC: 01:00:5e and 23 random bits (ip_eth_mc_map). */
function randomGroupMac(rand: () => number): Mac {
  const v = Math.floor(rand() * 0x800000);
  return macFromBytes([0x01, 0x00, 0x5e, (v >> 16) & 0x7f, (v >> 8) & 0xff, v & 0xff]);
}

function distinctGroups(rand: () => number, n: number, avoid: ReadonlySet<Mac> = new Set()): Mac[] {
  const out = new Set<Mac>();
  while (out.size < n) {
    const m = randomGroupMac(rand);
    if (!avoid.has(m)) out.add(m);
  }
  return [...out];
}

export interface CapacityPoint {
  readonly groups: number;
  /** The analytic rate, or null for a profile without a model. */
  readonly analytic: number | null;
  /** Share of the probes the programmed profile admitted. */
  readonly measured: number;
  /** What the NIC did with the list: 'filter', 'all-multicast', or 'refused' (old list kept). */
  readonly mode: 'filter' | 'all-multicast' | 'refused';
}

export interface CapacityCurve {
  readonly profile: string;
  readonly source: string;
  readonly model: CapacityModel | null;
  readonly points: readonly CapacityPoint[];
}

/** 1 to 4096 on a log grid (powers of sqrt 2, rounded), plus a profile's switch points. */
export function groupGrid(extra: readonly number[] = [], max = 4096): number[] {
  const grid = new Set<number>();
  for (let k = 0; ; k++) {
    const n = Math.round(Math.SQRT2 ** k);
    if (n > max) break;
    grid.add(n);
  }
  for (const n of extra) if (n >= 1 && n <= max) grid.add(n);
  return [...grid].sort((a, b) => a - b);
}

export interface MeasureOptions {
  /** Probe frames per point (non-joined multicast MACs). */
  readonly probes: number;
  readonly seed: number;
  readonly maxGroups?: number;
}

const OWN_MAC = macFromBytes([0x52, 0x54, 0x00, 0x00, 0x00, 0x01]);

/** Programs n random groups into a fresh filter for each n of the grid and counts admitted probes. */
export function measureCapacity(profile: NicProfile, options: MeasureOptions): CapacityCurve {
  const model = capacityModel(profile.name);
  const switches = model ? [model.allMulticastFrom, model.refusedFrom].filter((n): n is number => n !== null).flatMap((n) => [n - 1, n]) : [];
  const rand = seededRandom(options.seed);
  const points: CapacityPoint[] = [];
  for (const n of groupGrid(switches, options.maxGroups)) {
    const groups = distinctGroups(rand, n);
    const filter = profile.create(OWN_MAC, NO_FAULTS);
    const result = filter.program({ promisc: false, allmulti: false, mc: groups });
    const probes = distinctGroups(rand, options.probes, new Set(groups));
    const admitted = probes.filter((m) => filter.accept(m)).length;
    const measured = admitted / probes.length;
    const switched = model !== null && model.allMulticastFrom !== null && n >= model.allMulticastFrom;
    const mode = !result.ok ? 'refused' : switched ? 'all-multicast' : 'filter';
    points.push({ groups: n, analytic: model ? model.fpRate(n) : null, measured, mode });
  }
  return { profile: profile.name, source: profile.source, model, points };
}
