// What the oracle keeps per interface and per socket: only the facts steps establish, with the
// records and references derived from them kept per holder change (./device-lists.ts), and the
// small rules shared by the device-list and delivery parts.
import type { Errno } from '../errors.ts';
import type { DeviceListEntry, SocketFamily } from '../scenario/types.ts';
import { ipv6MulticastScope } from './address.ts';
import type { Acceptance, FilterSpec, FrameVerdict } from './filters/index.ts';
import { IPV6_SCOPE_LINK_LOCAL } from './limits.ts';
import { IPV4_ALL_HOSTS, IPV6_ALL_NODES, ipv4GroupMac, ipv6GroupMac } from './mapping.ts';
import type { FilterMode, GroupRef } from './memberships.ts';
import type { OracleForwarding } from './route/types.ts';
import type { SourceTables } from './source-tables.ts';
import type { OwedBurst } from './kni-burst.ts';

export interface OracleStepResult {
  readonly error: Errno | null;
  /** send/frame: the NIC's expected decision for the frame. */
  readonly verdict?: FrameVerdict;
  /** send/frame: the sockets that receive the datagram if the NIC accepts it, sorted ([] for frames). */
  readonly sockets?: string[];
  /** Once a route step ran: what multicast routing does with the datagram if the NIC accepts it (./route). */
  readonly routed?: OracleForwarding;
  /** mrt-get: the option's value. */
  readonly value?: number;
  /** mfc-add: the queued datagrams it resolves, in replay order. */
  readonly replayed?: readonly OracleForwarding[];
  /** send with `burst` on a KNI interface: what the burst owes (./kni-burst.ts). */
  readonly burst?: OwedBurst;
}

export interface OpenSocket {
  readonly id: string;
  readonly family: SocketFamily;
  readonly bind: bigint;
  readonly port: number;
  /** false when bind() failed: the descriptor stays open, unbound, and receives nothing. */
  readonly bound: boolean;
}

export interface InterfaceFacts {
  readonly name: string;
  readonly ownMac: string;
  readonly spec: FilterSpec;
  /** net.ipv6.conf.<if>.disable_ipv6 = 1. */
  readonly disableIpv6: boolean;
  /** The interface's IPv4 addresses (values), for the local-source check. */
  readonly ipv4: readonly bigint[];
  /** Its configured IPv6 addresses (values). */
  readonly declaredIpv6: readonly bigint[];
  /** Those it holds now: a macvlan's `link down` deletes them all. */
  ipv6: readonly bigint[];
  /** Automatic groups (EXCLUDE, no sources), one per kernel join: solicited-node may repeat. */
  readonly kernelGroups: GroupRef[];
  /** MACs added with dev_mc_add_global (global_use set). */
  readonly globalMacs: Set<string>;
  promisc: boolean;
  allmulti: boolean;
  /** When each present device-list entry was (last) created. */
  readonly created: Map<string, number>;
  /** `created`'s keys in order, made once per refresh (the only writer of `created`); never mutated. */
  ordered: readonly string[] | null;
  /** deviceList's entries, made once per refresh (which drops it); never mutated. */
  listing: readonly DeviceListEntry[] | null;
  /** The list a refusing table holds (the last one it accepted); null: the device list itself. */
  programmed: readonly string[] | null;
  /**
   * Group records (kernel joins + memberships) with their users, kept per holder change: the
   * derivation of "users" from the holders, done once per join or leave instead of per question.
   */
  readonly records: Map<string, { readonly ref: GroupRef; users: number; readonly mac: string | null }>;
  /** This interface's own references per MAC (loaded records + global adds), kept the same way. */
  readonly macRefs: Map<string, number>;
  /** MACs whose references went to or from zero since the last refresh. */
  readonly dirty: Set<string>;
  /** The spec's acceptance for the current flags and lists; dropped on every change of them. */
  acceptance: Acceptance | null;
  /** A macvlan's lower interface (drivers/net/macvlan.c); null for a plain interface. */
  readonly lower: string | null;
  /** Plain interfaces are always up; a macvlan goes down and up with `link`. */
  up: boolean;
  /**
   * Group records that a `link down` unloaded from the device list (net/ipv4/igmp.c ip_mc_down,
   * net/ipv6/mcast.c ipv6_mc_down): they hold no reference until the next `link up`. A record
   * created while down is loaded at once (igmp_group_added does not look at IFF_UP).
   */
  readonly unloaded: Set<string>;
  /** The interface-level source counts of its groups and their delete records (./source-tables.ts). */
  readonly sources: SourceTables;
}

export const sameGroup = (a: GroupRef, b: GroupRef): boolean => a.family === b.family && a.group === b.group;

/** A group record's device-list MAC, or null for IPv6 scopes below link-local (igmp6_group_added). */
export function groupMac(ref: GroupRef): string | null {
  if (ref.family === 'ipv4') return ipv4GroupMac(ref.group);
  return ipv6MulticastScope(ref.group) < IPV6_SCOPE_LINK_LOCAL ? null : ipv6GroupMac(ref.group);
}

/** Groups whose drop leaves a delete record: not 224.0.0.1, not ff02::1, no IPv6 scope below 2. */
export function reportable(ref: GroupRef): boolean {
  if (ref.family === 'ipv4') return ref.group !== IPV4_ALL_HOSTS;
  return ref.group !== IPV6_ALL_NODES && ipv6MulticastScope(ref.group) >= IPV6_SCOPE_LINK_LOCAL;
}

/** The filter of one membership record admits `source` (ip_mc_sf_allow / inet6_mc_check). */
export function admits(record: { mode: FilterMode; sources: readonly bigint[] }, source: bigint): boolean {
  const listed = record.sources.includes(source);
  return record.mode === 'include' ? listed : !listed;
}
