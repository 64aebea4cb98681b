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
  /** The socket's join count when it was made: the larger, the nearer the head of the list. */
  readonly seq: number;
}

/**
 * inet->mc_list / np->ipv6_mc_list. The kernel pushes each new membership at the head
 * (__ip_mc_join_group, __ipv6_sock_mc_join) and walks the list from there; here the list is
 * indexed by interface, then by group text, so a socket with very many memberships costs O(1)
 * per join, lookup and leave (O(interfaces) for a lookup by group alone), and a lookup builds
 * no key. The list order is each membership's join count.
 */
export class MembershipList {
  private readonly byIface = new Map<HostInterface, Map<string, Membership>>();
  private count = 0;
  private joins = 0;

  get length(): number {
    return this.count;
  }

  /** A new membership at the head of the list. */
  join(group: IpAddr, iface: HostInterface, sfmode: FilterMode): Membership {
    const m: Membership = { group, iface, sfmode, sources: null, seq: this.joins++ };
    let groups = this.byIface.get(iface);
    if (!groups) {
      groups = new Map();
      this.byIface.set(iface, groups);
    }
    groups.set(group.text, m);
    this.count++;
    return m;
  }

  find(group: IpAddr, iface: HostInterface): Membership | undefined {
    return this.byIface.get(iface)?.get(group.text);
  }

  /** The newest membership of the group on any interface. */
  newestOf(group: IpAddr): Membership | undefined {
    let newest: Membership | undefined;
    for (const groups of this.byIface.values()) {
      const m = groups.get(group.text);
      if (m && (!newest || m.seq > newest.seq)) newest = m;
    }
    return newest;
  }

  remove(group: IpAddr, iface: HostInterface): Membership | undefined {
    const groups = this.byIface.get(iface);
    const m = groups?.get(group.text);
    if (!groups || !m) return undefined;
    groups.delete(group.text);
    if (groups.size === 0) this.byIface.delete(iface);
    this.count--;
    return m;
  }

  /** Every membership, head (newest) first; empties the list. */
  takeAll(): Membership[] {
    const all: Membership[] = [];
    for (const groups of this.byIface.values()) for (const m of groups.values()) all.push(m);
    all.sort((a, b) => b.seq - a.seq);
    this.byIface.clear();
    this.count = 0;
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
