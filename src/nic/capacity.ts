// The analytic shape of a profile's multicast filter, declared by the profile's own file next to
// its thresholds: the expected false-positive rate as the joined groups grow, and where the
// driver switches to all-multicast or refuses. `mcast-testbench report` (src/report/capacity.ts)
// draws it against what the programmed filter really admits.

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

/** A hash of `buckets` buckets, all multicast above `limit` groups. */
export function hashThenAll(buckets: number, limit: number, structure: string): CapacityModel {
  return { fpRate: (n) => (n > limit ? 1 : hashFill(buckets, n)), allMulticastFrom: limit + 1, refusedFrom: null, structure };
}

/** A hash of `buckets` buckets that never goes all multicast by count. */
export function hashOnly(buckets: number, structure: string): CapacityModel {
  return { fpRate: (n) => hashFill(buckets, n), allMulticastFrom: null, refusedFrom: null, structure };
}

/** An exact table of `limit`, all multicast above it. */
export function exactThenAll(limit: number, structure: string): CapacityModel {
  return { fpRate: (n) => (n > limit ? 1 : 0), allMulticastFrom: limit + 1, refusedFrom: null, structure };
}

/** An exact table of `limit` that refuses a longer list (the previous one stays). */
export function exactRefusing(limit: number, structure: string): CapacityModel {
  return { fpRate: () => 0, allMulticastFrom: null, refusedFrom: limit + 1, structure };
}

/** No multicast filter at all: every multicast frame passes. */
export function alwaysAllMulticast(structure: string): CapacityModel {
  return { fpRate: () => 1, allMulticastFrom: 0, refusedFrom: null, structure };
}
