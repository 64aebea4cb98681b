// Linux limits the oracle applies, each with the kernel file it comes from. The oracle keeps its
// own copy on purpose: it must not share constants with the model (src/host).

/** include/uapi/linux/in.h IP_MAX_MEMBERSHIPS: default of sysctl igmp_max_memberships. */
export const IGMP_MAX_MEMBERSHIPS = 20;

/** net/ipv4/igmp.c IP_MAX_MSF: default of sysctl igmp_max_msf (sources per IPv4 membership). */
export const IGMP_MAX_MSF = 10;

/** net/ipv6/mcast.c IPV6_MLD_MAX_MSF: default of sysctl mld_max_msf (sources per IPv6 membership). */
export const MLD_MAX_MSF = 64;

/** include/net/ipv6.h IPV6_ADDR_SCOPE_NODELOCAL: interface-local multicast scope. */
export const IPV6_SCOPE_INTERFACE_LOCAL = 1;

/** include/net/ipv6.h IPV6_ADDR_SCOPE_LINKLOCAL: igmp6_group_added skips groups scoped below it. */
export const IPV6_SCOPE_LINK_LOCAL = 2;

/** drivers/net/tun.c FLT_EXACT_COUNT: addresses of a TUNSETTXFILTER list matched exactly. */
export const TUN_FLT_EXACT_COUNT = 8;
