// Declarative filter specs: from what the driver was told (own MAC, flags, device list, and for
// refusing tables the list it last accepted) a spec states which frames the NIC must, may and
// must not accept. A spec never simulates registers; it names sets.
import { BROADCAST, isGroupMac, macOctets } from '../address.ts';
import { etherCrc, etherCrcLe } from '../crc.ts';

export type FrameVerdict = 'must' | 'may' | 'must-not';

/** What ndo_set_rx_mode has told the driver, as the oracle derives it. */
export interface FilterInput {
  readonly ownMac: string;
  readonly promisc: boolean;
  readonly allmulti: boolean;
  /** dev->mc in list order. */
  readonly deviceList: readonly string[];
  /**
   * The list the table holds: the device list, except for a refusing table (spec.refusesBeyond)
   * where it is the last device list short enough to be accepted ([] before any).
   */
  readonly programmed: readonly string[];
  /**
   * dev->uc (the MACs of the up macvlans above), given only to a spec with `unicastFilter`
   * (IFF_UNICAST_FLT); absent: none, or the device holds them by promiscuity instead.
   */
  readonly uc?: readonly string[];
}

/** The acceptance a spec declares. */
export interface Acceptance {
  /** Every frame is `must` (PROMISC, or a device without any filter). */
  readonly everything: boolean;
  /** Every multicast frame: `must` (ALLMULTI honoured), `may` (all-multicast fallback), or no rule. */
  readonly multicast: 'must' | 'may' | null;
  /** MACs the NIC must accept: own, broadcast, the programmed list. */
  readonly exact: readonly string[];
  /** Hash buckets set by hashed entries; a multicast frame in one of them is `may`. */
  readonly hashed: { readonly bucketOf: (mac: string) => number; readonly buckets: ReadonlySet<number> } | null;
  /** Every unicast frame `must` (a unicast table too small for dev->uc: unicast promiscuous); absent: no rule. */
  readonly unicast?: 'must' | null;
}

export interface FilterSpec {
  /** Full profile name, e.g. "ldd3-ff:4". */
  readonly name: string;
  /** The driver source or document the spec is written from. */
  readonly source: string;
  /** A refusing table: a device list longer than this is refused and the previous list stays. */
  readonly refusesBeyond: number | null;
  /**
   * The driver sets IFF_UNICAST_FLT: dev->uc reaches the spec as FilterInput.uc, and the device
   * is not made promiscuous for it (net/core/dev.c __dev_set_rx_mode). Absent: false.
   */
  readonly unicastFilter?: boolean;
  acceptance(input: FilterInput): Acceptance;
}

/** A spec family: one file; parameterised families take N after a colon ("exact-strict:N"). */
export type FilterSpecFamily =
  | { readonly base: string; readonly parameter: null; readonly spec: () => FilterSpec }
  | {
      readonly base: string;
      readonly parameter: { readonly min: number; readonly max: number };
      readonly spec: (n: number) => FilterSpec;
    };

/** Own MAC and broadcast: every Ethernet station filter passes them. */
export function station(input: FilterInput): string[] {
  return [input.ownMac, BROADCAST];
}

/** The exact MACs of an acceptance as a set, built once per acceptance (lists reach 64 Ki entries). */
const exactSets = new WeakMap<Acceptance, ReadonlySet<string>>();
function exactSet(acceptance: Acceptance): ReadonlySet<string> {
  let set = exactSets.get(acceptance);
  if (!set) exactSets.set(acceptance, (set = new Set(acceptance.exact)));
  return set;
}

export function classifyAcceptance(acceptance: Acceptance, mac: string): FrameVerdict {
  return classifyIn(acceptance, exactSet(acceptance), mac);
}

/**
 * classifyAcceptance over many MACs, the exact set looked up once. `canonical` gives a text's
 * canonical form: a text the exact set holds is canonical already and `must` as it is, so the
 * thousands of entries of a filled list are not read again.
 */
export function classifyAcceptanceAll(acceptance: Acceptance, macs: readonly string[], canonical: (text: string) => string = (t) => t): FrameVerdict[] {
  const exact = exactSet(acceptance);
  return macs.map((mac) => (exact.has(mac) ? 'must' : classifyIn(acceptance, exact, canonical(mac))));
}

/** Buckets by hash function: `check` classifies the same probe MACs after every step (the CRCs here are bit-serial). */
const BUCKETS = new WeakMap<(mac: string) => number, Map<string, number>>();

export function bucketIn(bucketOf: (mac: string) => number, mac: string): number {
  let known = BUCKETS.get(bucketOf);
  if (!known) BUCKETS.set(bucketOf, (known = new Map()));
  let bucket = known.get(mac);
  if (bucket === undefined) {
    bucket = bucketOf(mac);
    if (known.size >= 1 << 14) known.clear();
    known.set(mac, bucket);
  }
  return bucket;
}

function classifyIn(acceptance: Acceptance, exact: ReadonlySet<string>, mac: string): FrameVerdict {
  if (acceptance.everything || exact.has(mac)) return 'must';
  if (!isGroupMac(mac)) return acceptance.unicast ?? 'must-not';
  if (acceptance.multicast) return acceptance.multicast;
  if (acceptance.hashed && acceptance.hashed.buckets.has(bucketIn(acceptance.hashed.bucketOf, mac))) return 'may';
  return 'must-not';
}

/**
 * The common shape of a hash filter (8139too, r8169, tulip MC_HASH_ONLY, e100, hash64): the
 * station and the device list exact, the device list's buckets hashed, PROMISC everything,
 * ALLMULTI every multicast (`must`), and — where the driver has a count limit — all multicast
 * (`may`) once the device list holds more than `limit` entries.
 */
export function hashFilterAcceptance(bucketOf: (mac: string) => number, limit: number | null) {
  return (input: FilterInput): Acceptance => ({
    everything: input.promisc,
    multicast: input.allmulti ? 'must' : limit !== null && input.deviceList.length > limit ? 'may' : null,
    exact: [...station(input), ...input.deviceList],
    hashed: { bucketOf, buckets: new Set(input.deviceList.map((m) => bucketIn(bucketOf, m))) },
  });
}

/**
 * A refusing exact table (DPDK exact-strict, mlx5, iavf VF): only the last list that fit (the
 * programmed list) is exact; PROMISC and ALLMULTI are separate calls that always take effect.
 */
export function refusingTableAcceptance(input: FilterInput): Acceptance {
  return {
    everything: input.promisc,
    multicast: input.allmulti ? 'must' : null,
    exact: [...station(input), ...input.programmed],
    hashed: null,
  };
}

/**
 * A bucket function from a CRC over the MAC's six octets, for a spec's hash: `bits` bits starting
 * at bit `from` (0 = least significant). 8139too's 64 buckets are crcBucket('ether_crc', 26, 6);
 * a 512-bucket hash at ether_crc >> 23 is crcBucket('ether_crc', 23, 9); tulip's
 * ether_crc_le & 0x1ff is crcBucket('ether_crc_le', 0, 9). Computed with the oracle's own CRC.
 */
export function crcBucket(crc: 'ether_crc' | 'ether_crc_le', from: number, bits: number): (mac: string) => number {
  if (!Number.isInteger(from) || !Number.isInteger(bits) || from < 0 || bits < 1 || from + bits > 32) {
    throw new RangeError(`crcBucket: bits ${from}..${from + bits - 1} are not within a 32-bit CRC`);
  }
  const mask = bits === 32 ? 0xffffffff : (1 << bits) - 1;
  const of = crc === 'ether_crc' ? etherCrc : etherCrcLe;
  return (mac) => ((of(macOctets(mac, 'mac')) >>> from) & mask) >>> 0;
}

/**
 * The common chip shape: an exact table, then a hash, then all multicast above `allmultiAbove`
 * groups (null: never by count). The exact table lies inside the hash's "may" (every listed group
 * is a must, and its bucket is set anyway), so only the hash and the switch are visible to the
 * oracle; `exact` is taken for documentation and must be at most allmultiAbove.
 */
export function exactHashAllAcceptance(o: { readonly exact: number; readonly bucketOf: (mac: string) => number; readonly allmultiAbove: number | null }) {
  if (o.allmultiAbove !== null && o.exact > o.allmultiAbove) throw new RangeError(`exactHashAllAcceptance: an exact table of ${o.exact} above an all-multicast switch at ${o.allmultiAbove}`);
  return hashFilterAcceptance(o.bucketOf, o.allmultiAbove);
}
