// Linux limits the host model enforces, each with the kernel source that sets it.

/** net.ipv4.igmp_max_memberships: memberships one IPv4 socket may hold (net/ipv4/sysctl_net_ipv4.c,
 *  initialised to IP_MAX_MEMBERSHIPS = 20 in include/linux/igmp.h); the 21st join gives ENOBUFS
 *  (net/ipv4/igmp.c __ip_mc_join_group). */
export const IGMP_MAX_MEMBERSHIPS = 20;

/** net.ipv4.igmp_max_msf: sources on one IPv4 membership (IP_MAX_MSF = 10, include/linux/igmp.h);
 *  the 11th gives ENOBUFS (net/ipv4/igmp.c ip_mc_source). */
export const IGMP_MAX_MSF = 10;

/** net.ipv6.mld_max_msf: sources on one IPv6 membership (IPV6_MLD_MAX_MSF = 64, net/ipv6/mcast.c);
 *  the 65th gives ENOBUFS (net/ipv6/mcast.c ip6_mc_source). IPv6 has no membership count limit
 *  besides socket option memory (net.core.optmem_max), which the model does not reach. */
export const MLD_MAX_MSF = 64;

/** include/net/ipv6.h IPV6_ADDR_SCOPE_LINKLOCAL: groups of a lower scope never enter dev->mc
 *  (net/ipv6/mcast.c igmp6_group_added) and are dropped when they arrive from the wire
 *  (net/ipv6/ip6_input.c ip6_rcv_core). */
export const IPV6_ADDR_SCOPE_LINKLOCAL = 2;
