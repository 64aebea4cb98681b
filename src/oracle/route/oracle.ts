// The routing oracle: what Linux multicast routing must do, restated from the rules (linux-facts.md
// "Multicast routing", net/ipv4/ipmr.c, net/ipv6/ip6mr.c) without the model's structures. Entries
// keep the TTLs they were given and the vifs that existed when they were given; every decision is
// recomputed from those at send time.
import type { Errno } from '../../errors.ts';
import { addrValue, isLinkScopeGroup, isMulticastGroup } from './address.ts';
import type { OracleCopy, OracleForwarding, OracleOutcome, OracleUpcall, RouteOracleFamily, RouteOracleOp } from './types.ts';

const VIF_SLOTS = 32; // MAXVIFS / MAXMIFS
const QUEUE_MAX = 4; // an unresolved entry keeps at most four datagrams
const UNRESOLVED_LIFETIME = 10_000; // ms
const ASSERT_GAP = 3_000; // ms between two WRONGVIF upcalls of one entry
// MRT_FLUSH's bits (include/uapi/linux/mroute.h; MRT6_FLUSH's in mroute6.h are the same).
const FLUSH_MFC = 1;
const FLUSH_MFC_STATIC = 2;
const FLUSH_VIFS = 4;
const FLUSH_VIFS_STATIC = 8;

interface OVif { readonly iface: string; readonly register: boolean; readonly isStatic: boolean; pin: number; bin: number; pout: number; bout: number }
interface OEntry {
  readonly origin: bigint;
  readonly group: bigint;
  parent: number;
  /** vif -> threshold, only for vifs that are outputs (fixed when the entry is added or replaced). */
  outputs: Map<number, number>;
  isStatic: boolean;
  pkt: number;
  bytes: number;
  wrong: number;
  lastAssert: number | null;
}
type Send = Extract<RouteOracleOp, { op: 'send' }>;
interface OUnres { readonly origin: bigint; readonly group: bigint; readonly born: number; readonly queue: Send[] }
interface OTable { router: string | null; assert: boolean; pim: boolean; wholeOnAssert: boolean; vifs: Map<number, OVif>; entries: OEntry[]; unresolved: OUnres[] }

export class RouteOracle {
  private readonly sockets = new Map<string, { family: RouteOracleFamily; routing: boolean }>();
  private readonly tables: Record<RouteOracleFamily, OTable> = { ipv4: newTable(), ipv6: newTable() };
  private clock = 0;

  private readonly ifaces: Set<string>;

  /** `ipv4`: each interface's IPv4 addresses (a vif by local address is on the interface holding it). */
  constructor(
    ifaces: readonly string[],
    private readonly ipv4: Readonly<Record<string, readonly string[]>> = {},
  ) {
    this.ifaces = new Set(ifaces);
  }

  /** The vif's device: named (by ifindex), the register device, or the interface holding `local` (IPv4 only). */
  private vifDevice(family: RouteOracleFamily, op: Extract<RouteOracleOp, { op: 'vif-add' }>): string | null {
    if (op.register) return family === 'ipv4' ? 'pimreg' : 'pim6reg';
    if (op.iface !== undefined) return this.ifaces.has(op.iface) ? op.iface : null;
    if (family === 'ipv6' || op.local === undefined) return null;
    const want = addrValue(op.local);
    return [...this.ifaces].find((i) => (this.ipv4[i] ?? []).some((a) => addrValue(a) === want)) ?? null;
  }

  apply(op: RouteOracleOp): OracleOutcome {
    const none = (error: Errno | null): OracleOutcome => ({ error, datagrams: [] });
    if (op.op === 'tick') {
      this.clock += op.ms;
      for (const t of Object.values(this.tables)) t.unresolved = t.unresolved.filter((u) => this.clock < u.born + UNRESOLVED_LIFETIME);
      return none(null);
    }
    if (op.op === 'send') return { error: null, datagrams: [this.send(op)] };
    if (op.op === 'link-del') {
      // A device that goes away takes every vif on it, in both tables, whoever added it.
      this.ifaces.delete(op.iface);
      for (const t of Object.values(this.tables)) for (const [n, v] of [...t.vifs]) if (!v.register && v.iface === op.iface) t.vifs.delete(n);
      return none(null);
    }
    if ((op.op === 'mrt-init' || op.op === 'mrt-open') && !this.sockets.has(op.socket)) {
      const proto = op.proto ?? (op.family === 'ipv4' ? 'igmp' : 'icmpv6');
      this.sockets.set(op.socket, { family: op.family, routing: proto === (op.family === 'ipv4' ? 'igmp' : 'icmpv6') });
    }
    const s = this.sockets.get(op.socket);
    if (!s) return none('EBADF');
    const t = this.tables[s.family];
    if (op.op === 'mrt-open') return none(null);
    if (op.op === 'close') {
      if (t.router === op.socket) this.teardown(t);
      this.sockets.delete(op.socket);
      return none(null);
    }
    if (!s.routing) return none('EOPNOTSUPP');
    switch (op.op) {
      case 'mrt-init': {
        const len = op.optlen ?? 4;
        if (s.family === 'ipv4' ? len !== 4 : len < 4) return none('EINVAL');
        if (t.router !== null) return none('EADDRINUSE');
        t.router = op.socket;
        return none(null);
      }
      case 'mrt-assert':
        t.assert = op.on;
        return none(null);
      case 'mrt-pim': {
        // Only a change of PIM on/off counts: it sets asserts too, and "whole on assert" if 4.
        const on = op.value !== 0;
        if (on !== t.pim) {
          t.pim = on;
          t.assert = on;
          t.wholeOnAssert = op.value === 4;
        }
        return none(null);
      }
      case 'mrt-flush':
        this.flush(t, op.flags);
        return none(null);
      case 'mrt-get':
        // Readable by any routing socket: the API version 3.5, or the table's switches as 0 / 1.
        return { error: null, datagrams: [], value: op.option === 'version' ? 0x0305 : Number(op.option === 'pim' ? t.pim : t.assert) };
      case 'mrt-version':
        // Readable only: setting it is an unknown option.
        return none('ENOPROTOOPT');
      case 'mrt-done':
        if (t.router !== op.socket) return none('EACCES');
        this.teardown(t);
        return none(null);
      case 'vif-add': {
        if (op.vif < 0 || op.vif >= VIF_SLOTS) return none('ENFILE');
        if (t.vifs.has(op.vif)) return none('EADDRINUSE');
        if (op.register && [...t.vifs.values()].some((v) => v.register)) return none('EADDRINUSE');
        const iface = this.vifDevice(s.family, op);
        if (iface === null) return none('EADDRNOTAVAIL');
        t.vifs.set(op.vif, { iface, register: op.register === true, isStatic: t.router !== op.socket, pin: 0, bin: 0, pout: 0, bout: 0 });
        return none(null);
      }
      case 'vif-del':
        if (s.family === 'ipv4' && (op.vif < 0 || op.vif >= VIF_SLOTS)) return none('ENFILE');
        if (!t.vifs.delete(op.vif)) return none('EADDRNOTAVAIL');
        return none(null);
      case 'mfc-add':
        return this.mfcAdd(t, s.family, op, t.router === op.socket);
      case 'mfc-del': {
        const e = this.entryOf(t, addrValue(op.origin), addrValue(op.group), op.proxy === true ? (op.parent ?? 0) : null);
        if (!e) return none('ENOENT');
        t.entries = t.entries.filter((x) => x !== e);
        return none(null);
      }
    }
  }

  /** The mroute socket goes: what it added goes, and every unresolved entry (a flush of 4 | 1). */
  private teardown(t: OTable): void {
    t.router = null;
    this.flush(t, FLUSH_VIFS | FLUSH_MFC);
  }

  /** MRT_FLUSH: vifs and entries by who added them (bit for the mroute socket's, bit for the others'); the queue with FLUSH_MFC. */
  private flush(t: OTable, flags: number): void {
    for (const [n, v] of [...t.vifs]) if (flags & (v.isStatic ? FLUSH_VIFS_STATIC : FLUSH_VIFS)) t.vifs.delete(n);
    t.entries = t.entries.filter((e) => !(flags & (e.isStatic ? FLUSH_MFC_STATIC : FLUSH_MFC)));
    if (flags & FLUSH_MFC) t.unresolved = [];
  }

  private mfcAdd(t: OTable, family: RouteOracleFamily, op: Extract<RouteOracleOp, { op: 'mfc-add' }>, byRouter: boolean): OracleOutcome {
    if (op.parent < 0 || op.parent >= VIF_SLOTS) return { error: 'ENFILE', datagrams: [] };
    // The outputs: existing vifs asked for a TTL of 1..254 (IPv6: members of the set, threshold 1).
    const outputs = new Map<number, number>();
    for (const n of t.vifs.keys()) {
      const want = family === 'ipv4' ? (op.ttls?.[n] ?? 0) : (op.oifs ?? []).includes(n) ? 1 : 0;
      if (want >= 1 && want <= 254) outputs.set(n, want);
    }
    const origin = addrValue(op.origin);
    const group = addrValue(op.group);
    const old = this.entryOf(t, origin, group, op.proxy === true ? op.parent : null);
    if (old) {
      old.parent = op.parent;
      old.outputs = outputs;
      old.isStatic ||= !byRouter;
      return { error: null, datagrams: [] };
    }
    if (group !== 0n && !isMulticastGroup(op.group)) return { error: 'EINVAL', datagrams: [] };
    const entry: OEntry = { origin, group, parent: op.parent, outputs, isStatic: !byRouter, pkt: 0, bytes: 0, wrong: 0, lastAssert: null };
    t.entries.push(entry);
    const waiting = t.unresolved.find((u) => u.origin === origin && u.group === group);
    if (!waiting) return { error: null, datagrams: [] };
    t.unresolved = t.unresolved.filter((u) => u !== waiting);
    return { error: null, datagrams: waiting.queue.map((d) => this.through(t, entry, d)) };
  }

  /**
   * The entry an (S,G) lookup finds: the latest added among those of the (S,G), with the given
   * parent when the call names one (the proxy options), any otherwise (plain add / del, forwarding).
   */
  private entryOf(t: OTable, origin: bigint, group: bigint, parent: number | null): OEntry | undefined {
    return latestFirst(t.entries).find((e) => e.origin === origin && e.group === group && (parent === null || e.parent === parent));
  }

  private send(d: Send): OracleForwarding {
    const family: RouteOracleFamily = d.group.includes(':') ? 'ipv6' : 'ipv4';
    const t = this.tables[family];
    const skip = (verdict: OracleForwarding['verdict']): OracleForwarding => ({ id: d.id, verdict, forwarded: [], upcalls: [] });
    const arrivalVifs = [...t.vifs].filter(([, v]) => v.iface === d.iface).map(([n]) => n);
    // The gate: a routing socket (all.mc_forwarding); IPv4 also a vif on the device.
    if (t.router === null || (family === 'ipv4' && arrivalVifs.length === 0)) return skip('not-routed');
    if (isLinkScopeGroup(d.group)) return skip('not-routed');
    const arrival = arrivalVifs.length ? Math.max(...arrivalVifs) : -1;
    const src = addrValue(d.src);
    const group = addrValue(d.group);
    const exact = this.entryOf(t, src, group, null);
    const entry = exact ?? (arrival >= 0 ? this.wildcardEntry(t, group, arrival) : undefined);
    if (entry) return this.through(t, entry, d);
    if (arrival < 0) return skip('not-routed');
    let u = t.unresolved.find((x) => x.origin === src && x.group === group);
    const upcalls: OracleUpcall[] = [];
    if (!u) {
      u = { origin: src, group, born: this.clock, queue: [] };
      t.unresolved.push(u);
      upcalls.push({ type: 'NOCACHE', vif: arrival, src: d.src, group: d.group });
    }
    if (u.queue.length >= QUEUE_MAX) return { id: d.id, verdict: 'queue-full', forwarded: [], upcalls };
    u.queue.push(d);
    return { id: d.id, verdict: 'queued', forwarded: [], upcalls };
  }

  /** The (*,*) entry that lists vif `n` as an output. */
  private starStar(t: OTable, n: number): OEntry | undefined {
    return latestFirst(t.entries).find((e) => e.origin === 0n && e.group === 0n && e.outputs.has(n));
  }

  /** (*,G) if the arrival vif is its output or an output of its parent's (*,*) entry; else (*,*). */
  private wildcardEntry(t: OTable, group: bigint, arrival: number): OEntry | undefined {
    const starG = latestFirst(t.entries).find((e) => e.origin === 0n && e.group === group && (e.outputs.has(arrival) || this.starStar(t, e.parent)?.outputs.has(arrival)));
    return starG ?? this.starStar(t, arrival);
  }

  private through(t: OTable, e: OEntry, d: Send): OracleForwarding {
    const arrivalVifs = [...t.vifs].filter(([, v]) => v.iface === d.iface).map(([n]) => n);
    const arrival = arrivalVifs.length ? Math.max(...arrivalVifs) : -1;
    e.pkt += 1;
    e.bytes += d.length;
    const upcalls: OracleUpcall[] = [];
    const inTree = e.origin === 0n && arrival >= 0 && this.starStar(t, e.parent)?.outputs.has(arrival) === true;
    if (!inTree && t.vifs.get(e.parent)?.iface !== d.iface) {
      e.wrong += 1;
      const due = e.lastAssert === null || this.clock - e.lastAssert > ASSERT_GAP;
      // Under PIM any arrival vif asserts, not only an output; PIM value 4 adds the whole datagram.
      if (arrival >= 0 && t.assert && (t.pim || e.outputs.has(arrival)) && due) {
        e.lastAssert = this.clock;
        upcalls.push({ type: 'WRONGVIF', vif: arrival, src: d.src, group: d.group });
        if (t.wholeOnAssert) upcalls.push({ type: 'WRVIFWHOLE', vif: arrival, src: d.src, group: d.group });
      }
      return { id: d.id, verdict: 'wrong-vif', forwarded: [], upcalls };
    }
    const up = t.vifs.get(e.parent);
    if (up) {
      up.pin += 1;
      up.bin += d.length;
    }
    let targets: number[];
    if (e.origin === 0n && e.group === 0n) {
      const th = e.outputs.get(e.parent);
      targets = arrival >= 0 && arrival !== e.parent && th !== undefined && d.ttl > th ? [e.parent] : [];
    } else {
      targets = [...e.outputs]
        .filter(([n, th]) => d.ttl > th && !(e.origin === 0n && n === arrival))
        .map(([n]) => n)
        .sort((a, b) => b - a);
    }
    const forwarded: OracleCopy[] = [];
    for (const n of targets) {
      const v = t.vifs.get(n);
      if (!v) continue;
      v.pout += 1;
      v.bout += d.length;
      if (v.register) upcalls.push({ type: 'WHOLEPKT', vif: n, src: d.src, group: d.group });
      else forwarded.push({ vif: n, iface: v.iface, ttl: d.ttl - 1 });
    }
    return { id: d.id, verdict: 'forwarded', forwarded, upcalls };
  }

  // Views.

  /** Allmulti counts routing holds on `iface`: one per vif on it. */
  allmulti(iface: string): number {
    return Object.values(this.tables).reduce((n, t) => n + [...t.vifs.values()].filter((v) => v.iface === iface).length, 0);
  }
  vifCounters(family: RouteOracleFamily): { vif: number; iface: string; pktIn: number; bytesIn: number; pktOut: number; bytesOut: number }[] {
    return [...this.tables[family].vifs]
      .sort(([a], [b]) => a - b)
      .map(([vif, v]) => ({ vif, iface: v.iface, pktIn: v.pin, bytesIn: v.bin, pktOut: v.pout, bytesOut: v.bout }));
  }
  entryCounters(family: RouteOracleFamily): { origin: bigint; group: bigint; parent: number; pkt: number; bytes: number; wrong: number; oifs: [number, number][] }[] {
    return this.tables[family].entries.map((e) => ({
      origin: e.origin,
      group: e.group,
      parent: e.parent,
      pkt: e.pkt,
      bytes: e.bytes,
      wrong: e.wrong,
      oifs: [...e.outputs].filter(([n]) => this.tables[family].vifs.has(n)).sort(([a], [b]) => a - b),
    }));
  }
  /** Queued datagram ids per unresolved (S,G), in arrival order. */
  queued(family: RouteOracleFamily): { origin: bigint; group: bigint; ids: string[] }[] {
    return this.tables[family].unresolved.map((u) => ({ origin: u.origin, group: u.group, ids: u.queue.map((d) => d.id) }));
  }
}

/** Lookups see the entries of one key latest added first. */
function latestFirst(entries: readonly OEntry[]): OEntry[] {
  return [...entries].reverse();
}

function newTable(): OTable {
  return { router: null, assert: false, pim: false, wholeOnAssert: false, vifs: new Map(), entries: [], unresolved: [] };
}
