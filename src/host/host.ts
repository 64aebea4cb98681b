// The model of a Linux host's multicast receive path: sockets and memberships, per-interface group
// records, the device list, flag counters, rx-mode programming and delivery (docs/semantics.md).
import { type Errno, InputError } from '../errors.ts';
import { type FaultSet, NO_FAULTS } from '../faults.ts';
import type { NicProfile, RxMode } from '../nic/filter.ts';
import { KeyedFilter } from '../nic/keyed.ts';
import { resolveProfile } from '../profiles/registry.ts';
import type {
  Delivery,
  DeviceListEntry,
  InterfaceSpec,
  JoinStep,
  JsonValue,
  RoutedReplay,
} from '../scenario/types.ts';
import { type AnyStep, isRouteStep } from '../scenario/types.ts';
import { fillMacs } from '../scenario/fill.ts';
import { DEFAULT_MULTICAST_TTL, HostRouting, type RouteApplyResult } from './routing.ts';
import { type IpAddr, isMulticastIp } from '../wire/ip.ts';
import { multicastScope } from '../wire/ipv6.ts';
import { type Mac, isMulticastMac, parseMac } from '../wire/mac.ts';
import { ipOf } from './addr-cache.ts';
import type { FilterMode } from './group.ts';
import { HostInterface } from './interface.ts';
import { IPV6_ADDR_SCOPE_LINKLOCAL } from './limits.ts';
import { UdpSocket } from './socket.ts';
import { addSource, dropMembership, joinGoneDevice, joinGroup } from './membership-ops.ts';
import { bindError } from './bind.ts';
import { deliver, martianSource, wireOf, withBurst } from './delivery.ts';
import { isObject, parseFamilyIp, parsePort, parsePrefixes, requireBoolean, requireString } from './step-fields.ts';

export interface HostOptions {
  /** Overrides every interface's `nic`. */
  readonly profile?: string;
  readonly faults?: FaultSet;
  /** A NIC profile object used for every interface instead of a registry name (check --driver records through it). */
  readonly nicProfile?: NicProfile;
}

export interface ApplyResult extends RouteApplyResult {
  /** For `send` and `frame` steps. */
  readonly delivery?: Delivery;
}

const DEFAULT_PROFILE = 'accept-all';
/**
 * A macvlan has no NIC: frames reach it through its lower's (delivery asks the lower). Its own
 * ndo_set_rx_mode only syncs; the accept-all filter records what it was asked, for simulate's `nic`.
 */
const MACVLAN_PROFILE = 'accept-all';

export class Host {
  private readonly interfaces = new Map<string, HostInterface>();
  private readonly sockets = new Map<string, UdpSocket>();
  /** Interfaces a link-del step deleted: joins and leaves may still name them by ifindex. */
  private readonly deleted = new Map<string, HostInterface>();
  /** ifindex: lo is 1, the scenario's interfaces follow in declaration order (kept after a link-del). */
  private readonly ifindexes = new Map<string, number>();
  private readonly faults: FaultSet;
  private routingState: HostRouting | undefined;

  /** True once a route step ran: deliveries and step results then carry routing fields. */
  get routingActive(): boolean {
    return this.routingState?.active === true;
  }

  /** Multicast routing (created on first use, so hosts that never route carry none). */
  get routing(): HostRouting {
    this.routingState ??= new HostRouting(this.interfaces, this.faults, this.ifindexes);
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
      this.ifindexes.set(name, i + 2);
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
            ...(lower ? { lower, up: spec.up !== false } : {}),
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
      case 'fill': {
        const iface = this.iface(step.iface, `${where}/iface`);
        // One `ip maddr add` after another: the first error ends the run, as a shell loop with && would.
        for (const mac of fillMacs(step)) {
          const error = iface.maddrAdd(mac);
          if (error !== null) return { error };
        }
        return { error: null };
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
      case 'link-del':
        this.linkDel(step.iface, where);
        return { error: null };
      case 'send':
        return { error: null, delivery: withBurst(this.send(step.iface, step.src, step.dst, step.port, where, step.id, { ttl: step.ttl ?? step.hopLimit, payload: step.payload }), this.iface(step.iface, `${where}/iface`), ipOf(step.dst, `${where}/dst`), step.burst) };
      case 'frame': {
        const iface = this.iface(step.iface, `${where}/iface`);
        const dst = parseMac(step.dst, `${where}/dst`);
        return { error: null, delivery: { nic: wireOf(iface).nic.accept(dst), sockets: [] } };
      }
      default:
        throw new InputError(`${where}/op`, `unknown step op ${JSON.stringify((step as { op?: unknown }).op)}`);
    }
  }

  /**
   * `ip link del`: a lower takes its macvlans first (drivers/net/macvlan.c macvlan_device_event,
   * NETDEV_UNREGISTER). Each is closed (dev_close: macvlan_stop, NETDEV_DOWN), then unregistered:
   * its vifs go (net/ipv4/ipmr.c ipmr_device_event, net/ipv6/ip6mr.c ip6mr_device_event) and its
   * group records with it (net/ipv4/igmp.c ip_mc_destroy_dev, net/ipv6/mcast.c
   * ipv6_mc_destroy_dev). Sockets keep their memberships on it until they leave or close: an IPv4
   * one still counts toward igmp_max_memberships, an IPv6 one still filters (inet6_mc_check).
   */
  private linkDel(name: unknown, where: string): void {
    const iface = this.iface(name, `${where}/iface`);
    for (const victim of [...iface.uppers, iface]) {
      victim.unregister();
      this.routingState?.router.unregisterDevice(victim.name);
      this.interfaces.delete(victim.name);
      this.deleted.set(victim.name, victim);
    }
  }

  /**
   * The parsed group, when the named interface (deleted or not) holds a record of that canonical
   * text: what ipOf would answer, without parsing or caching 100,000 distinct texts.
   */
  private knownGroup(ifaceName: unknown, text: unknown): IpAddr | undefined {
    if (typeof ifaceName !== 'string') return undefined;
    return (this.deleted.get(ifaceName) ?? this.interfaces.get(ifaceName))?.knownGroup(text);
  }

  private isDeleted(iface: HostInterface): boolean {
    return this.deleted.get(iface.name) === iface;
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
    const error = bindError(addr, this.interfaces, this.deleted);
    this.sockets.set(socketId, new UdpSocket(socketId, family, addr, parsePort(port, `${where}/port`), error === null));
    return error;
  }

  /**
   * `join`: an any-source join is IP_ADD_MEMBERSHIP / MCAST_JOIN_GROUP. `include` is one
   * MCAST_JOIN_SOURCE_GROUP per source; `exclude` is one MCAST_JOIN_GROUP, then one
   * MCAST_BLOCK_SOURCE per source (net/ipv4/ip_sockglue.c do_mcast_group_source,
   * net/ipv6/ipv6_sockglue.c do_ipv6_mcast_group_source). The first error stops the series.
   */
  private join(step: JoinStep, where: string): Errno | null {
    const groupText = step.group;
    const group = this.knownGroup(step.iface, groupText) ?? ipOf(groupText, `${where}/group`);
    const gone = this.deleted.get(step.iface);
    const iface = gone ?? this.iface(step.iface, `${where}/iface`);
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
    // An any-source join (the common case) before the closures below: a join allocates nothing more.
    if (step.mode === undefined) return gone ? joinGoneDevice(sock, group, iface, 'join') : joinGroup(sock, group, iface, 'exclude', this.faults);
    const sources = (step.sources ?? []).map((s, i) => parseFamilyIp(s, sock.family, `${where}/sources/${i}`));
    const join = (mode: FilterMode): Errno | null => (gone ? joinGoneDevice(sock, group, iface, 'join') : joinGroup(sock, group, iface, mode, this.faults));
    const source = (mode: FilterMode, src: IpAddr): Errno | null => (gone ? joinGoneDevice(sock, group, iface, 'source') : addSource(sock, group, iface, mode, src, this.faults));

    if (step.mode === 'include') {
      for (const src of sources) {
        const err = join('include');
        // "prior join w/ different source is ok" (ipv6_sockglue.c; same in ip_sockglue.c)
        if (err !== null && err !== 'EADDRINUSE') return err;
        const srcErr = source('include', src);
        if (srcErr !== null) return srcErr;
      }
      return null;
    }
    const err = join('exclude');
    if (err !== null) return err;
    for (const src of sources) {
      const srcErr = source('exclude', src);
      if (srcErr !== null) return srcErr;
    }
    return null;
  }

  /** IP_DROP_MEMBERSHIP / MCAST_LEAVE_GROUP: ip_mc_leave_group / ipv6_sock_mc_drop. */
  private leave(id: unknown, groupText: unknown, ifaceName: unknown, where: string): Errno | null {
    const group = this.knownGroup(ifaceName, groupText) ?? ipOf(groupText, `${where}/group`);
    const iface = (typeof ifaceName === 'string' ? this.deleted.get(ifaceName) : undefined) ?? this.iface(ifaceName, `${where}/iface`);
    const sock = this.sockets.get(requireString(id, `${where}/socket`));
    if (!sock) return 'EBADF';
    if (group.family !== sock.family) {
      throw new InputError(`${where}/group`, `${JSON.stringify(groupText)} is not of the socket's family ${sock.family}`);
    }
    // ipv6_sock_mc_drop checks the group first; ip_mc_leave_group does not (EADDRNOTAVAIL).
    if (sock.family === 'ipv6' && !isMulticastIp(group)) return 'EINVAL';
    const m = sock.memberships.remove(group, iface);
    if (!m) return 'EADDRNOTAVAIL';
    dropMembership(m, this.faults, this.isDeleted(m.iface));
    return null;
  }

  /** close(): ip_mc_drop_socket / ipv6_sock_mc_close drop every membership, head first. */
  private close(id: unknown, where: string): Errno | null {
    const socketId = requireString(id, `${where}/socket`);
    const sock = this.sockets.get(socketId);
    if (!sock) return 'EBADF';
    for (const m of sock.memberships.takeAll()) dropMembership(m, this.faults, this.isDeleted(m.iface));
    this.sockets.delete(socketId);
    return null;
  }

  private send(ifaceName: unknown, srcText: unknown, dstText: unknown, port: unknown, where: string, id = '', routed: { ttl?: number; payload?: number } = {}): Delivery {
    const local = this.deliverLocally(ifaceName, srcText, dstText, port, where);
    if (!this.routingState?.active || !local.nic) return local;
    // ip_route_input_mc hands the datagram to ip_mr_input after ip_mc_validate_source, whether or
    // not the host joined the group (net/ipv4/route.c; net/ipv6/ip6_input.c ip6_mc_input).
    const src = ipOf(srcText, `${where}/src`);
    const dst = ipOf(dstText, `${where}/dst`);
    const iface = this.iface(ifaceName, `${where}/iface`);
    const dropped = dst.family === 'ipv6' && (iface.disableIpv6 || multicastScope(dst) < IPV6_ADDR_SCOPE_LINKLOCAL);
    if (dropped || martianSource(this.interfaces, src, dst)) return { ...local, route: 'not-routed', forwarded: [], upcalls: [] };
    return { ...local, ...this.routingState.input(id, String(ifaceName), src.text, dst.text, routed.ttl ?? DEFAULT_MULTICAST_TTL, routed.payload) };
  }

  private deliverLocally(ifaceName: unknown, srcText: unknown, dstText: unknown, port: unknown, where: string): Delivery {
    const iface = this.iface(ifaceName, `${where}/iface`);
    const dst = ipOf(dstText, `${where}/dst`);
    if (!isMulticastIp(dst)) throw new InputError(`${where}/dst`, `${JSON.stringify(dstText)} is not a multicast address`);
    const src = parseFamilyIp(srcText, dst.family, `${where}/src`);
    const dport = parsePort(port, `${where}/port`);
    return deliver(this.interfaces, this.sockets, iface, src, dst, dport, this.faults);
  }

  // ---- views ----

  /** The interfaces that exist now, in declaration order. */
  interfaceNames(): string[] {
    return Array.from(this.interfaces.keys());
  }

  ifindex(iface: string): number {
    return this.ifindexes.get(iface) ?? 0;
  }

  /** dev->mc in list order, users = refcount (/proc/net/dev_mcast). */
  deviceList(iface: string): DeviceListEntry[] {
    return this.iface(iface, iface).deviceList.listing();
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

  /**
   * nicAccepts for many destinations at once (`check` probes every device-list entry after each step);
   * given macs[i]'s halves (wire/mac-key.ts), a built-in filter (accept() = acceptKey, nic/keyed.ts) is asked by key. */
  nicAcceptsAll(iface: string, macs: readonly Mac[], keys?: { readonly hi: Int32Array; readonly lo: Int32Array }): boolean[] {
    const nic = wireOf(this.iface(iface, iface)).nic;
    if (keys === undefined || !(nic instanceof KeyedFilter)) return macs.map((mac) => nic.accept(mac));
    const out = new Array<boolean>(macs.length);
    for (let i = 0; i < macs.length; i++) out[i] = nic.acceptKey(keys.hi[i] as number, keys.lo[i] as number);
    return out;
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

  /** The device-list entries with global_use set (`ip maddr add`): /proc/net/dev_mcast's 4th column; sorted, or in list order. */
  globalMacs(iface: string, order: 'sorted' | 'list' = 'sorted'): Mac[] {
    const macs = this.iface(iface, iface).deviceList.globalAddrs();
    return order === 'sorted' ? macs.sort() : macs;
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
