// The generator's stateful builder: maps an intent to the steps that are valid where it stands,
// and advances past each step it keeps.
import type { InterfaceSpec, SocketFamily, Step } from '../scenario/types.ts';
import { ipFromValue, parseIp } from '../wire/ip.ts';
import { BROADCAST_MAC } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { StepValidity } from './validity.ts';
import { type InterfacePools, IPV4_GROUP_POOL, randomIpv4Group, randomIpv6Group, randomMac, IPV4_UNICAST, IPV6_STATIC_GROUPS, IPV6_TABLE_FILLERS, IPV6_UNICAST, CLASSIC_MACS, MADDR_POOL, PORTS, UNBOUND_PORT, interfacePools } from './pools.ts';
import type { Intent } from './intents.ts';
import { fillIntentSteps } from './fill-intent.ts';

function at<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

interface Membership {
  readonly group: string;
  readonly iface: string;
  /** The sources of a source-specific join (a datagram from one of them passes an INCLUDE filter). */
  readonly sources: readonly string[];
}

/**
 * The generator's view of the state a step list has built: sockets (id, family, open),
 * what each socket joined, what `maddr` added. Shared with the kernel differential.
 */
export class StepContext {
  readonly validity: StepValidity;
  /** Every interface's pools, deleted ones included. */
  private readonly allPools: readonly InterfacePools[];
  /** Socket ids in the order of their first open. */
  readonly socketIds: string[] = [];
  readonly memberships = new Map<string, Membership[]>();
  readonly maddrs = new Map<string, string[]>();
  readonly ports = new Map<string, number>();
  nextEvent = 0;

  constructor(
    readonly interfaces: readonly InterfaceSpec[],
    readonly ipv6 = true,
    /** Thresholds for fills on interfaces without `nic`; with one, its profile's. */
    readonly fillThresholds: readonly number[] = [],
    /** A fill crosses only thresholds below this; one at or above it becomes a fill to about this many entries. */
    readonly maxList?: number,
    /** false: no link-del steps (a backend whose interfaces are physical NICs: `ip link del` is EOPNOTSUPP). */
    readonly linkDel = true,
  ) {
    this.allPools = interfaces.map((s, i) => interfacePools(s, i));
    this.validity = new StepValidity(interfaces);
  }

  /** The pools of the interfaces that exist now (a link-del step deletes some). */
  get pools(): readonly InterfacePools[] {
    return this.validity.gone.size === 0 ? this.allPools : this.allPools.filter((x) => !this.validity.gone.has(x.spec.name));
  }

  /**
   * What a link-del may take: a macvlan, or a plain interface while another plain one stays (later
   * steps need an interface to arrive on); not an exception-path device (validate.ts).
   */
  private deletable(): InterfacePools[] {
    const plain = this.pools.filter((x) => x.spec.kind === undefined && (x.spec.nic === undefined || resolveProfile(x.spec.nic).stacked === undefined));
    return this.pools.filter((x) => x.spec.kind === 'macvlan' || (plain.includes(x) && plain.length > 1));
  }

  private family(p: number): SocketFamily {
    return this.ipv6 && p % 3 === 2 ? 'ipv6' : 'ipv4';
  }

  private groupPool(family: SocketFamily, pools: InterfacePools): readonly string[] {
    if (family === 'ipv4') return IPV4_GROUP_POOL;
    return [...IPV6_STATIC_GROUPS, ...pools.solicited, ...IPV6_TABLE_FILLERS];
  }

  private group(family: SocketFamily, pools: InterfacePools, p: Intent['p']): string {
    const r = p[2] % 16;
    // IPv6: 6 in 16 joins take a random group of a random scope (0 to 15, each ~2% of IPv6 joins).
    if (r < (family === 'ipv6' ? 9 : 12)) return at(this.groupPool(family, pools), p[3]);
    if (r < 15) return family === 'ipv4' ? randomIpv4Group(p[3], p[4]) : randomIpv6Group(p[3], p[4], p[5]);
    return family === 'ipv4' ? at(IPV4_UNICAST, p[3]) : at(IPV6_UNICAST, p[3]);
  }

  private openSockets(family?: SocketFamily): string[] {
    return this.socketIds.filter((id) => {
      const rec = this.validity.sockets.get(id);
      return rec?.open === true && (family === undefined || rec.family === family);
    });
  }

  private newSocketId(): string {
    return `s${this.socketIds.length}`;
  }

  private open(p: Intent['p'], family = this.family(p[0])): Step {
    const closed = this.socketIds.filter((id) => this.validity.sockets.get(id)?.open === false);
    // Ids may be reopened after close, possibly with the other family.
    const socket = closed.length > 0 && p[1] % 4 === 0 ? at(closed, p[1] >> 2) : this.newSocketId();
    const pools = at(this.pools, p[3]);
    const r = p[2] % 6;
    let bind = family === 'ipv4' ? '0.0.0.0' : '::';
    if (r === 4) bind = at(this.groupPool(family, pools), p[4]);
    if (r === 5) {
      const own = family === 'ipv4' ? pools.ipv4 : pools.ipv6;
      if (own.length > 0) bind = at(own, p[4]);
    }
    return { op: 'open', socket, family, bind, port: at(PORTS, p[5]) };
  }

  /** A socket for join/leave/close: mostly an open one, sometimes a closed one (EBADF). */
  private socketFor(p: number): string | null {
    const open = this.openSockets();
    if (open.length > 0 && p % 10 !== 9) return at(open, p >> 4);
    return this.socketIds.length > 0 ? at(this.socketIds, p >> 4) : null;
  }

  private iface(p: number): InterfacePools {
    return at(this.pools, p);
  }

  /** Filter sources from picks; one pick in eight lists one of the interface's own addresses. */
  private sourceList(family: SocketFamily, pools: InterfacePools, picks: readonly number[], p: number): string[] {
    const sources = picks.map((s) => at(pools.sources[family], s));
    const own = pools.own[family];
    if (p % 8 === 0 && own.length > 0 && sources.length > 0) sources[0] = at(own, p >> 3);
    return sources;
  }

  /** The steps an intent becomes in this state (one, except for burst and fill). Does not change the state. */
  stepsFor(intent: Intent): Step[] {
    const { p } = intent;
    switch (intent.kind) {
      case 'open':
        return [this.open(p)];
      case 'join': {
        const socket = this.socketFor(p[0]);
        if (socket === null) return [this.open(p)];
        const family = this.validity.sockets.get(socket)?.family ?? 'ipv4';
        // One join in four after a link-del names a deleted interface by its ifindex (ENODEV, or
        // EADDRINUSE for an IPv6 group the socket still holds there).
        const gone = this.validity.gone.size > 0 && p[1] % 4 === 3 ? this.allPools.filter((x) => this.validity.gone.has(x.spec.name)) : [];
        const pools = gone.length > 0 ? at(gone, p[1] >> 2) : this.iface(p[1]);
        const group = this.group(family, pools, p);
        if (intent.sources.length === 0) return [{ op: 'join', socket, group, iface: pools.spec.name }];
        return [{ op: 'join', socket, group, iface: pools.spec.name, mode: p[5] % 2 === 0 ? 'include' : 'exclude', sources: this.sourceList(family, pools, intent.sources, p[4]) }];
      }
      case 'burst': {
        // 21-30 joins of distinct groups on one IPv4 socket: past igmp_max_memberships (20).
        const steps: Step[] = [];
        const open4 = this.openSockets('ipv4');
        let socket: string;
        if (open4.length > 0) socket = at(open4, p[0]);
        else {
          const open = this.open(p, 'ipv4');
          steps.push(open);
          socket = (open as { socket: string }).socket;
        }
        const pools = this.iface(p[1]);
        const count = 21 + (p[2] % 10);
        for (let i = 0; i < count; i++) {
          const group = ipFromValue('ipv4', BigInt((0xef030000 | ((p[3] & 0xf) << 8) | (i + 1)) >>> 0)).text;
          steps.push({ op: 'join', socket, group, iface: pools.spec.name });
        }
        return steps;
      }
      case 'filter-pair': {
        // Two sockets filter the same group on one interface (RFC 3376 3.2: the interface's
        // merged filter, ip_mc_add_src / ip_mc_del_src per-mode counts): one INCLUDE {a, b}, the
        // other plain (EXCLUDE {}) or EXCLUDE {b}; half the time the second leaves again (the
        // interface's mode switches back to INCLUDE); then a datagram from a, b or another source.
        const pools = this.iface(p[1]);
        const family = this.family(p[0]);
        const steps: Step[] = [];
        const sockets = this.openSockets(family).slice(0, 2);
        for (let k = 0; sockets.length < 2; k++) {
          // New sockets on one port, bound to the wildcard: the one without a membership still
          // receives what the interface's merged filter lets in (IP_MULTICAST_ALL).
          const socket = `s${this.socketIds.length + k}`;
          steps.push({ op: 'open', socket, family, bind: family === 'ipv4' ? '0.0.0.0' : '::', port: at(PORTS, p[5]) });
          sockets.push(socket);
        }
        const [s1, s2] = sockets as [string, string];
        const group = this.group(family, pools, [p[0], p[1], p[2] % 12, p[3], p[4], p[5]]);
        const [a, b, c] = [0, 1, 2].map((i) => at(pools.sources[family], p[4] + i)) as [string, string, string];
        const iface = pools.spec.name;
        steps.push({ op: 'join', socket: s1, group, iface, mode: 'include', sources: [a, b] });
        steps.push(p[2] % 2 === 0 ? { op: 'join', socket: s2, group, iface } : { op: 'join', socket: s2, group, iface, mode: 'exclude', sources: [b] });
        if (p[3] % 2 === 0) steps.push({ op: 'leave', socket: s2, group, iface });
        const port = this.ports.get(s1) ?? at(PORTS, p[5]);
        steps.push({ op: 'send', id: `m${this.nextEvent}`, iface, src: at([a, b, c], p[5] >> 2), dst: group, port });
        return steps;
      }
      case 'twin-join': {
        // One socket joins the same group on two interfaces with different filters, the plain one
        // first (so the INCLUDE one is the newest): IPv4 delivery must follow the membership of
        // the arrival interface (ip_mc_sf_allow matches the ifindex); IPv6 takes the newest on
        // any interface (inet6_mc_check). Then a datagram on each interface.
        if (this.pools.length < 2) return [];
        const family = this.family(p[0]);
        const open = this.openSockets(family);
        const steps: Step[] = [];
        let socket: string;
        if (open.length > 0) socket = at(open, p[1]);
        else {
          const o = this.open(p, family);
          steps.push(o);
          socket = (o as { socket: string }).socket;
        }
        const [first, second] = p[2] % 2 === 0 ? [this.pools[0], this.pools[1]] : [this.pools[1], this.pools[0]];
        if (!first || !second) return steps;
        const group = this.group(family, first, [p[0], p[1], p[2] % 12, p[3], p[4], p[5]]);
        const a = at(first.sources[family], p[4]);
        steps.push({ op: 'join', socket, group, iface: second.spec.name });
        steps.push({ op: 'join', socket, group, iface: first.spec.name, mode: 'include', sources: [a] });
        const port = this.ports.get(socket) ?? at(PORTS, p[5]);
        for (const pools of [second, first]) {
          const src = p[5] % 2 === 0 ? at(pools.sources[family], p[4]) : at(pools.sources[family], p[4] + 1);
          steps.push({ op: 'send', id: `m${this.nextEvent + steps.filter((s) => s.op === 'send').length}`, iface: pools.spec.name, src, dst: group, port });
        }
        return steps;
      }
      case 'fill': {
        // An interface without a profile of its own (a live backend's) takes the sizes its caller gave.
        const pools = this.iface(p[0]);
        const all = pools.spec.nic !== undefined ? resolveProfile(pools.spec.nic).thresholds : this.fillThresholds;
        return fillIntentSteps(pools.spec.name, all, this.maxList, p);
      }
      case 'leave': {
        const socket = this.socketFor(p[0]);
        if (socket === null) return [this.open(p)];
        const joined = this.memberships.get(socket) ?? [];
        if (joined.length > 0 && p[2] % 4 !== 3) {
          const m = at(joined, p[3]);
          return [{ op: 'leave', socket, group: m.group, iface: m.iface }];
        }
        const family = this.validity.sockets.get(socket)?.family ?? 'ipv4';
        const pools = this.iface(p[1]);
        return [{ op: 'leave', socket, group: this.group(family, pools, p), iface: pools.spec.name }];
      }
      case 'close': {
        const socket = this.socketFor(p[0]);
        return socket === null ? [this.open(p)] : [{ op: 'close', socket }];
      }
      case 'maddr': {
        const pools = this.iface(p[0]);
        const add = p[1] % 3 !== 2;
        const added = this.maddrs.get(pools.spec.name) ?? [];
        let mac: string;
        if (!add && added.length > 0 && p[2] % 2 === 0) mac = at(added, p[3]);
        else if (p[2] % 4 === 3) mac = randomMac(true, p[3], p[4], p[5]);
        else mac = at(MADDR_POOL, p[3]);
        return [{ op: 'maddr', iface: pools.spec.name, mac, add }];
      }
      case 'promisc':
      case 'allmulti': {
        // One flag step in two on a macvlan when there is one: its flags reach the lower only while up.
        const stacked = this.pools.filter((x) => x.spec.kind !== undefined);
        const pools = stacked.length > 0 && p[2] % 2 === 0 ? at(stacked, p[3]) : this.iface(p[0]);
        return [{ op: intent.kind, iface: pools.spec.name, on: p[1] % 2 === 0 }];
      }
      case 'link': {
        // One link intent in eight is `ip link del` (a lower takes its macvlans with it).
        const deletable = p[2] % 8 === 7 && this.linkDel ? this.deletable() : [];
        if (deletable.length > 0) return [{ op: 'link-del', iface: at(deletable, p[3]).spec.name }];
        // `ip link set mv0 down|up`: only stacked interfaces go down (docs/semantics.md).
        const stacked = this.pools.filter((x) => x.spec.kind !== undefined);
        if (stacked.length === 0) return [];
        return [{ op: 'link', iface: at(stacked, p[0]).spec.name, up: p[1] % 2 === 0 }];
      }
      case 'send': {
        // Mostly a datagram some socket should get: a live membership's group, on its
        // interface, to its socket's port, often from one of its listed sources.
        const live = this.openSockets().flatMap((socket) =>
          (this.memberships.get(socket) ?? []).filter((m) => isMulticastText(m.group) && !this.validity.gone.has(m.iface)).map((m) => ({ socket, ...m })),
        );
        if (p[2] % 8 < 5 && live.length > 0) {
          const m = at(live, p[3]);
          const family = parseIp(m.group).family;
          const pools = this.pools.find((x) => x.spec.name === m.iface) ?? this.iface(0);
          const port = p[4] % 4 === 3 ? UNBOUND_PORT : (this.ports.get(m.socket) ?? at(PORTS, p[4]));
          // A listed own address is never a datagram's source (static validation: martian).
          const listed = m.sources.filter((s) => !pools.own[family].includes(s));
          const src = listed.length > 0 && p[5] % 3 !== 2 ? at(listed, p[5] >> 2) : at(pools.sources[family], p[5] >> 3);
          // On a KNI interface, sometimes a burst past rx_q's 1023 (KNI_FIFO_COUNT_MAX - 1): fifo-drop.
          const kni = pools.spec.nic !== undefined && /^kni-/.test(resolveProfile(pools.spec.nic).stacked?.kind ?? '');
          const burst = kni && p[1] % 4 === 0 ? { burst: 1000 + (p[1] >> 2) % 64 } : {};
          return [{ op: 'send', id: `m${this.nextEvent}`, iface: m.iface, src, dst: m.group, port, ...burst }];
        }
        const pools = this.iface(p[0]);
        // The family of an open socket when there is one, so that the datagram can reach it.
        const anyOpen = this.openSockets();
        const family =
          anyOpen.length > 0 && p[1] % 4 !== 3
            ? (this.validity.sockets.get(at(anyOpen, p[1] >> 2))?.family ?? 'ipv4')
            : this.family(p[1]);
        const joined = [...this.memberships.values()]
          .flat()
          .filter((m) => m.iface === pools.spec.name && parseIp(m.group).family === family && isMulticastText(m.group));
        const r = p[2] % 8;
        // The kernel-held groups reach every wildcard-bound socket of the port (IP_MULTICAST_ALL).
        const automatic = family === 'ipv4' ? ['224.0.0.1'] : ['ff02::1', ...pools.solicited.filter((g) => g.startsWith('ff02'))];
        const dst =
          r < 5 && joined.length > 0
            ? at(joined, p[3]).group
            : r < 6
              ? at(automatic, p[3])
              : r < 7
                ? at(this.groupPool(family, pools), p[3])
                : family === 'ipv4'
                  ? randomIpv4Group(p[3], p[4])
                  : randomIpv6Group(p[3], p[4], p[5]);
        const open = this.openSockets(family);
        const port =
          p[4] % 4 === 3 ? UNBOUND_PORT : open.length > 0 ? (this.ports.get(at(open, p[5])) ?? at(PORTS, p[5])) : at(PORTS, p[5]);
        const src = at(pools.sources[family], p[5] >> 3);
        return [{ op: 'send', id: `m${this.nextEvent}`, iface: pools.spec.name, src, dst, port }];
      }
      case 'frame': {
        const pools = this.iface(p[0]);
        const r = p[1] % 10;
        const joinedMacs = [...this.memberships.values()]
          .flat()
          .filter((m) => isMulticastText(m.group))
          .map((m) => groupMac(parseIp(m.group)) as string);
        let dst: string;
        if (r < 3 && joinedMacs.length > 0) dst = at(joinedMacs, p[2]);
        else if (r === 3 && (this.maddrs.get(pools.spec.name) ?? []).length > 0) {
          dst = at(this.maddrs.get(pools.spec.name) ?? [], p[2]);
        } else if (r < 5) dst = at(CLASSIC_MACS, p[2]);
        else if (r === 5) dst = BROADCAST_MAC;
        else if (r === 6) dst = pools.mac;
        else if (r === 7) dst = randomMac(true, p[2], p[3], p[4]);
        else if (r === 8) dst = randomMac(false, p[2], p[3], p[4]);
        else dst = groupMac(parseIp(at(this.groupPool(this.family(p[2]), pools).filter(isMulticastText), p[3])));
        return [{ op: 'frame', id: `f${this.nextEvent}`, iface: pools.spec.name, dst }];
      }
    }
  }

  /** Advances the state past a step (the step must be one `accepts` allows). */
  record(step: Step): void {
    this.validity.record(step);
    switch (step.op) {
      case 'open':
        if (!this.socketIds.includes(step.socket)) this.socketIds.push(step.socket);
        this.ports.set(step.socket, step.port);
        this.memberships.set(step.socket, []);
        break;
      case 'close':
        this.memberships.set(step.socket, []);
        break;
      case 'join': {
        const list = this.memberships.get(step.socket);
        if (list && !list.some((m) => m.group === step.group && m.iface === step.iface)) {
          list.push({ group: step.group, iface: step.iface, sources: step.sources ?? [] });
        }
        break;
      }
      case 'leave': {
        const list = this.memberships.get(step.socket);
        if (list) {
          this.memberships.set(
            step.socket,
            list.filter((m) => !(m.group === step.group && m.iface === step.iface)),
          );
        }
        break;
      }
      case 'maddr': {
        const list = this.maddrs.get(step.iface) ?? [];
        const mac = step.mac.toLowerCase();
        this.maddrs.set(step.iface, step.add ? [...new Set([...list, mac])] : list.filter((m) => m !== mac));
        break;
      }
      case 'send':
      case 'frame':
        this.nextEvent++;
        break;
      default:
        break;
    }
  }
}

function isMulticastText(group: string): boolean {
  const ip = parseIp(group);
  return ip.family === 'ipv4' ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn;
}
