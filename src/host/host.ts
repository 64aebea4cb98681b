// The model of a Linux host's multicast receive path: sockets and memberships, per-interface group
// records, the device list, flag counters, rx-mode programming and delivery (docs/semantics.md).
import { type Errno, InputError } from '../errors.ts';
import { type FaultSet, NO_FAULTS } from '../faults.ts';
import type { NicProfile, RxMode } from '../nic/filter.ts';
import { resolveProfile } from '../profiles/registry.ts';
import type {
  Delivery,
  DeviceListEntry,
  InterfaceSpec,
  JoinStep,
  JsonValue,
  RoutedReplay,
  SocketFamily,
  Step,
} from '../scenario/types.ts';
import { type AnyStep, isRouteStep } from '../scenario/types.ts';
import { DEFAULT_MULTICAST_TTL, HostRouting } from './routing.ts';
import { type IpAddr, type IpPrefix, isMulticastIp, isWildcard, sameIp } from '../wire/ip.ts';
import { multicastScope } from '../wire/ipv6.ts';
import { type Mac, isMulticastMac, parseMac } from '../wire/mac.ts';
import { ipOf, prefixOf, wireMacOf } from './addr-cache.ts';
import type { FilterMode } from './group.ts';
import { HostInterface } from './interface.ts';
import { IGMP_MAX_MEMBERSHIPS, IGMP_MAX_MSF, IPV6_ADDR_SCOPE_LINKLOCAL, MLD_MAX_MSF } from './limits.ts';
import { type Membership, UdpSocket } from './socket.ts';

export interface HostOptions {
  /** Overrides every interface's `nic`. */
  readonly profile?: string;
  readonly faults?: FaultSet;
  /** A NIC profile object used for every interface instead of a registry name (check --driver records through it). */
  readonly nicProfile?: NicProfile;
}

export interface ApplyResult {
  readonly error: Errno | null;
  /** For `send` and `frame` steps. */
  readonly delivery?: Delivery;
  /** For `mfc-add`: the queued datagrams it resolved (src/host/routing.ts). */
  readonly replayed?: RoutedReplay[];
}

const DEFAULT_PROFILE = 'accept-all';
/**
 * A macvlan has no NIC: frames reach it through its lower's (delivery asks the lower). Its own
 * ndo_set_rx_mode only syncs; the accept-all filter records what it was asked, for simulate's `nic`.
 */
const MACVLAN_PROFILE = 'accept-all';
/** Ports a socket can hold: bind() to port 0 picks an ephemeral port instead (net/ipv4/udp.c udp_lib_get_port). */
const MIN_PORT = 1;
const MAX_PORT = 65535;

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function parseFamilyIp(text: unknown, family: SocketFamily, where: string): IpAddr {
  const ip = ipOf(text, where);
  if (ip.family !== family) {
    throw new InputError(where, `${JSON.stringify(text)} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  }
  return ip;
}

function parsePrefixes(list: unknown, family: SocketFamily, where: string): IpPrefix[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InputError(where, 'must be an array of ADDR/LEN strings');
  return list.map((text: unknown, i) => {
    const p = prefixOf(text, `${where}/${i}`);
    if (p.addr.family !== family) {
      throw new InputError(`${where}/${i}`, `${JSON.stringify(text)} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
    }
    return p;
  });
}

function parsePort(port: unknown, where: string): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw new InputError(where, `port must be an integer from ${MIN_PORT} to ${MAX_PORT}, got ${JSON.stringify(port)}`);
  }
  return port;
}

function requireBoolean(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new InputError(where, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

function requireString(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new InputError(where, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}

export class Host {
  private readonly interfaces = new Map<string, HostInterface>();
  private readonly sockets = new Map<string, UdpSocket>();
  private readonly faults: FaultSet;
  private routingState: HostRouting | undefined;

  /** True once a route step ran: deliveries and step results then carry routing fields. */
  get routingActive(): boolean {
    return this.routingState?.active === true;
  }

  /** Multicast routing (created on first use, so hosts that never route carry none). */
  get routing(): HostRouting {
    this.routingState ??= new HostRouting(this.interfaces, this.faults);
    return this.routingState;
  }

  constructor(interfaces: readonly InterfaceSpec[], options: HostOptions = {}) {
    this.faults = options.faults ?? NO_FAULTS;
    if (!Array.isArray(interfaces)) throw new InputError('/interfaces', 'must be an array');
    interfaces.forEach((spec: unknown, i) => {
      const where = `/interfaces/${i}`;
      if (!isObject(spec)) throw new InputError(where, 'must be an object');
      const name = requireString(spec.name, `${where}/name`);
      if (this.interfaces.has(name)) throw new InputError(`${where}/name`, `interface ${JSON.stringify(name)} repeats`);
      const mac = parseMac(spec.mac as string, `${where}/mac`);
      if (isMulticastMac(mac)) throw new InputError(`${where}/mac`, `${mac} is not a unicast MAC`);
      const lower = this.lowerOf(spec, where);
      const profileName = lower ? MACVLAN_PROFILE : (options.profile ?? (spec.nic === undefined ? DEFAULT_PROFILE : spec.nic));
      const profileWhere = lower ? `${where}/kind` : options.profile !== undefined ? 'profile' : `${where}/nic`;
      let profile;
      try {
        profile = (lower ? undefined : options.nicProfile) ?? resolveProfile(requireString(profileName, profileWhere));
      } catch (e) {
        if (e instanceof InputError && e.where !== profileWhere) throw new InputError(profileWhere, e.message);
        throw e;
      }
      this.interfaces.set(
        name,
        new HostInterface(
          {
            name,
            mac,
            ipv4: parsePrefixes(spec.ipv4, 'ipv4', `${where}/ipv4`),
            ipv6: parsePrefixes(spec.ipv6, 'ipv6', `${where}/ipv6`),
            disableIpv6: spec.disableIpv6 === true,
            profile,
            ...(lower ? { lower } : {}),
          },
          this.faults,
        ),
      );
    });
  }

  /** A macvlan's lower: a plain interface declared before it (validateScenario says the same with more words). */
  private lowerOf(spec: Record<string, unknown>, where: string): HostInterface | undefined {
    if (spec.kind === undefined) return undefined;
    if (spec.kind !== 'macvlan') throw new InputError(`${where}/kind`, `unknown interface kind ${JSON.stringify(spec.kind)}`);
    const lower = typeof spec.lower === 'string' ? this.interfaces.get(spec.lower) : undefined;
    if (!lower || lower.lower) {
      throw new InputError(`${where}/lower`, `${JSON.stringify(spec.lower)} is not a plain interface declared before this macvlan`);
    }
    return lower;
  }

  /** Applies one step. `where` is the step's JSON pointer, used in InputError messages. */
  apply(step: AnyStep, where = ''): ApplyResult {
    if (!isObject(step)) throw new InputError(where, 'a step must be an object');
    if (isRouteStep(step)) return this.routing.apply(step);
    switch (step.op) {
      case 'open':
        return { error: this.open(step.socket, step.family, step.bind, step.port, where) };
      case 'join':
        return { error: this.join(step, where) };
      case 'leave':
        return { error: this.leave(step.socket, step.group, step.iface, where) };
      case 'close':
        return { error: this.close(step.socket, where) };
      case 'maddr': {
        const iface = this.iface(step.iface, `${where}/iface`);
        const mac = parseMac(step.mac, `${where}/mac`);
        return { error: requireBoolean(step.add, `${where}/add`) ? iface.maddrAdd(mac) : iface.maddrDel(mac) };
      }
      case 'promisc':
        this.iface(step.iface, `${where}/iface`).setPromisc(requireBoolean(step.on, `${where}/on`));
        return { error: null };
      case 'allmulti':
        this.iface(step.iface, `${where}/iface`).setAllmulti(requireBoolean(step.on, `${where}/on`));
        return { error: null };
      case 'link': {
        const iface = this.iface(step.iface, `${where}/iface`);
        if (!iface.lower) throw new InputError(`${where}/iface`, `${JSON.stringify(step.iface)} is a plain interface: only stacked interfaces go down and up`);
        if (requireBoolean(step.up, `${where}/up`)) iface.linkUp();
        else iface.linkDown();
        return { error: null };
      }
      case 'send':
        return { error: null, delivery: this.send(step.iface, step.src, step.dst, step.port, where, step.id, step.ttl ?? step.hopLimit) };
      case 'frame': {
        const iface = this.iface(step.iface, `${where}/iface`);
        const dst = parseMac(step.dst, `${where}/dst`);
        return { error: null, delivery: { nic: wireOf(iface).nic.accept(dst), sockets: [] } };
      }
      default:
        throw new InputError(`${where}/op`, `unknown step op ${JSON.stringify((step as { op?: unknown }).op)}`);
    }
  }

  private iface(name: unknown, where: string): HostInterface {
    const iface = typeof name === 'string' ? this.interfaces.get(name) : undefined;
    if (!iface) throw new InputError(where, `no interface named ${JSON.stringify(name)}`);
    return iface;
  }

  private open(id: unknown, family: unknown, bind: unknown, port: unknown, where: string): Errno | null {
    const socketId = requireString(id, `${where}/socket`);
    if (family !== 'ipv4' && family !== 'ipv6') {
      throw new InputError(`${where}/family`, `family must be "ipv4" or "ipv6", got ${JSON.stringify(family)}`);
    }
    if (this.sockets.has(socketId)) throw new InputError(`${where}/socket`, `socket ${JSON.stringify(socketId)} is already open`);
    const addr = parseFamilyIp(bind, family, `${where}/bind`);
    const error = bindError(addr) ?? this.bindAddressError(addr);
    this.sockets.set(socketId, new UdpSocket(socketId, family, addr, parsePort(port, `${where}/port`), error === null));
    return error;
  }

  /**
   * net/ipv6/af_inet6.c __inet6_bind: a unicast address the host does not hold (ipv6_chk_addr)
   * is EADDRNOTAVAIL. Static validation allows only the interfaces' addresses, so this is an
   * address a macvlan's `link down` deleted. IPv4 addresses survive a down (net/ipv4/devinet.c).
   */
  private bindAddressError(addr: IpAddr): Errno | null {
    if (addr.family !== 'ipv6' || isWildcard(addr) || isMulticastIp(addr)) return null;
    const all = [...this.interfaces.values()];
    const deleted = all.some((i) => i.ipv6.some((p) => p.addr.value === addr.value)) && !all.some((i) => i.holdsIpv6(addr));
    return deleted ? 'EADDRNOTAVAIL' : null;
  }

  /**
   * `join`: an any-source join is IP_ADD_MEMBERSHIP / MCAST_JOIN_GROUP. `include` is one
   * MCAST_JOIN_SOURCE_GROUP per source; `exclude` is one MCAST_JOIN_GROUP, then one
   * MCAST_BLOCK_SOURCE per source (net/ipv4/ip_sockglue.c do_mcast_group_source,
   * net/ipv6/ipv6_sockglue.c do_ipv6_mcast_group_source). The first error stops the series.
   */
  private join(step: JoinStep, where: string): Errno | null {
    const groupText = step.group;
    const group = ipOf(groupText, `${where}/group`);
    const iface = this.iface(step.iface, `${where}/iface`);
    if (step.mode !== undefined && step.mode !== 'include' && step.mode !== 'exclude') {
      throw new InputError(`${where}/mode`, `mode must be "include" or "exclude", got ${JSON.stringify(step.mode)}`);
    }
    if ((step.mode === undefined) !== (step.sources === undefined)) {
      throw new InputError(`${where}/${step.mode === undefined ? 'sources' : 'mode'}`, 'a source-specific join needs both mode and sources');
    }
    if (step.sources !== undefined && !Array.isArray(step.sources)) {
      throw new InputError(`${where}/sources`, 'must be an array of addresses');
    }
    const sock = this.sockets.get(requireString(step.socket, `${where}/socket`));
    if (!sock) return 'EBADF';
    if (group.family !== sock.family) {
      throw new InputError(`${where}/group`, `${JSON.stringify(groupText)} is not of the socket's family ${sock.family}`);
    }
    const sources = (step.sources ?? []).map((s, i) => parseFamilyIp(s, sock.family, `${where}/sources/${i}`));

    if (step.mode === undefined) return this.joinGroup(sock, group, iface, 'exclude');
    if (step.mode === 'include') {
      for (const source of sources) {
        const err = this.joinGroup(sock, group, iface, 'include');
        // "prior join w/ different source is ok" (ipv6_sockglue.c; same in ip_sockglue.c)
        if (err !== null && err !== 'EADDRINUSE') return err;
        const srcErr = this.addSource(sock, group, iface, 'include', source);
        if (srcErr !== null) return srcErr;
      }
      return null;
    }
    const err = this.joinGroup(sock, group, iface, 'exclude');
    if (err !== null) return err;
    for (const source of sources) {
      const srcErr = this.addSource(sock, group, iface, 'exclude', source);
      if (srcErr !== null) return srcErr;
    }
    return null;
  }

  /** __ip_mc_join_group (net/ipv4/igmp.c) / __ipv6_sock_mc_join (net/ipv6/mcast.c). */
  private joinGroup(sock: UdpSocket, group: IpAddr, iface: HostInterface, mode: FilterMode): Errno | null {
    if (!isMulticastIp(group)) return 'EINVAL';
    if (sock.membership(group, iface)) {
      if (this.faults.has('group-users-on-eaddrinuse')) {
        const rec = iface.group(group);
        if (rec) rec.users++;
      }
      return 'EADDRINUSE';
    }
    if (sock.family === 'ipv4' && sock.memberships.length >= IGMP_MAX_MEMBERSHIPS) return 'ENOBUFS';
    sock.memberships.unshift({ group, iface, sfmode: mode, sources: null });
    iface.incGroup(group, mode);
    return null;
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
  private addSource(sock: UdpSocket, group: IpAddr, iface: HostInterface, omode: FilterMode, source: IpAddr): Errno | null {
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
    const max = sock.family === 'ipv4' ? IGMP_MAX_MSF + (this.faults.has('igmp-msf-11') ? 1 : 0) : MLD_MAX_MSF;
    if (pmc.sources && pmc.sources.length >= max) return 'ENOBUFS';
    if (!pmc.sources) pmc.sources = [];
    if (pmc.sources.includes(source.text)) return 'EADDRNOTAVAIL';
    pmc.sources.push(source.text);
    rec?.addSources(omode, [source.text], true);
    return null;
  }

  /** IP_DROP_MEMBERSHIP / MCAST_LEAVE_GROUP: ip_mc_leave_group / ipv6_sock_mc_drop. */
  private leave(id: unknown, groupText: unknown, ifaceName: unknown, where: string): Errno | null {
    const group = ipOf(groupText, `${where}/group`);
    const iface = this.iface(ifaceName, `${where}/iface`);
    const sock = this.sockets.get(requireString(id, `${where}/socket`));
    if (!sock) return 'EBADF';
    if (group.family !== sock.family) {
      throw new InputError(`${where}/group`, `${JSON.stringify(groupText)} is not of the socket's family ${sock.family}`);
    }
    // ipv6_sock_mc_drop checks the group first; ip_mc_leave_group does not (EADDRNOTAVAIL).
    if (sock.family === 'ipv6' && !isMulticastIp(group)) return 'EINVAL';
    const m = sock.memberships.remove(group, iface);
    if (!m) return 'EADDRNOTAVAIL';
    this.dropMembership(m);
    return null;
  }

  /** ip_mc_leave_src + ip_mc_dec_group (ip6_mc_leave_src + __ipv6_dev_mc_dec). */
  private dropMembership(m: Membership): void {
    // delta = true leaves sfcount[mode] as it was: what the 'sfcount-exclude-kept' fault does to EXCLUDE.
    const keepCount = m.sfmode === 'exclude' && this.faults.has('sfcount-exclude-kept');
    m.iface.group(m.group)?.delSources(m.sfmode, m.sources ?? [], keepCount);
    m.iface.decGroup(m.group);
  }

  /** close(): ip_mc_drop_socket / ipv6_sock_mc_close drop every membership, head first. */
  private close(id: unknown, where: string): Errno | null {
    const socketId = requireString(id, `${where}/socket`);
    const sock = this.sockets.get(socketId);
    if (!sock) return 'EBADF';
    for (const m of sock.memberships.takeAll()) this.dropMembership(m);
    this.sockets.delete(socketId);
    return null;
  }

  private send(ifaceName: unknown, srcText: unknown, dstText: unknown, port: unknown, where: string, id = '', ttl?: number): Delivery {
    const local = this.deliverLocally(ifaceName, srcText, dstText, port, where);
    if (!this.routingState?.active || !local.nic) return local;
    // ip_route_input_mc hands the datagram to ip_mr_input after ip_mc_validate_source, whether or
    // not the host joined the group (net/ipv4/route.c; net/ipv6/ip6_input.c ip6_mc_input).
    const src = ipOf(srcText, `${where}/src`);
    const dst = ipOf(dstText, `${where}/dst`);
    const iface = this.iface(ifaceName, `${where}/iface`);
    const dropped = dst.family === 'ipv6' && (iface.disableIpv6 || multicastScope(dst) < IPV6_ADDR_SCOPE_LINKLOCAL);
    if (dropped || this.martianSource(src, dst)) return { ...local, route: 'not-routed', forwarded: [], upcalls: [] };
    return { ...local, ...this.routingState.input(id, String(ifaceName), src.text, dst.text, ttl ?? DEFAULT_MULTICAST_TTL) };
  }

  private deliverLocally(ifaceName: unknown, srcText: unknown, dstText: unknown, port: unknown, where: string): Delivery {
    const iface = this.iface(ifaceName, `${where}/iface`);
    const dst = ipOf(dstText, `${where}/dst`);
    if (!isMulticastIp(dst)) throw new InputError(`${where}/dst`, `${JSON.stringify(dstText)} is not a multicast address`);
    const src = parseFamilyIp(srcText, dst.family, `${where}/src`);
    const dport = parsePort(port, `${where}/port`);
    // The sender maps the group with ip_eth_mc_map / ipv6_eth_mc_map: the wire MAC is always right.
    // A datagram for a macvlan travels on its lower's wire: the lower's NIC decides.
    const wire = wireOf(iface);
    const mac = wireMacOf(dst);
    if (!wire.nic.accept(mac)) return { nic: false, sockets: [] };
    if (this.martianSource(src, dst)) return { nic: true, sockets: [] };
    // The lower's own stack gets it (drivers/net/macvlan.c macvlan_handle_frame returns
    // RX_HANDLER_PASS for multicast), and so does every up macvlan on it whose filter passes the
    // MAC (macvlan_broadcast, MACVLAN_MODE_ALL for frames from outside).
    const arrivals = [wire, ...wire.uppers.filter((u) => u.macvlanPasses(mac))];
    const receivers = new Set<string>();
    for (const arrival of arrivals) {
      if (!this.ipLayerAccepts(arrival, src, dst)) continue;
      for (const sock of this.sockets.values()) {
        // __udp_is_mcast_sock / __udp_v6_is_mcast_sock: family, port, bound address, then the filter.
        if (!sock.bound || sock.family !== dst.family || sock.port !== dport) continue;
        if (!isWildcard(sock.bind) && !sameIp(sock.bind, dst)) continue;
        if (!sock.filterAllows(dst, arrival, src, this.faults.has('delivery-any-iface'))) continue;
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
  private martianSource(src: IpAddr, dst: IpAddr): boolean {
    if (src.family === 'ipv4') {
      const net8 = src.value >> 24n;
      if (isMulticastIp(src) || src.value === 0xffffffffn || net8 === 127n) return true;
      if (net8 === 0n) return dst.value >> 8n !== 0xe00000n;
      for (const i of this.interfaces.values()) if (i.ipv4.some((p) => sameIp(p.addr, src))) return true;
      return false;
    }
    return isMulticastIp(src) || src.value === 1n || src.value >> 32n === 0xffffn;
  }

  /**
   * IPv4: ip_route_input_rcu → ip_check_mc_rcu (net/ipv4/route.c, net/ipv4/igmp.c).
   * IPv6: ip6_rcv_core drops everything on a disable_ipv6 device and multicast of scope 0 or 1
   * from the wire (net/ipv6/ip6_input.c); ip6_mc_input → ipv6_chk_mcast_addr (net/ipv6/mcast.c).
   */
  private ipLayerAccepts(iface: HostInterface, src: IpAddr, dst: IpAddr): boolean {
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

  // ---- views ----

  interfaceNames(): string[] {
    return Array.from(this.interfaces.keys());
  }

  /** dev->mc in list order, users = refcount (/proc/net/dev_mcast). */
  deviceList(iface: string): DeviceListEntry[] {
    return this.iface(iface, iface)
      .deviceList.entriesInOrder()
      .map((ha) => ({ mac: ha.addr, users: ha.refcount }));
  }

  counters(iface: string): { promisc: number; allmulti: number } {
    const flags = this.iface(iface, iface).flags;
    return { promisc: flags.promiscuity, allmulti: flags.allmulti };
  }

  rxMode(iface: string): RxMode {
    return this.iface(iface, iface).rxMode();
  }

  /** The NIC decision for a frame on the interface's wire (a macvlan's is its lower's). */
  nicAccepts(iface: string, mac: Mac): boolean {
    return wireOf(this.iface(iface, iface)).nic.accept(mac);
  }

  nicState(iface: string): JsonValue {
    return this.iface(iface, iface).nic.state();
  }

  /** Users of the interface's group record (0 when absent): /proc/net/igmp, /proc/net/igmp6. */
  groupUsers(iface: string, group: string): number {
    return this.iface(iface, iface).group(ipOf(group, 'group'))?.users ?? 0;
  }

  /** Every group record of the interface with its users, sorted by group text. */
  groups(iface: string): { group: string; users: number }[] {
    return this.iface(iface, iface)
      .groupRecords()
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  /** The device-list entries with global_use set (`ip maddr add`): /proc/net/dev_mcast's 4th column. */
  globalMacs(iface: string): Mac[] {
    return this.iface(iface, iface)
      .deviceList.entriesInOrder()
      .filter((ha) => ha.globalUse)
      .map((ha) => ha.addr)
      .sort();
  }

  /** A fresh filter of the interface's profile, as the driver leaves it at open before the first rx-mode call. */
  nicAcceptsAtOpen(iface: string, mac: Mac): boolean {
    const i = wireOf(this.iface(iface, iface));
    return i.profile.create(i.mac, this.faults).accept(mac);
  }

  /** Socket ids currently open, in opening order. */
  openSockets(): string[] {
    return Array.from(this.sockets.keys());
  }
}

/** The interface whose NIC a frame for `iface` meets: the lower of a macvlan, else itself. */
function wireOf(iface: HostInterface): HostInterface {
  return iface.lower ?? iface;
}

/**
 * net/ipv6/af_inet6.c __inet6_bind: an address that needs a scope id (__ipv6_addr_needs_scope_id:
 * link-local unicast fe80::/10, multicast of interface-local or link-local scope) cannot be bound
 * without one: EINVAL. The scenario format has no scope id, so such a bind always fails.
 */
function bindError(addr: IpAddr): Errno | null {
  if (addr.family !== 'ipv6') return null;
  const linkLocalUnicast = addr.value >> 118n === 0x3fan;
  const scope = multicastScope(addr);
  const scopedMulticast = isMulticastIp(addr) && (scope === 1 || scope === 2);
  return linkLocalUnicast || scopedMulticast ? 'EINVAL' : null;
}
