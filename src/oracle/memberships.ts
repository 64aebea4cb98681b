// The oracle's socket memberships, indexed: in join order, by socket (then interface and group)
// and by (interface, group), so that a join, a leave and the questions the rules ask
// ("does the socket hold this group here", "how many does it hold", "who holds the group on
// this interface") cost O(1) each instead of a scan of every membership (issue 14). The facts
// are the same as a plain list's; only the lookups are kept.
import type { SocketFamily } from '../scenario/types.ts';

export type FilterMode = 'include' | 'exclude';

export interface GroupRef {
  readonly family: SocketFamily;
  readonly group: bigint;
  /** groupKey's answer, computed once when the reference is made by groupRef (a bigint printed per lookup was most of a join). */
  readonly key?: string;
}

/** One socket membership (ip_mc_socklist / ipv6_mc_socklist). */
export interface Membership extends GroupRef {
  readonly socket: string;
  readonly iface: string;
  mode: FilterMode;
  readonly sources: bigint[];
}

/** The key of a group in the maps below: family and value in hex (printing a bigint in decimal divides). */
const keyOf = (family: SocketFamily, group: bigint): string => `${family}:${group.toString(16)}`;

export const groupKey = (ref: GroupRef): string => ref.key ?? keyOf(ref.family, ref.group);

/** A group reference carrying its key. */
export function groupRef(family: SocketFamily, group: bigint): GroupRef {
  return { family, group, key: keyOf(family, group) };
}

/** One socket's memberships: in join order, and by interface then group key. */
interface SocketMemberships {
  readonly ordered: Set<Membership>;
  readonly byIface: Map<string, Map<string, Membership>>;
}

/** The holders of one group on one interface in join order: one membership alone (the usual case), or several. */
type Holders = Membership | Membership[];

export class MembershipTable {
  /** Every membership in join order (a Set keeps insertion order and deletes in O(1)). */
  private readonly all = new Set<Membership>();
  private readonly bySocket = new Map<string, SocketMemberships>();
  /** Interface, then group key: who holds the group there. */
  private readonly byHolder = new Map<string, Map<string, Holders>>();

  add(m: Membership): void {
    this.all.add(m);
    const key = groupKey(m);
    let mine = this.bySocket.get(m.socket);
    if (!mine) {
      mine = { ordered: new Set(), byIface: new Map() };
      this.bySocket.set(m.socket, mine);
    }
    mine.ordered.add(m);
    inner(mine.byIface, m.iface).set(key, m);
    const groups = inner(this.byHolder, m.iface);
    const held = groups.get(key);
    groups.set(key, held === undefined ? m : Array.isArray(held) ? [...held, m] : [held, m]);
  }

  remove(m: Membership): void {
    if (!this.all.delete(m)) return;
    const key = groupKey(m);
    const mine = this.bySocket.get(m.socket);
    if (mine) {
      mine.ordered.delete(m);
      const pairs = mine.byIface.get(m.iface);
      pairs?.delete(key);
      if (pairs?.size === 0) mine.byIface.delete(m.iface);
      if (mine.ordered.size === 0) this.bySocket.delete(m.socket);
    }
    const groups = this.byHolder.get(m.iface);
    const held = groups?.get(key);
    if (!groups || held === undefined) return;
    const rest = Array.isArray(held) ? held.filter((h) => h !== m) : held === m ? [] : [held];
    if (rest.length === 0) groups.delete(key);
    else groups.set(key, rest.length === 1 ? (rest[0] as Membership) : rest);
    if (groups.size === 0) this.byHolder.delete(m.iface);
  }

  /** The socket's membership of the group on the interface. */
  find(socket: string, ref: GroupRef, iface: string): Membership | undefined {
    return this.bySocket.get(socket)?.byIface.get(iface)?.get(groupKey(ref));
  }

  /** The socket's memberships in join order. */
  ofSocket(socket: string): Membership[] {
    return [...(this.bySocket.get(socket)?.ordered ?? [])];
  }

  /** How many memberships the socket holds, on every interface. */
  countOf(socket: string): number {
    return this.bySocket.get(socket)?.ordered.size ?? 0;
  }

  /** The memberships of the group on the interface, in join order. */
  holders(iface: string, ref: GroupRef): Membership[] {
    const held = this.byHolder.get(iface)?.get(groupKey(ref));
    return held === undefined ? [] : Array.isArray(held) ? [...held] : [held];
  }

  /** How many memberships hold the group on the interface, and how many of them in EXCLUDE mode, without a list. */
  holderCounts(iface: string, ref: GroupRef): { all: number; exclude: number } {
    const held = this.byHolder.get(iface)?.get(groupKey(ref));
    if (held === undefined) return NO_HOLDERS;
    if (!Array.isArray(held)) return held.mode === 'exclude' ? ONE_EXCLUDE : ONE_INCLUDE;
    return { all: held.length, exclude: held.filter((h) => h.mode === 'exclude').length };
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

const NO_HOLDERS = { all: 0, exclude: 0 } as const;
const ONE_EXCLUDE = { all: 1, exclude: 1 } as const;
const ONE_INCLUDE = { all: 1, exclude: 0 } as const;

function inner<K, K2, V>(map: Map<K, Map<K2, V>>, key: K): Map<K2, V> {
  let m = map.get(key);
  if (!m) {
    m = new Map();
    map.set(key, m);
  }
  return m;
}
