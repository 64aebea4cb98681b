// Filter capacity: how many non-joined multicast frames a profile admits (its false-positive
// rate) as the number of joined groups grows, analytically from the driver's structure and
// measured on the profile itself. Pure: no I/O; randomness from a seeded generator.
import { NO_FAULTS } from '../faults.ts';
import { E1000_RAR_ENTRIES } from '../nic/catalog/e1000.ts';
import { E100_MAX_MULTICAST_ADDRS } from '../nic/catalog/e100.ts';
import { MLX5_MC_LIST_CAPACITY } from '../nic/catalog/mlx5-dpdk.ts';
import { R8169_MC_FILTER_LIMIT } from '../nic/catalog/r8169.ts';
import { RTL8139_MULTICAST_FILTER_LIMIT } from '../nic/catalog/rtl8139.ts';
import { TULIP_ALLMULTI_LIMIT, TULIP_HASH_BITS, TULIP_PERFECT_LIMIT } from '../nic/catalog/tulip.ts';
import { TULIP_HASH_ONLY_LIMIT } from '../nic/catalog/tulip-hash-only.ts';
import { MAC_TABLE_ENTRIES } from '../nic/catalog/virtio-qemu.ts';
import type { NicProfile } from '../nic/filter.ts';
import { type Mac, macFromBytes } from '../wire/mac.ts';

/** The analytic shape of a profile's multicast filter. */
export interface CapacityModel {
  /** Expected share of random non-joined multicast MACs admitted with n joined groups. */
  readonly fpRate: (n: number) => number;
  /** Smallest n at which the driver switches to all-multicast by count; null: never. */
  readonly allMulticastFrom: number | null;
  /** Smallest n whose list the NIC refuses (the previous list stays); null: never. */
  readonly refusedFrom: number | null;
  /** One line: the structure the curve comes from. */
  readonly structure: string;
}

/** Share of B buckets set by n random groups (plus `preset` buckets always set). */
export function hashFill(buckets: number, n: number, preset = 0): number {
  return 1 - (1 - 1 / buckets) ** (n + preset);
}

const MTA_BITS = 4096;
const HASH64 = 64;

function hashThenAll(buckets: number, limit: number, structure: string): CapacityModel {
  return { fpRate: (n) => (n > limit ? 1 : hashFill(buckets, n)), allMulticastFrom: limit + 1, refusedFrom: null, structure };
}
function exactThenAll(limit: number, structure: string): CapacityModel {
  return { fpRate: (n) => (n > limit ? 1 : 0), allMulticastFrom: limit + 1, refusedFrom: null, structure };
}
function exactRefusing(limit: number, structure: string): CapacityModel {
  return { fpRate: () => 0, allMulticastFrom: null, refusedFrom: limit + 1, structure };
}

/** tun: own MAC and broadcast take 2 of the 8 exact slots (src/nic/tun.ts programs them first). */
const TUN_EXACT_GROUPS = 8 - 2;

/**
 * Analytic models of the teaching profiles (src/nic/*.ts); `report` draws them when named, its
 * default is the catalog. null for profiles with no multicast filter to fill (accept-all, ldd3-nf).
 */
function teachingCapacityModel(name: string): CapacityModel | null {
  switch (name) {
    case 'allmulti-only':
      return { fpRate: (n) => (n > 0 ? 1 : 0), allMulticastFrom: 1, refusedFrom: null, structure: 'no table: all multicast as soon as one group is joined' };
    case 'hash64':
      return { fpRate: (n) => hashFill(HASH64, n), allMulticastFrom: null, refusedFrom: null, structure: '64-bucket hash, never all multicast by count' };
    case 'tun':
      return {
        fpRate: (n) => (n > TUN_EXACT_GROUPS ? hashFill(HASH64, n - TUN_EXACT_GROUPS) : 0),
        allMulticastFrom: null,
        refusedFrom: null,
        structure: '8 exact slots (own MAC, broadcast, 6 groups), then 64-bucket hash',
      };
    default:
      break;
  }
  const ff = /^ldd3-ff:([0-9]+)$/.exec(name);
  if (ff) return exactThenAll(Number(ff[1]), `exact table of ${ff[1]}, all multicast above ${ff[1]}`);
  const strict = /^exact-strict:([0-9]+)$/.exec(name);
  if (strict) return exactRefusing(Number(strict[1]), `exact table of ${strict[1]}, longer lists refused`);
  return null;
}

/** Whether `report` draws this profile by default: the catalog's, modelled on real drivers. */
export function isCatalogCapacityProfile(name: string): boolean {
  return catalogCapacityModel(name) !== null;
}

/** The analytic model of a profile's filter, from the constants of its source; null: none. */
export function capacityModel(name: string): CapacityModel | null {
  return catalogCapacityModel(name) ?? teachingCapacityModel(name);
}

/** Analytic models of the catalog profiles, from the constants of their driver sources. */
function catalogCapacityModel(name: string): CapacityModel | null {
  const exactRars = E1000_RAR_ENTRIES - 1;
  switch (name) {
    case 'rtl8139':
      return hashThenAll(HASH64, RTL8139_MULTICAST_FILTER_LIMIT, '64-bucket hash, all multicast above 32');
    case 'r8169':
      return hashThenAll(HASH64, R8169_MC_FILTER_LIMIT, '64-bucket hash, all multicast above 32');
    case 'r8169-ver35':
      return { fpRate: () => 1, allMulticastFrom: 0, refusedFrom: null, structure: 'no multicast filter: always all multicast' };
    case 'tulip':
      return {
        // The hash table always has bit 255 (broadcast) set: one preset bucket.
        fpRate: (n) => (n > TULIP_ALLMULTI_LIMIT ? 1 : n > TULIP_PERFECT_LIMIT ? hashFill(TULIP_HASH_BITS, n, 1) : 0),
        allMulticastFrom: TULIP_ALLMULTI_LIMIT + 1,
        refusedFrom: null,
        structure: '14 perfect entries, then 512-bucket hash, all multicast above 1000',
      };
    case 'tulip-hash-only':
    case 'tulip-comet':
      return hashThenAll(HASH64, TULIP_HASH_ONLY_LIMIT, '64-bucket hash, all multicast above 64');
    case 'e100':
      return hashThenAll(HASH64, E100_MAX_MULTICAST_ADDRS, '64-bucket hash, all multicast above 64');
    case 'ixgbe':
      return { fpRate: (n) => hashFill(MTA_BITS, n), allMulticastFrom: null, refusedFrom: null, structure: '4096-bit MTA hash, never all multicast by count' };
    case 'virtio-qemu':
      return exactThenAll(MAC_TABLE_ENTRIES, '64-entry exact table, all multicast above 64');
    case 'mlx5-dpdk':
      return exactRefusing(MLX5_MC_LIST_CAPACITY, 'exact table of 127, longer lists refused');
    default:
      break;
  }
  const e1000 = /^e1000:([0-3])$/.exec(name);
  if (e1000) {
    return {
      fpRate: (n) => (n > exactRars ? hashFill(MTA_BITS, n - exactRars) : 0),
      allMulticastFrom: null,
      refusedFrom: null,
      structure: '14 exact RARs, then 4096-bit MTA hash, never all multicast by count',
    };
  }
  const vf = /^dpdk-vf:([0-9]+)$/.exec(name);
  if (vf) {
    const n = Number(vf[1]);
    return exactRefusing(n, `exact VF table of ${n}, longer lists refused`);
  }
  return null;
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
