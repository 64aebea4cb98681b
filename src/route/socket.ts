// The mroute socket: MRT_INIT / MRT_DONE / close (net/ipv4/ipmr.c ip_mroute_setsockopt,
// mrtsock_destruct, mroute_clean_tables; net/ipv6/ip6mr.c ip6_mroute_setsockopt, ip6mr_sk_init,
// ip6mr_sk_done). The caller is root (CAP_NET_ADMIN), so only the mroute-socket checks apply.
import type { Errno } from '../errors.ts';
import { MRT_INIT_OPTLEN } from './limits.ts';
import type { MrTable } from './table.ts';
import type { MrtSocketProto, RouteFamily } from './types.ts';

export interface MrtSocket {
  readonly id: string;
  readonly family: RouteFamily;
  readonly proto: MrtSocketProto;
}

/** Only a raw IGMP (IPv4) / raw ICMPv6 (IPv6) socket takes MRT options; any other -> EOPNOTSUPP. */
export function routingProto(family: RouteFamily): MrtSocketProto {
  return family === 'ipv4' ? 'igmp' : 'icmpv6';
}

export function checkRoutingSocket(s: MrtSocket): Errno | null {
  return s.proto === routingProto(s.family) ? null : 'EOPNOTSUPP';
}

/**
 * MRT_INIT. IPv4: optlen must be exactly sizeof(int) (else EINVAL); IPv6: at least sizeof(int).
 * A table that already has an mroute socket (this one included) -> EADDRINUSE. Success raises
 * all.mc_forwarding (returned as +1).
 */
export function mrt_init(t: MrTable, s: MrtSocket, optlen: number): Errno | null {
  const kind = checkRoutingSocket(s);
  if (kind) return kind;
  const badLen = s.family === 'ipv4' ? optlen !== MRT_INIT_OPTLEN : optlen < MRT_INIT_OPTLEN;
  if (badLen) return 'EINVAL';
  if (t.mrouteSocket !== null) return 'EADDRINUSE';
  t.mrouteSocket = s.id;
  return null;
}

/** MRT_DONE: only the mroute socket may (EACCES otherwise; ip6mr_sk_done also when none is set). */
export function mrt_done_check(t: MrTable, s: MrtSocket): Errno | null {
  const kind = checkRoutingSocket(s);
  if (kind) return kind;
  return t.mrouteSocket === s.id ? null : 'EACCES';
}

/**
 * Setting an option the switch has no case for, MRT_VERSION included (it can only be read):
 * ip_mroute_setsockopt / ip6_mroute_setsockopt `default: -ENOPROTOOPT`, after the socket kind check.
 */
export function mrt_unknown_option(s: MrtSocket): Errno {
  return checkRoutingSocket(s) ?? 'ENOPROTOOPT';
}
