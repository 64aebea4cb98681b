// A host's multicast routing: one table per family, the MRT sockets, the devices the vifs hold
// (allmulti and mc_forwarding counts), scenario time, and the gate in front of ip_mr_input
// (net/ipv4/route.c ip_route_input_mc: IN_DEV_MFORWARD = all.mc_forwarding && dev mc_forwarding;
// net/ipv6/ip6_input.c ip6_mc_input: all.mc_forwarding only).
import type { Errno } from '../errors.ts';
import { neverRouted, routeAddr } from './address.ts';
import { NO_ROUTE_FAULTS, type RouteFaultSet } from './faults.ts';
import { type ForwardContext, ip_mr_forward, ip_mr_input } from './forward.ts';
import { IGMPMSG_WRVIFWHOLE, MAXVIFS, MRT_FLUSH_MFC, MRT_FLUSH_VIFS, MRT_VERSION_VALUE } from './limits.ts';
import { ipmr_mfc_add, ipmr_mfc_delete } from './mfc.ts';
import { mroute_clean_tables } from './flush.ts';
import { checkRoutingSocket, type MrtSocket, mrt_done_check, mrt_init, mrt_unknown_option, routingProto } from './socket.ts';
import { type Datagram, MrTable } from './table.ts';
import { ipmr_cache_resolve_order, ipmr_expire_process } from './unres.ts';
import { makeUpcall } from './upcall.ts';
import { type DeviceOps, vif_add, vif_delete } from './vif.ts';
import type {
  MfcSpec,
  MrtSocketProto,
  ReplayedDatagram,
  RouteDevice,
  RouteFamily,
  RoutedDatagram,
  RouteInputResult,
  RouteOpResult,
  Upcall,
  VifSpec,
} from './types.ts';

export interface RouterOptions {
  readonly faults?: RouteFaultSet;
  /** Called on every dev_set_allmulti a vif makes, so a host model can count it on the device. */
  readonly onAllmulti?: (dev: string, delta: number) => void;
}

interface DeviceState {
  readonly ifindex: number;
  readonly ipv4?: readonly string[];
  allmulti: number;
  readonly mcForwarding: Record<RouteFamily, number>;
}

export const familyOf = (addr: string): RouteFamily => (addr.includes(':') ? 'ipv6' : 'ipv4');

export class MulticastRouter {
  private readonly tables: Record<RouteFamily, MrTable> = { ipv4: new MrTable('ipv4'), ipv6: new MrTable('ipv6') };
  private readonly sockets = new Map<string, MrtSocket>();
  private readonly devices = new Map<string, DeviceState>();
  private readonly allMc: Record<RouteFamily, number> = { ipv4: 0, ipv6: 0 };
  private readonly queues = new Map<string, Upcall[]>();
  private readonly faults: RouteFaultSet;
  private pending: Upcall[] = [];
  /** Scenario time in milliseconds (advanced by tick). */
  now = 0;

  constructor(devices: readonly RouteDevice[], private readonly options: RouterOptions = {}) {
    this.faults = options.faults ?? NO_ROUTE_FAULTS;
    for (const d of devices) this.devices.set(d.name, { ifindex: d.ifindex, ipv4: d.ipv4, allmulti: 0, mcForwarding: { ipv4: 0, ipv6: 0 } });
  }

  private deviceOps(family: RouteFamily): DeviceOps {
    return {
      ifindex: (dev) => this.devices.get(dev)?.ifindex,
      deviceWithAddress: (addr) => {
        const want = routeAddr(addr).value;
        return [...this.devices].find(([, d]) => (d.ipv4 ?? []).some((a) => routeAddr(a).value === want))?.[0];
      },
      setAllmulti: (dev, delta) => {
        const d = this.devices.get(dev);
        if (d) d.allmulti += delta;
        this.options.onAllmulti?.(dev, delta);
      },
      mcForwarding: (dev, delta) => {
        const d = this.devices.get(dev);
        if (d) d.mcForwarding[family] += delta;
      },
      registerDevice: (name, up) => {
        if (up) this.devices.set(name, { ifindex: this.nextIfindex(), allmulti: 0, mcForwarding: { ipv4: 0, ipv6: 0 } });
        else this.devices.delete(name);
      },
    };
  }

  private nextIfindex(): number {
    return Math.max(1, ...[...this.devices.values()].map((d) => d.ifindex)) + 1;
  }

  private report(t: MrTable): ForwardContext['report'] {
    return (type, vif, d) => {
      if (t.mrouteSocket === null) return false;
      const u = makeUpcall(t.family, type, vif, d);
      this.pending.push(u);
      const q = this.queues.get(t.mrouteSocket) ?? [];
      q.push(u);
      this.queues.set(t.mrouteSocket, q);
      return true;
    };
  }

  private ctx(t: MrTable): ForwardContext {
    return { now: this.now, faults: this.faults, report: this.report(t) };
  }

  /** The socket `id`, created on first use with the given family and protocol (default: the routing one). */
  private socket(id: string, family?: RouteFamily, proto?: MrtSocketProto): MrtSocket | null {
    const s = this.sockets.get(id);
    if (s || !family) return s ?? null;
    const made = { id, family, proto: proto ?? routingProto(family) };
    this.sockets.set(id, made);
    return made;
  }

  /** MRT_INIT (MRT6_INIT) on socket `id`, opened with `family`/`proto` if it is new. */
  mrtInit(id: string, family: RouteFamily, proto?: MrtSocketProto, optlen = 4): RouteOpResult {
    const s = this.socket(id, family, proto);
    if (!s) return { error: 'EBADF' };
    const t = this.tables[s.family];
    const error = mrt_init(t, s, optlen);
    if (!error) this.allMc[s.family]++;
    return { error };
  }

  /** socket(2) only: `id` opened with `family`/`proto` if it is new (no MRT_INIT); an open socket stays as it is. */
  mrtOpen(id: string, family: RouteFamily, proto?: MrtSocketProto): RouteOpResult {
    this.socket(id, family, proto);
    return { error: null };
  }

  /** MRT_ASSERT: turns WRONGVIF upcalls on or off. */
  mrtAssert(id: string, on: boolean): RouteOpResult {
    const s = this.socket(id);
    if (!s) return { error: 'EBADF' };
    const error = checkRoutingSocket(s);
    if (!error) this.tables[s.family].doAssert = on;
    return { error };
  }

  /**
   * MRT_PIM / MRT6_PIM (net/ipv4/ipmr.c ip_mroute_setsockopt, net/ipv6/ip6mr.c): optlen must be
   * sizeof(int) (EINVAL); a change of !!value sets do_pim and do_assert to it and do_wrvifwhole to
   * (value == 4); the same !!value again changes nothing, WRVIFWHOLE included.
   */
  mrtPim(id: string, value: number, optlen = 4): RouteOpResult {
    return this.withSocket(id, (t) => {
      if (optlen !== 4) return { error: 'EINVAL' };
      const on = value !== 0;
      if (on !== t.doPim) {
        t.doPim = on;
        t.doAssert = on;
        t.doWrvifwhole = value === IGMPMSG_WRVIFWHOLE;
      }
      return { error: null };
    });
  }

  /**
   * getsockopt MRT_VERSION / MRT_ASSERT / MRT_PIM (ip_mroute_getsockopt, ip6_mroute_getsockopt):
   * only the socket-kind check (EOPNOTSUPP), no mroute-socket one; the table's switches as 0 / 1.
   */
  mrtGet(id: string, option: 'version' | 'assert' | 'pim'): RouteOpResult {
    const s = this.socket(id);
    if (!s) return { error: 'EBADF' };
    const bad = checkRoutingSocket(s);
    if (bad) return { error: bad };
    const t = this.tables[s.family];
    return { error: null, value: option === 'version' ? MRT_VERSION_VALUE : Number(option === 'pim' ? t.doPim : t.doAssert) };
  }

  /** setsockopt(MRT_VERSION) (MRT6_VERSION): read-only, ENOPROTOOPT. */
  mrtVersion(id: string): RouteOpResult {
    const s = this.socket(id);
    return { error: s ? mrt_unknown_option(s) : 'EBADF' };
  }

  /** MRT_DONE. */
  mrtDone(id: string): RouteOpResult {
    const s = this.socket(id);
    if (!s) return { error: 'EBADF' };
    const error = mrt_done_check(this.tables[s.family], s);
    if (!error) this.destruct(this.tables[s.family]);
    return { error };
  }

  /** close(2): the mroute socket's close runs the same destructor as MRT_DONE. */
  close(id: string): RouteOpResult {
    const s = this.socket(id);
    if (!s) return { error: 'EBADF' };
    const t = this.tables[s.family];
    if (t.mrouteSocket === id) this.destruct(t);
    this.sockets.delete(id);
    this.queues.delete(id);
    return { error: null };
  }

  /** mrtsock_destruct / ip6mr_sk_done: all.mc_forwarding--, non-static vifs and entries and every unresolved entry go. */
  private destruct(t: MrTable): void {
    this.allMc[t.family]--;
    t.mrouteSocket = null;
    mroute_clean_tables(t, MRT_FLUSH_VIFS | MRT_FLUSH_MFC, this.deviceOps(t.family), this.faults);
  }

  /** MRT_FLUSH / MRT6_FLUSH: any routing socket (root); optlen must be sizeof(int) (EINVAL). */
  mrtFlush(id: string, flags: number, optlen = 4): RouteOpResult {
    return this.withSocket(id, (t) => {
      if (optlen !== 4) return { error: 'EINVAL' };
      mroute_clean_tables(t, flags, this.deviceOps(t.family), this.faults);
      return { error: null };
    });
  }

  private withSocket(id: string, fn: (t: MrTable, mrtsock: boolean) => RouteOpResult): RouteOpResult {
    const s = this.socket(id);
    if (!s) return { error: 'EBADF' };
    const bad = checkRoutingSocket(s);
    if (bad) return { error: bad };
    const t = this.tables[s.family];
    return fn(t, t.mrouteSocket === id);
  }

  /** MRT_ADD_VIF / MRT6_ADD_MIF: a vif number >= 32 -> ENFILE before anything else. */
  vifAdd(id: string, spec: VifSpec): RouteOpResult {
    return this.withSocket(id, (t, mrtsock) =>
      spec.vif < 0 || spec.vif >= MAXVIFS
        ? { error: 'ENFILE' }
        : { error: vif_add(t, spec, mrtsock, this.deviceOps(t.family), this.faults) },
    );
  }

  /** MRT_DEL_VIF (IPv4: >= 32 -> ENFILE first) / MRT6_DEL_MIF (straight to mif6_delete). */
  vifDel(id: string, vif: number): RouteOpResult {
    return this.withSocket(id, (t) =>
      t.family === 'ipv4' && (vif < 0 || vif >= MAXVIFS) ? { error: 'ENFILE' } : { error: vif_delete(t, vif, this.deviceOps(t.family), this.faults) },
    );
  }

  /**
   * MRT_ADD_MFC (`proxy`: MRT_ADD_MFC_PROXY, which looks the entry up by its parent too): adding an
   * entry replays its unresolved datagrams (ipmr_cache_resolve).
   */
  mfcAdd(id: string, spec: MfcSpec, proxy = false): RouteOpResult {
    return this.withSocket(id, (t, mrtsock) => {
      const r = ipmr_mfc_add(t, spec, mrtsock, this.faults, proxy ? spec.parent : -1);
      if (r.error || !r.resolved || !r.entry) return { error: r.error };
      const replayed: ReplayedDatagram[] = [];
      for (const d of ipmr_cache_resolve_order(r.resolved, this.faults)) {
        this.pending = [];
        const f = ip_mr_forward(t, r.entry, d, this.ctx(t));
        replayed.push({ datagram: toRouted(d), result: { ...f, upcalls: this.pending } });
      }
      this.pending = [];
      return { error: null, replayed };
    });
  }

  /** MRT_DEL_MFC (any entry of the (S,G)), or with `proxy` MRT_DEL_MFC_PROXY (the entry whose parent is `parent`). */
  mfcDel(id: string, origin: string, group: string, proxy?: { parent: number }): RouteOpResult {
    return this.withSocket(id, (t) => ({ error: ipmr_mfc_delete(t, routeAddr(origin), routeAddr(group), proxy ? proxy.parent : -1) }));
  }

  /**
   * The device is unregistered (`ip link del`): every vif on it is deleted as by vif_delete, in both
   * tables, whoever added it (net/ipv4/ipmr.c ipmr_device_event, net/ipv6/ip6mr.c ip6mr_device_event:
   * NETDEV_UNREGISTER -> vif_delete / mif6_delete for each vif whose dev is this one). Entries keep
   * their parent and TTLs; a later vif-add naming the device finds no ifindex (EADDRNOTAVAIL).
   */
  unregisterDevice(dev: string): void {
    for (const t of Object.values(this.tables)) {
      for (let ct = 0; ct < t.maxvif; ct++) {
        if (t.vifs[ct]?.dev === dev) vif_delete(t, ct, this.deviceOps(t.family), this.faults);
      }
    }
    this.devices.delete(dev);
  }

  /** Advances scenario time; unresolved entries whose 10 s are over are destroyed. */
  tick(ms: number): void {
    this.now += ms;
    for (const t of Object.values(this.tables)) ipmr_expire_process(t, this.now, this.faults);
  }

  /** A datagram that reached the IP layer of `iface` (the NIC accepted it; martians are the host's business). */
  input(dg: RoutedDatagram): RouteInputResult {
    const family = familyOf(dg.group);
    const t = this.tables[family];
    const d: Datagram = { id: dg.id, iface: dg.iface, src: routeAddr(dg.src), group: routeAddr(dg.group), ttl: dg.ttl, length: dg.length };
    const dev = this.devices.get(dg.iface);
    const gate = this.allMc[family] > 0 && (family === 'ipv6' || (dev?.mcForwarding.ipv4 ?? 0) > 0);
    if (!gate || neverRouted(d.group)) return { verdict: 'not-routed', forwarded: [], upcalls: [] };
    this.pending = [];
    const r = ip_mr_input(t, d, this.ctx(t));
    const upcalls = this.pending;
    this.pending = [];
    return { ...r, upcalls };
  }

  // Views (do not change the router).

  table(family: RouteFamily): Readonly<MrTable> {
    return this.tables[family];
  }
  allmulti(dev: string): number {
    return this.devices.get(dev)?.allmulti ?? 0;
  }
  mcForwarding(family: RouteFamily, dev?: string): number {
    return dev === undefined ? this.allMc[family] : (this.devices.get(dev)?.mcForwarding[family] ?? 0);
  }
  hasDevice(dev: string): boolean {
    return this.devices.has(dev);
  }
  ifindex(dev: string): number | undefined {
    return this.devices.get(dev)?.ifindex;
  }
  /** Upcalls queued on socket `id` and not yet read; reading drains them. */
  readUpcalls(id: string): Upcall[] {
    const q = this.queues.get(id) ?? [];
    this.queues.set(id, []);
    return q;
  }
  socketError(id: string): Errno | null {
    return this.sockets.has(id) ? null : 'EBADF';
  }
}

function toRouted(d: Datagram): RoutedDatagram {
  return { id: d.id, iface: d.iface, src: d.src.text, group: d.group.text, ttl: d.ttl, length: d.length };
}
