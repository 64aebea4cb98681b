// The oracle's socket and delivery part: open sockets, joins and leaves with their source
// filters and limits, and who receives a datagram the NIC passed up.
import { type Errno, InputError } from '../errors.ts';
import type { SocketFamily } from '../scenario/types.ts';
import { type OracleIp, ipv6MulticastScope, parseAddress } from './address.ts';
import { IGMP_MAX_MEMBERSHIPS, IGMP_MAX_MSF, IPV6_SCOPE_INTERFACE_LOCAL, IPV6_SCOPE_LINK_LOCAL, MLD_MAX_MSF } from './limits.ts';
import { ipv4GroupMac, ipv6GroupMac } from './mapping.ts';
import { type FilterMode, type GroupRef, type Membership, groupKey, groupRef } from './memberships.ts';
import { DeviceListOracle } from './device-lists.ts';
import { type InterfaceFacts, type OpenSocket, type OracleStepResult, admits, sameGroup } from './facts.ts';

/** 255.255.255.255 (include/linux/in.h ipv4_is_lbcast). */
const IPV4_LIMITED_BROADCAST = 0xffffffffn;
/** 127.0.0.0/8 (ipv4_is_loopback). */
const IPV4_LOOPBACK_NET = 127n;
/** 224.0.0.0/24 >> 8 (ipv4_is_local_multicast). */
const IPV4_LOCAL_MULTICAST_NET = 0xe00000n;
/** fe80::/10 >> 118 (include/net/ipv6.h ipv6_addr_type: IPV6_ADDR_LINKLOCAL unicast). */
const IPV6_LINK_LOCAL_PREFIX = 0x3fan;
const IPV6_LINK_LOCAL_PREFIX_SHIFT = 118n;
/** ::ffff:0:0/96 >> 32 (include/net/ipv6.h ipv6_addr_v4mapped). */
const IPV6_V4MAPPED_PREFIX = 0xffffn;

export abstract class SocketOracle extends DeviceListOracle {
  protected readonly sockets = new Map<string, OpenSocket>();

  protected open(id: string, family: SocketFamily, bindText: string, port: number): Errno | null {
    if (this.sockets.has(id)) throw new InputError('socket', `socket ${JSON.stringify(id)} is already open`);
    const bind = parseAddress(bindText, 'bind');
    if (bind.family !== family) throw new InputError('bind', `${bindText} is not an ${family} address`);
    // net/ipv6/af_inet6.c __inet6_bind: a link-local unicast address, or a multicast address of
    // interface-local (1) or link-local (2) scope, needs a scope id: without one, EINVAL.
    // (include/net/ipv6.h __ipv6_addr_needs_scope_id: IPV6_ADDR_LINKLOCAL, or multicast with
    // IPV6_ADDR_LOOPBACK (scope 1) or IPV6_ADDR_LINKLOCAL (scope 2) from ipv6_addr_scope2type.)
    const needsScopeId =
      family === 'ipv6' &&
      (bind.value >> IPV6_LINK_LOCAL_PREFIX_SHIFT === IPV6_LINK_LOCAL_PREFIX ||
        (bind.multicast &&
          ipv6MulticastScope(bind.value) >= IPV6_SCOPE_INTERFACE_LOCAL &&
          ipv6MulticastScope(bind.value) <= IPV6_SCOPE_LINK_LOCAL));
    // __inet6_bind then asks ipv6_chk_addr, net/ipv4/af_inet.c __inet_bind inet_addr_type: a
    // unicast address no interface holds is EADDRNOTAVAIL. Validated scenarios bind only declared
    // addresses: this is an IPv6 one a macvlan's `link down` deleted (IPv4 addresses stay), or one
    // of an interface a link-del step deleted.
    const live = [...this.interfaces.values()];
    const held = (f: InterfaceFacts): readonly bigint[] => (family === 'ipv4' ? f.ipv4 : f.ipv6);
    const declared = (f: InterfaceFacts): readonly bigint[] => (family === 'ipv4' ? f.ipv4 : f.declaredIpv6);
    const absent =
      !needsScopeId &&
      bind.value !== 0n &&
      !bind.multicast &&
      [...live, ...this.gone.values()].some((f) => declared(f).includes(bind.value)) &&
      !live.some((f) => held(f).includes(bind.value));
    this.sockets.set(id, { id, family, bind: bind.value, port, bound: !needsScopeId && !absent });
    return needsScopeId ? 'EINVAL' : absent ? 'EADDRNOTAVAIL' : null;
  }

  /**
   * Group texts parsed in this oracle's life, with their references: a leave, or a join of a group
   * already seen, parses nothing (ip-address costs microseconds per IPv6 text). Sized by the
   * scenario: one entry per distinct group text.
   */
  private readonly groupTexts = new Map<string, { readonly ip: OracleIp; readonly ref: GroupRef }>();

  protected groupFor(socket: OpenSocket, text: string): { readonly ip: OracleIp; readonly ref: GroupRef } {
    let group = typeof text === 'string' ? this.groupTexts.get(text) : undefined;
    if (!group) {
      const ip = parseAddress(text, 'group');
      group = { ip, ref: groupRef(ip.family, ip.value) };
      this.groupTexts.set(text, group);
    }
    if (group.ip.family !== socket.family) {
      throw new InputError('group', `${text} is not an ${socket.family} group (socket ${socket.id})`);
    }
    return group;
  }

  protected membership(socket: string, ref: GroupRef, iface: string): Membership | undefined {
    return this.memberships.find(socket, ref, iface);
  }

  protected join(
    socketId: string,
    groupText: string,
    iface: string,
    mode: FilterMode | undefined,
    sourceTexts: readonly string[] | undefined,
  ): Errno | null {
    const socket = this.sockets.get(socketId);
    if (!socket) return 'EBADF';
    const deleted = this.gone.has(iface);
    const facts = deleted ? undefined : this.facts(iface);
    const { ip: group, ref } = this.groupFor(socket, groupText);
    if (sourceTexts !== undefined && !Array.isArray(sourceTexts)) throw new InputError('sources', 'sources must be a list of addresses');
    const sources = (sourceTexts ?? []).map((s, i) => {
      const ip = parseAddress(s, `sources/${i}`);
      if (ip.family !== socket.family) throw new InputError(`sources/${i}`, `${s} is not an ${socket.family} address`);
      return ip.value;
    });
    if (!group.multicast) return 'EINVAL';
    if (facts === undefined) {
      // The ifindex of a deleted device (net/ipv4/igmp.c __ip_mc_join_group, ip_mc_source:
      // ip_mc_find_dev fails: ENODEV). net/ipv6/mcast.c __ipv6_sock_mc_join walks the socket's
      // list first: its stale membership there is EADDRINUSE. An INCLUDE join then adds a source
      // (ip6_mc_source: no device, ENODEV); one without sources makes no call at all.
      if (mode === 'include') return sources.length === 0 ? null : 'ENODEV';
      return group.family === 'ipv6' && this.membership(socket.id, ref, iface) ? 'EADDRINUSE' : 'ENODEV';
    }

    if (mode === undefined) return this.addMembership(socket, ref, facts, 'exclude');
    if (mode === 'exclude') {
      // IP_ADD_MEMBERSHIP / MCAST_JOIN_GROUP, then IP_BLOCK_SOURCE / MCAST_BLOCK_SOURCE per source.
      const joined = this.addMembership(socket, ref, facts, 'exclude');
      if (joined) return joined;
      for (const source of sources) {
        const blocked = this.addSource(socket, ref, facts, 'exclude', source);
        if (blocked) return blocked;
      }
      return null;
    }
    // One IP_ADD_SOURCE_MEMBERSHIP / MCAST_JOIN_SOURCE_GROUP per source: an INCLUDE join where a
    // prior membership is fine (net/ipv4/ip_sockglue.c, net/ipv6/ipv6_sockglue.c: "prior join
    // w/ different source is ok"), then ip_mc_source / ip6_mc_source.
    for (const source of sources) {
      const joined = this.addMembership(socket, ref, facts, 'include');
      if (joined && joined !== 'EADDRINUSE') return joined;
      const added = this.addSource(socket, ref, facts, 'include', source);
      if (added) return added;
    }
    return null;
  }

  /** net/ipv4/igmp.c __ip_mc_join_group, net/ipv6/mcast.c __ipv6_sock_mc_join. */
  protected addMembership(socket: OpenSocket, ref: GroupRef, facts: InterfaceFacts, mode: FilterMode): Errno | null {
    if (this.membership(socket.id, ref, facts.name)) return 'EADDRINUSE';
    // Counted over all of the socket's memberships, IPv4 only (IPv6 has no such sysctl).
    const held = this.memberships.countOf(socket.id);
    if (socket.family === 'ipv4' && held >= IGMP_MAX_MEMBERSHIPS) return 'ENOBUFS';
    this.holderArrives(facts, ref, mode);
    this.memberships.add({ family: ref.family, group: ref.group, key: groupKey(ref), socket: socket.id, iface: facts.name, mode, sources: [] });
    this.hold(facts, ref, 1);
    this.refresh(facts);
    return null;
  }

  /** net/ipv4/igmp.c ip_mc_source / net/ipv6/mcast.c ip6_mc_source with add = 1. */
  protected addSource(socket: OpenSocket, ref: GroupRef, facts: InterfaceFacts, mode: FilterMode, source: bigint): Errno | null {
    const m = this.membership(socket.id, ref, facts.name);
    if (!m) return 'EINVAL'; // "must have a prior join"
    // "if a source filter was set, must be the same mode as before"; an empty filter may switch.
    // Sources are never removed here, so "a filter was set" is "the list is non-empty".
    if (m.sources.length > 0 && m.mode !== mode) return 'EINVAL';
    m.mode = mode;
    // The limit is checked before the duplicate search: a duplicate on a full list is ENOBUFS.
    if (m.sources.length >= (m.family === 'ipv4' ? IGMP_MAX_MSF : MLD_MAX_MSF)) return 'ENOBUFS';
    // "address already there is an error": err is still -EADDRNOTAVAIL at that point.
    if (m.sources.includes(source)) return 'EADDRNOTAVAIL';
    m.sources.push(source);
    facts.sources.addSource(groupKey(ref), mode, source);
    return null;
  }

  /**
   * IP_DROP_MEMBERSHIP / MCAST_LEAVE_GROUP: EBADF, else EADDRNOTAVAIL without a membership.
   * net/ipv6/mcast.c ipv6_sock_mc_drop refuses a non-multicast group first (EINVAL);
   * net/ipv4/igmp.c ip_mc_leave_group has no such check.
   */
  protected leave(socketId: string, groupText: string, iface: string): Errno | null {
    const socket = this.sockets.get(socketId);
    if (!socket) return 'EBADF';
    const deleted = this.gone.has(iface);
    const facts = deleted ? undefined : this.facts(iface);
    const { ip: group, ref } = this.groupFor(socket, groupText);
    if (group.family === 'ipv6' && !group.multicast) return 'EINVAL';
    const m = this.membership(socket.id, ref, iface);
    if (!m) return 'EADDRNOTAVAIL';
    // On a deleted device the leave only unlinks the socket's membership (ip_mc_leave_group,
    // ipv6_sock_mc_drop: no device, no group to drop).
    if (facts === undefined) this.memberships.remove(m);
    else {
      this.removeMembership(m);
      this.refresh(facts);
    }
    return null;
  }

  /** ip_mc_drop_socket / ipv6_sock_mc_close: every membership goes, one device change each. */
  protected close(socketId: string): Errno | null {
    if (!this.sockets.has(socketId)) return 'EBADF';
    for (const m of this.memberships.ofSocket(socketId).reverse()) {
      // ip_mc_drop_socket / ipv6_sock_mc_close skip the group of a deleted device.
      if (this.gone.has(m.iface)) {
        this.memberships.remove(m);
        continue;
      }
      this.removeMembership(m);
      this.refresh(this.facts(m.iface));
    }
    this.sockets.delete(socketId);
    return null;
  }

  protected send(iface: string, srcText: string, dstText: string, port: number): OracleStepResult {
    const facts = this.facts(iface);
    const src = parseAddress(srcText, 'src');
    const dst = parseAddress(dstText, 'dst');
    if (!dst.multicast) throw new InputError('dst', `${dstText} is not a multicast address`);
    if (src.family !== dst.family) throw new InputError('src', `${srcText} is not an ${dst.family} address`);
    const ref: GroupRef = { family: dst.family, group: dst.value };
    const frameMac = dst.family === 'ipv4' ? ipv4GroupMac(dst.value) : ipv6GroupMac(dst.value);
    // A datagram for a macvlan travels on its lower's wire. The lower's stack takes it, and so
    // does every up macvlan on that lower that holds the MAC in its list or is PROMISC/ALLMULTI
    // (drivers/net/macvlan.c macvlan_handle_frame passes multicast on; macvlan_broadcast).
    const wire = this.wire(facts);
    const arrivals = [
      wire,
      ...this.upUppers(wire).filter((u) => u.promisc || u.allmulti || this.orderedMacs(u).includes(frameMac)),
    ];
    const sockets = this.martianSource(src, dst) ? [] : [...new Set(arrivals.flatMap((a) => this.receivers(a, ref, src.value, port)))];
    return { error: null, verdict: this.classifyOn(wire, frameMac), sockets: sockets.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)) };
  }

  /**
   * Sources the IP layer drops before any group lookup.
   * IPv4, net/ipv4/route.c ip_mc_validate_source: limited broadcast; loopback (route_localnet
   * is 0); 0.0.0.0/8 unless the group is 224.0.0.0/24; and, through fib_validate_source, an
   * address of the host itself (any interface).
   * IPv6, net/ipv6/ip6_input.c ip6_rcv_core: a multicast, loopback or v4-mapped source.
   */
  protected martianSource(src: OracleIp, dst: OracleIp): boolean {
    if (src.family === 'ipv4') {
      const firstOctet = src.value >> 24n;
      if (src.value === IPV4_LIMITED_BROADCAST || firstOctet === IPV4_LOOPBACK_NET) return true;
      if (firstOctet === 0n) return dst.value >> 8n !== IPV4_LOCAL_MULTICAST_NET;
      return [...this.interfaces.values()].some((i) => i.ipv4.includes(src.value));
    }
    return src.multicast || src.value === 1n || src.value >> 32n === IPV6_V4MAPPED_PREFIX;
  }

  /**
   * The membership whose filter decides whether a socket receives; none means it receives
   * (IP_MULTICAST_ALL / IPV6_MULTICAST_ALL default to 1).
   * IPv4, net/ipv4/igmp.c ip_mc_sf_allow: the membership for (group, arrival interface).
   * IPv6, net/ipv6/mcast.c inet6_mc_check: the first membership of the group in the socket's
   * list, on any interface; joins are pushed at the head, so the newest one.
   */
  protected deliveryFilter(socket: OpenSocket, ref: GroupRef, iface: string): Membership | undefined {
    if (ref.family === 'ipv4') return this.membership(socket.id, ref, iface);
    return this.memberships.ofSocket(socket.id).reverse().find((m) => sameGroup(m, ref));
  }

  /** Who receives a UDP datagram (src -> group:port) that the NIC passed up. */
  protected receivers(facts: InterfaceFacts, ref: GroupRef, source: bigint, port: number): string[] {
    // net/ipv6/ip6_input.c ip6_rcv_core: a disable_ipv6 device takes no IPv6 at all; scope 0
    // (reserved) and 1 (interface-local) multicast from the wire is dropped.
    if (ref.family === 'ipv6' && facts.disableIpv6) return [];
    if (ref.family === 'ipv6' && ipv6MulticastScope(ref.group) < IPV6_SCOPE_LINK_LOCAL) return [];
    // The interface's merged filter (net/ipv4/igmp.c ip_check_mc_rcu, net/ipv6/mcast.c
    // ipv6_chk_mcast_addr): the group must be held, and some holder must admit the source.
    // Kernel-held automatic groups are EXCLUDE {} and admit every source. An unspecified source
    // (0.0.0.0, ::) is not filtered ("unspecified source; tentatively allow").
    const holders = this.holders(facts, ref);
    if (holders.length === 0) return [];
    // The interface's source counts decide: normally those of the holders' filters, but a group
    // that used a delete record keeps the record's (./source-tables.ts).
    const excludeHolders = holders.filter((h) => h.mode === 'exclude').length;
    if (source !== 0n && !facts.sources.passes(groupKey(ref), source, excludeHolders)) return [];
    const receivers: string[] = [];
    for (const socket of this.sockets.values()) {
      if (!socket.bound || socket.family !== ref.family || socket.port !== port) continue;
      if (socket.bind !== 0n && socket.bind !== ref.group) continue;
      const m = this.deliveryFilter(socket, ref, facts.name);
      if (m && !admits(m, source)) continue;
      receivers.push(socket.id);
    }
    return receivers.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  }
}
