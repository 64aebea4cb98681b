// UDP sockets and their multicast memberships: struct ip_mc_socklist (net/ipv4/igmp.c) and
// struct ipv6_mc_socklist (net/ipv6/mcast.c), each with its source list (ip_sf_socklist).
import type { SocketFamily } from '../scenario/types.ts';
import type { IpAddr } from '../wire/ip.ts';
import type { FilterMode } from './group.ts';
import type { HostInterface } from './interface.ts';

export interface Membership {
  readonly group: IpAddr;
  readonly iface: HostInterface;
  /** iml->sfmode. */
  sfmode: FilterMode;
  /** iml->sflist: null until the first source call, then the sources (canonical texts). */
  sources: string[] | null;
}

/**
 * inet->mc_list / np->ipv6_mc_list. The kernel pushes each new membership at the head
 * (__ip_mc_join_group, __ipv6_sock_mc_join) and walks the list from there; here the list is also
 * indexed by (interface, group) and by group, so a socket with very many memberships costs O(1)
 * per join, lookup and leave.
 */
export class MembershipList {
  private readonly byPair = new Map<string, Membership>();
  /** Per group, newest first (inet6_mc_check takes the first one on any interface). */
  private readonly byGroup = new Map<string, Membership[]>();
  private readonly order = new Map<Membership, number>();
  private joins = 0;

  private static pair(group: IpAddr, iface: HostInterface): string {
    // The canonical text, not the value: a bigint turned into decimal on every lookup cost more
    // than the rest of a join.
    return `${iface.name}\u0000${group.text}`;
  }

  get length(): number {
    return this.byPair.size;
  }

  /** A new membership at the head of the list. */
  unshift(m: Membership): void {
    this.byPair.set(MembershipList.pair(m.group, m.iface), m);
    const list = this.byGroup.get(m.group.text) ?? [];
    list.unshift(m);
    this.byGroup.set(m.group.text, list);
    this.order.set(m, this.joins++);
  }

  find(group: IpAddr, iface: HostInterface): Membership | undefined {
    return this.byPair.get(MembershipList.pair(group, iface));
  }

  /** The newest membership of the group on any interface. */
  newestOf(group: IpAddr): Membership | undefined {
    return this.byGroup.get(group.text)?.[0];
  }

  remove(group: IpAddr, iface: HostInterface): Membership | undefined {
    const key = MembershipList.pair(group, iface);
    const m = this.byPair.get(key);
    if (!m) return undefined;
    this.byPair.delete(key);
    this.order.delete(m);
    const list = this.byGroup.get(group.text) ?? [];
    list.splice(list.indexOf(m), 1);
    if (list.length === 0) this.byGroup.delete(group.text);
    return m;
  }

  /** Every membership, head (newest) first; empties the list. */
  takeAll(): Membership[] {
    const all = [...this.order.entries()].sort((a, b) => b[1] - a[1]).map(([m]) => m);
    this.byPair.clear();
    this.byGroup.clear();
    this.order.clear();
    return all;
  }
}

export class UdpSocket {
  readonly memberships = new MembershipList();

  constructor(
    readonly id: string,
    readonly family: SocketFamily,
    readonly bind: IpAddr,
    readonly port: number,
    /** bind() succeeded; an unbound socket stays open (memberships work) but receives nothing. */
    readonly bound: boolean = true,
  ) {}

  /** The membership for (group, iface), as __ip_mc_join_group and ip_mc_source look it up. */
  membership(group: IpAddr, iface: HostInterface): Membership | undefined {
    return this.memberships.find(group, iface);
  }

  /**
   * ip_mc_sf_allow (net/ipv4/igmp.c) matches (group, ifindex); inet6_mc_check (net/ipv6/mcast.c)
   * matches the group alone and takes the first (newest) membership on any interface. Without a
   * membership the socket receives (IP_MULTICAST_ALL / IPV6_MULTICAST_ALL default to 1).
   */
  filterAllows(group: IpAddr, iface: HostInterface, source: IpAddr, anyInterface = false): boolean {
    let m: Membership | undefined;
    // anyInterface: the 'delivery-any-iface' fault gives IPv4 the IPv6 lookup.
    if (this.family === 'ipv4' && !anyInterface) {
      m = this.membership(group, iface);
    } else {
      m = this.memberships.newestOf(group);
    }
    if (!m) return true;
    if (!m.sources) return m.sfmode === 'exclude';
    const listed = m.sources.includes(source.text);
    return m.sfmode === 'include' ? listed : !listed;
  }
}
