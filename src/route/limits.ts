// Limits, flags and message types of Linux multicast routing, each with the file it comes from
// (read on a 6.x tree: net/ipv4/ipmr.c, net/ipv6/ip6mr.c, include/linux/mroute_base.h and the
// uapi headers include/uapi/linux/mroute.h, mroute6.h).

export const MAXVIFS = 32; // include/uapi/linux/mroute.h MAXVIFS
export const MAXMIFS = 32; // include/uapi/linux/mroute6.h MAXMIFS
/** A datagram is queued on an unresolved entry only while qlen <= 3 (ipmr_cache_unresolved: `qlen > 3` drops). */
export const UNRES_QLEN_MAX = 3; // net/ipv4/ipmr.c, net/ipv6/ip6mr.c ipmr_cache_unresolved
/** So an unresolved entry holds at most this many datagrams. */
export const UNRES_QUEUE_CAPACITY = UNRES_QLEN_MAX + 1;
/** An unresolved entry lives 10 s (ipmr_cache_alloc_unres: expires = jiffies + 10*HZ). */
export const UNRES_EXPIRY_MS = 10_000; // net/ipv4/ipmr.c ipmr_cache_alloc_unres
/** WRONGVIF asserts at most once per 3 s per entry (time_after(jiffies, last_assert + MFC_ASSERT_THRESH)). */
export const MFC_ASSERT_THRESH_MS = 3_000; // include/linux/mroute_base.h MFC_ASSERT_THRESH (3*HZ)
/** ttls[] value meaning "not an output" (ipmr_update_thresholds memsets 255). */
export const TTL_NOT_OUTPUT = 255; // net/ipv4/ipmr.c ipmr_update_thresholds
/** IPv6 entries carry an interface set; each member gets threshold 1 (ip6mr_mfc_add). */
export const MIF_SET_THRESHOLD = 1; // net/ipv6/ip6mr.c ip6mr_mfc_add
/** What getsockopt(MRT_VERSION) / MRT6_VERSION reads: the API version 3.5. */
export const MRT_VERSION_VALUE = 0x0305; // net/ipv4/ipmr.c ip_mroute_getsockopt, net/ipv6/ip6mr.c ip6_mroute_getsockopt
/** MRT_INIT's option is one int: IPv4 wants exactly this length, IPv6 at least it. */
export const MRT_INIT_OPTLEN = 4; // net/ipv4/ipmr.c ip_mroute_setsockopt, net/ipv6/ip6mr.c

/** MRT_FLUSH's flags (MRT6_FLUSH_MFC, _MFC_STATIC, _MIFS, _MIFS_STATIC in mroute6.h have the same values). */
export const MRT_FLUSH_MFC = 1; // include/uapi/linux/mroute.h
export const MRT_FLUSH_MFC_STATIC = 2; // include/uapi/linux/mroute.h
export const MRT_FLUSH_VIFS = 4; // include/uapi/linux/mroute.h
export const MRT_FLUSH_VIFS_STATIC = 8; // include/uapi/linux/mroute.h

export const VIFF_TUNNEL = 0x1; // include/uapi/linux/mroute.h
export const VIFF_REGISTER = 0x4; // include/uapi/linux/mroute.h
export const VIFF_USE_IFINDEX = 0x8; // include/uapi/linux/mroute.h
export const VIFF_STATIC = 0x8000; // include/linux/mroute_base.h (vif added by a socket other than the mroute socket)
export const MIFF_REGISTER = 0x1; // include/uapi/linux/mroute6.h

export const IGMPMSG_NOCACHE = 1; // include/uapi/linux/mroute.h
export const IGMPMSG_WRONGVIF = 2; // include/uapi/linux/mroute.h
export const IGMPMSG_WHOLEPKT = 3; // include/uapi/linux/mroute.h
export const IGMPMSG_WRVIFWHOLE = 4; // include/uapi/linux/mroute.h (for PIM Register and Assert)
export const MRT6MSG_NOCACHE = 1; // include/uapi/linux/mroute6.h
export const MRT6MSG_WRONGMIF = 2; // include/uapi/linux/mroute6.h
export const MRT6MSG_WHOLEPKT = 3; // include/uapi/linux/mroute6.h
export const MRT6MSG_WRMIFWHOLE = 4; // include/uapi/linux/mroute6.h

export const IPV4_HEADER_LEN = 20; // struct iphdr without options
export const IPV6_HEADER_LEN = 40; // struct ipv6hdr
export const UDP_HEADER_LEN = 8; // struct udphdr
/** struct igmpmsg (20, overlaying the IP header) + struct igmphdr (8): a NOCACHE / WRONGVIF upcall. */
export const IGMPMSG_UPCALL_LEN = 28; // net/ipv4/ipmr.c ipmr_cache_report
/** struct mrt6msg: mbz, msgtype, mif (u16), pad (u32), src, dst. */
export const MRT6MSG_LEN = 40; // include/uapi/linux/mroute6.h
/** An IPv6 NOCACHE / WRONGMIF upcall as read: alloc_skb(sizeof(ipv6hdr) + sizeof(mrt6msg)). */
export const MRT6MSG_UPCALL_LEN = 80; // net/ipv6/ip6mr.c ip6mr_cache_report

/** Names of the register devices (ipmr_reg_vif / ip6mr_reg_vif for the default table). */
export const REGISTER_DEVICE = { ipv4: 'pimreg', ipv6: 'pim6reg' } as const; // net/ipv4/ipmr.c, net/ipv6/ip6mr.c
