// bind(2) of a multicast receiver's UDP socket: the address checks of net/ipv6/af_inet6.c
// __inet6_bind that the scenario format can reach (IPv4 binds of any listed address succeed).
import type { Errno } from '../errors.ts';
import { type IpAddr, isMulticastIp, isWildcard } from '../wire/ip.ts';
import { multicastScope } from '../wire/ipv6.ts';
import type { HostInterface } from './interface.ts';

/**
 * net/ipv6/af_inet6.c __inet6_bind: an address that needs a scope id (__ipv6_addr_needs_scope_id:
 * link-local unicast fe80::/10, multicast of interface-local or link-local scope) cannot be bound
 * without one: EINVAL. The scenario format has no scope id, so such a bind always fails.
 */
function scopeIdError(addr: IpAddr): Errno | null {
  if (addr.family !== 'ipv6') return null;
  const linkLocalUnicast = addr.value >> 118n === 0x3fan;
  const scope = multicastScope(addr);
  const scopedMulticast = isMulticastIp(addr) && (scope === 1 || scope === 2);
  return linkLocalUnicast || scopedMulticast ? 'EINVAL' : null;
}

/**
 * net/ipv6/af_inet6.c __inet6_bind: a unicast address the host does not hold (ipv6_chk_addr)
 * is EADDRNOTAVAIL; net/ipv4/af_inet.c __inet_bind likewise (inet_addr_valid_or_nonlocal:
 * not RTN_LOCAL). Static validation allows only the interfaces' addresses, so this is an
 * address a macvlan's `link down` deleted (IPv6 only: IPv4 addresses survive a down,
 * net/ipv4/devinet.c) or one of an interface a link-del step deleted.
 */
function absentAddressError(addr: IpAddr, interfaces: ReadonlyMap<string, HostInterface>, deleted: ReadonlyMap<string, HostInterface>): Errno | null {
  if (isWildcard(addr) || isMulticastIp(addr)) return null;
  const live = [...interfaces.values()];
  const held = addr.family === 'ipv4' ? live.some((i) => i.ipv4.some((p) => p.addr.value === addr.value)) : live.some((i) => i.holdsIpv6(addr));
  const declared = [...live, ...deleted.values()].some((i) => i[addr.family].some((p) => p.addr.value === addr.value));
  return declared && !held ? 'EADDRNOTAVAIL' : null;
}

/** The errno bind() gives for `addr` on this host, null when it binds. */
export function bindError(addr: IpAddr, interfaces: ReadonlyMap<string, HostInterface>, deleted: ReadonlyMap<string, HostInterface> = new Map()): Errno | null {
  return scopeIdError(addr) ?? absentAddressError(addr, interfaces, deleted);
}
