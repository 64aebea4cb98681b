// Declarative filter specs: from what the driver was told (own MAC, flags, device list, and for
// refusing tables the list it last accepted) a spec states which frames the NIC must, may and
// must not accept. A spec never simulates registers; it names sets.
import { BROADCAST, isGroupMac } from '../address.ts';

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
}

export interface FilterSpec {
  /** Full profile name, e.g. "ldd3-ff:4". */
  readonly name: string;
  /** The driver source or document the spec is written from. */
  readonly source: string;
  /** A refusing table: a device list longer than this is refused and the previous list stays. */
  readonly refusesBeyond: number | null;
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

export function classifyAcceptance(acceptance: Acceptance, mac: string): FrameVerdict {
  if (acceptance.everything || acceptance.exact.includes(mac)) return 'must';
  if (!isGroupMac(mac)) return 'must-not';
  if (acceptance.multicast) return acceptance.multicast;
  if (acceptance.hashed && acceptance.hashed.buckets.has(acceptance.hashed.bucketOf(mac))) return 'may';
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
    hashed: { bucketOf, buckets: new Set(input.deviceList.map(bucketOf)) },
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
