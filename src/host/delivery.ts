// Delivery of a datagram the wire brings: the NIC's filter, the IP layer's checks (martian
// sources, the interface's group records and source filters) and the sockets that take it.
import type { FaultSet } from '../faults.ts';
import { kniIngressBurst } from '../relay/burst.ts';
import type { Delivery } from '../scenario/types.ts';
import { type IpAddr, isMulticastIp, isWildcard, sameIp } from '../wire/ip.ts';
import { multicastScope } from '../wire/ipv6.ts';
import { BROADCAST_MAC, type Mac, isMulticastMac } from '../wire/mac.ts';
import { wireMacOf } from './addr-cache.ts';
import type { HostInterface } from './interface.ts';
import { IPV6_ADDR_SCOPE_LINKLOCAL } from './limits.ts';
import type { UdpSocket } from './socket.ts';

export /** The interface whose NIC a frame for `iface` meets: the lower of a macvlan, else itself. */
function wireOf(iface: HostInterface): HostInterface {
  return iface.lower ?? iface;
}

/**
 * A send with `burst` (KNI interfaces only, src/scenario/validate.ts): the copies travel the KNI
 * data path (src/relay/burst.ts); the sockets of the single datagram get it when any copy
 * reaches the stack.
 */
export function withBurst(single: Delivery, iface: HostInterface, dst: IpAddr, burst: number | undefined): Delivery {
  if (burst === undefined) return single;
  const counts = kniIngressBurst(wireOf(iface).nic, wireMacOf(dst), burst);
  return { ...single, sockets: counts.delivered > 0 ? single.sockets : [], burst: counts };
}

/**
 * Who receives a datagram src -> dst:dport arriving on `iface`: the wire's NIC decides, then the
 * IP layer of the lower and of every macvlan that takes the frame, then each socket's filter.
 */
export function deliver(
  interfaces: ReadonlyMap<string, HostInterface>,
  sockets: ReadonlyMap<string, UdpSocket>,
  iface: HostInterface,
  src: IpAddr,
  dst: IpAddr,
  dport: number,
  faults: FaultSet,
): Delivery {
  // The sender maps the group with ip_eth_mc_map / ipv6_eth_mc_map: the wire MAC is always right.
  // A datagram for a macvlan travels on its lower's wire: the lower's NIC decides.
  const wire = wireOf(iface);
  const mac = wireMacOf(dst);
  if (!wire.nic.accept(mac)) return { nic: false, sockets: [] };
  if (martianSource(interfaces, src, dst)) return { nic: true, sockets: [] };
  // The lower's own stack gets it (drivers/net/macvlan.c macvlan_handle_frame returns
  // RX_HANDLER_PASS for multicast), and so does every up macvlan on it whose filter passes the
  // MAC (macvlan_broadcast, MACVLAN_MODE_ALL for frames from outside).
  const arrivals = [wire, ...wire.uppers.filter((u) => macvlanPasses(u, mac))];
  const receivers = new Set<string>();
  for (const arrival of arrivals) {
    if (!ipLayerAccepts(arrival, src, dst)) continue;
    for (const sock of sockets.values()) {
      // __udp_is_mcast_sock / __udp_v6_is_mcast_sock: family, port, bound address, then the filter.
      if (!sock.bound || sock.family !== dst.family || sock.port !== dport) continue;
      if (!isWildcard(sock.bind) && !sameIp(sock.bind, dst)) continue;
      if (!sock.filterAllows(dst, arrival, src, faults.has('delivery-any-iface'))) continue;
      receivers.add(sock.id);
    }
  }
  return { nic: true, sockets: [...receivers].sort() };
}

/**
 * Sources the IP layer drops before it looks at the group.
 * IPv4, net/ipv4/route.c ip_mc_validate_source: multicast, limited broadcast, loopback (route_localnet 0),
 * 0.0.0.0/8 except towards 224.0.0.0/24, and (fib_validate_source) any address of this host.
 * IPv6, net/ipv6/ip6_input.c ip6_rcv_core: multicast, loopback (::1) and v4-mapped sources.
 */
export function martianSource(interfaces: ReadonlyMap<string, HostInterface>, src: IpAddr, dst: IpAddr): boolean {
  if (src.family === 'ipv4') {
    const net8 = src.value >> 24n;
    if (isMulticastIp(src) || src.value === 0xffffffffn || net8 === 127n) return true;
    if (net8 === 0n) return dst.value >> 8n !== 0xe00000n;
    for (const i of interfaces.values()) if (i.ipv4.some((p) => sameIp(p.addr, src))) return true;
    return false;
  }
  return isMulticastIp(src) || src.value === 1n || src.value >> 32n === 0xffffn;
}

/**
 * IPv4: ip_route_input_rcu → ip_check_mc_rcu (net/ipv4/route.c, net/ipv4/igmp.c).
 * IPv6: ip6_rcv_core drops everything on a disable_ipv6 device and multicast of scope 0 or 1
 * from the wire (net/ipv6/ip6_input.c); ip6_mc_input → ipv6_chk_mcast_addr (net/ipv6/mcast.c).
 */
function ipLayerAccepts(iface: HostInterface, src: IpAddr, dst: IpAddr): boolean {
  if (dst.family === 'ipv6') {
    if (iface.disableIpv6) return false;
    if (multicastScope(dst) < IPV6_ADDR_SCOPE_LINKLOCAL) return false;
  }
  const rec = iface.group(dst);
  if (!rec) return false;
  // "unspecified source; tentatively allow"
  if (isWildcard(src)) return true;
  return rec.allowsSource(src.text);
}

/**
 * What a macvlan passes up from its lower in bridge mode (drivers/net/macvlan.c
 * macvlan_handle_frame → macvlan_broadcast, filter from macvlan_compute_filter): nothing while
 * down; its own MAC; a multicast MAC in its list, broadcast, or any multicast under PROMISC or
 * ALLMULTI. The kernel's 256-bucket hash may pass more; the IP layer drops those unless the
 * macvlan holds the group, and then the MAC is in its list.
 */
export function macvlanPasses(macvlan: HostInterface, dst: Mac): boolean {
  if (!macvlan.isUp) return false;
  if (dst === macvlan.mac) return true;
  if (!isMulticastMac(dst)) return false;
  return dst === BROADCAST_MAC || macvlan.flags.promisc || macvlan.flags.allmultiOn || macvlan.deviceList.has(dst);
}
