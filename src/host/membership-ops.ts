// A socket's membership calls on one interface, as net/ipv4/igmp.c and net/ipv6/mcast.c make
// them: join a group, add a source, drop a membership; and a join by the ifindex of a device
// that no longer exists. Each returns the errno the call returns.
import type { Errno } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import { type IpAddr, isMulticastIp } from '../wire/ip.ts';
import type { FilterMode } from './group.ts';
import type { HostInterface } from './interface.ts';
import { IGMP_MAX_MEMBERSHIPS, IGMP_MAX_MSF, MLD_MAX_MSF } from './limits.ts';
import type { Membership, UdpSocket } from './socket.ts';

/** __ip_mc_join_group (net/ipv4/igmp.c) / __ipv6_sock_mc_join (net/ipv6/mcast.c). */
export function joinGroup(sock: UdpSocket, group: IpAddr, iface: HostInterface, mode: FilterMode, faults: FaultSet): Errno | null {
  if (!isMulticastIp(group)) return 'EINVAL';
  if (sock.membership(group, iface)) {
    if (faults.has('group-users-on-eaddrinuse')) {
      const rec = iface.group(group);
      if (rec) rec.users++;
    }
    return 'EADDRINUSE';
  }
  if (sock.family === 'ipv4' && sock.memberships.length >= IGMP_MAX_MEMBERSHIPS) return 'ENOBUFS';
  sock.memberships.join(group, iface, mode);
  iface.incGroup(group, mode);
  return null;
}

/**
 * A join (or a source add) naming the ifindex of a deleted device: EINVAL for a group that is not
 * multicast, checked first by both families. IPv4 then looks the device up (__ip_mc_join_group,
 * ip_mc_source: ip_mc_find_dev → ENODEV). __ipv6_sock_mc_join first walks the socket's own list:
 * a stale membership of the group on that ifindex is EADDRINUSE; then __dev_get_by_index → ENODEV.
 * ip6_mc_source looks the device up first (ENODEV). Observed on 6.18.
 */
export function joinGoneDevice(sock: UdpSocket, group: IpAddr, iface: HostInterface, call: 'join' | 'source'): Errno {
  if (!isMulticastIp(group)) return 'EINVAL';
  if (call === 'join' && sock.family === 'ipv6' && sock.membership(group, iface)) return 'EADDRINUSE';
  return 'ENODEV';
}

/**
 * ip_mc_source (net/ipv4/igmp.c) / ip6_mc_source (net/ipv6/mcast.c) with add = 1:
 * - no membership for (group, iface) → EINVAL ("must have a prior join");
 * - a membership that has a source list in the other mode → EINVAL; one without a source list
 *   switches mode ("allow mode switches for empty-set filters");
 * - a list already holding igmp_max_msf / mld_max_msf sources → ENOBUFS, checked before the
 *   duplicate test, so a duplicate on a full list is ENOBUFS too;
 * - a source already listed → EADDRNOTAVAIL ("address already there is an error").
 */
export function addSource(sock: UdpSocket, group: IpAddr, iface: HostInterface, omode: FilterMode, source: IpAddr, faults: FaultSet): Errno | null {
  if (!isMulticastIp(group)) return 'EINVAL';
  const pmc = sock.membership(group, iface);
  if (!pmc) return 'EINVAL';
  const rec = iface.group(group);
  if (pmc.sources) {
    if (pmc.sfmode !== omode) return 'EINVAL';
  } else if (pmc.sfmode !== omode) {
    rec?.addSources(omode, [], false);
    rec?.delSources(pmc.sfmode, [], false);
    pmc.sfmode = omode;
  }
  const max = sock.family === 'ipv4' ? IGMP_MAX_MSF + (faults.has('igmp-msf-11') ? 1 : 0) : MLD_MAX_MSF;
  if (pmc.sources && pmc.sources.length >= max) return 'ENOBUFS';
  if (!pmc.sources) pmc.sources = [];
  if (pmc.sources.includes(source.text)) return 'EADDRNOTAVAIL';
  pmc.sources.push(source.text);
  rec?.addSources(omode, [source.text], true);
  return null;
}

/**
 * ip_mc_leave_src + ip_mc_dec_group (ip6_mc_leave_src + __ipv6_dev_mc_dec). On a deleted device
 * only the socket's list changes: ip_mc_leave_group, ip_mc_drop_socket and ipv6_sock_mc_drop /
 * ipv6_sock_mc_close find no device for the ifindex and skip the group (its records went with
 * the device: ip_mc_destroy_dev, ipv6_mc_destroy_dev).
 */
export function dropMembership(m: Membership, faults: FaultSet, deviceGone: boolean): void {
  if (deviceGone) return;
  // delta = true leaves sfcount[mode] as it was: what the 'sfcount-exclude-kept' fault does to EXCLUDE.
  const keepCount = m.sfmode === 'exclude' && faults.has('sfcount-exclude-kept');
  m.iface.group(m.group)?.delSources(m.sfmode, m.sources ?? [], keepCount);
  m.iface.decGroup(m.group);
}
