// The oracle's socket memberships, indexed: in join order, by (socket, interface, group), by
// socket and by (interface, group), so that a join, a leave and the questions the rules ask
// ("does the socket hold this group here", "how many does it hold", "who holds the group on
// this interface") cost O(1) each instead of a scan of every membership (issue 14). The facts
// are the same as a plain list's; only the lookups are kept.
import type { SocketFamily } from '../scenario/types.ts';

export type FilterMode = 'include' | 'exclude';

export interface GroupRef {
  readonly family: SocketFamily;
  readonly group: bigint;
}

/** One socket membership (ip_mc_socklist / ipv6_mc_socklist). */
export interface Membership extends GroupRef {
  readonly socket: string;
  readonly iface: string;
  mode: FilterMode;
  readonly sources: bigint[];
}

export const groupKey = (ref: GroupRef): string => `${ref.family}:${ref.group}`;

const membershipKey = (socket: string, iface: string, ref: GroupRef): string => `${socket}\u0000${iface}\u0000${groupKey(ref)}`;
const holderKey = (iface: string, ref: GroupRef): string => `${iface}\u0000${groupKey(ref)}`;

export class MembershipTable {
  /** Every membership in join order (a Set keeps insertion order and deletes in O(1)). */
  private readonly all = new Set<Membership>();
  private readonly byKey = new Map<string, Membership>();
  private readonly bySocket = new Map<string, Set<Membership>>();
  private readonly byHolder = new Map<string, Set<Membership>>();

  add(m: Membership): void {
    this.all.add(m);
    this.byKey.set(membershipKey(m.socket, m.iface, m), m);
    bucket(this.bySocket, m.socket).add(m);
    bucket(this.byHolder, holderKey(m.iface, m)).add(m);
  }

  remove(m: Membership): void {
    if (!this.all.delete(m)) return;
    this.byKey.delete(membershipKey(m.socket, m.iface, m));
    unbucket(this.bySocket, m.socket, m);
    unbucket(this.byHolder, holderKey(m.iface, m), m);
  }

  /** The socket's membership of the group on the interface. */
  find(socket: string, ref: GroupRef, iface: string): Membership | undefined {
    return this.byKey.get(membershipKey(socket, iface, ref));
  }

  /** The socket's memberships in join order. */
  ofSocket(socket: string): Membership[] {
    return [...(this.bySocket.get(socket) ?? [])];
  }

  /** How many memberships the socket holds, on every interface. */
  countOf(socket: string): number {
    return this.bySocket.get(socket)?.size ?? 0;
  }

  /** The memberships of the group on the interface, in join order. */
  holders(iface: string, ref: GroupRef): Membership[] {
    return [...(this.byHolder.get(holderKey(iface, ref)) ?? [])];
  }

  /** Every membership on the interface, in join order (O(all): only for rare rebuilds). */
  onInterface(iface: string): Membership[] {
    return [...this.all].filter((m) => m.iface === iface);
  }

  /** Every membership in join order, newest last. */
  inJoinOrder(): Membership[] {
    return [...this.all];
  }
}

function bucket<K, V>(map: Map<K, Set<V>>, key: K): Set<V> {
  let set = map.get(key);
  if (!set) {
    set = new Set();
    map.set(key, set);
  }
  return set;
}

function unbucket<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key);
  if (!set) return;
  set.delete(value);
  if (set.size === 0) map.delete(key);
}
