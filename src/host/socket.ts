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

export class UdpSocket {
  /**
   * inet->mc_list / np->ipv6_mc_list. The kernel pushes each new membership at the head
   * (__ip_mc_join_group, __ipv6_sock_mc_join), so index 0 is the newest.
   */
  readonly memberships: Membership[] = [];

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
    for (const m of this.memberships) {
      if (m.iface === iface && m.group.value === group.value) return m;
    }
    return undefined;
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
      m = this.memberships.find((x) => x.group.value === group.value);
    }
    if (!m) return true;
    if (!m.sources) return m.sfmode === 'exclude';
    const listed = m.sources.includes(source.text);
    return m.sfmode === 'include' ? listed : !listed;
  }
}
