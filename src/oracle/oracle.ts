// The independent oracle: what a Linux host with a given NIC profile must do, step by step
// (docs/semantics.md). It keeps only the facts a step establishes (open sockets, memberships
// with their source lists, kernel-held automatic groups, global maddr adds, user flags) and
// DERIVES group users, device-list refcounts and the interface source filter from them. Group
// users and per-MAC references are derived per holder change (a join, a leave, a kernel join,
// a global add) rather than per question, so a step costs O(1) in the number of memberships
// (./memberships.ts indexes them). The one thing that cannot be derived is device-list order, so
// it remembers when each MAC entry was last created; and for refusing tables, the list last programmed.
// The device-list part is ./device-lists.ts, sockets and delivery ./sockets.ts; this file runs
// the steps, routing and `maddr` included, and answers the questions.
import { owedBurst } from './kni-burst.ts';
import { type Errno, InputError } from '../errors.ts';
import type { AnyStep, DeviceListEntry, InterfaceSpec, RouteStep } from '../scenario/types.ts';
import { RouteOracle } from './route/oracle.ts';
import type { OracleForwarding, RouteOracleOp } from './route/types.ts';
import { BROADCAST, canonicalMac, ipText, ipv6MulticastScope, parseAddress } from './address.ts';
import type { Acceptance, FrameVerdict } from './filters/index.ts';
import { classifyAcceptanceAll } from './filters/index.ts';
import { IPV6_SCOPE_LINK_LOCAL } from './limits.ts';
import type { GroupRef } from './memberships.ts';
import { type InterfaceFacts, type OracleStepResult, sameGroup } from './facts.ts';
import { SocketOracle } from './sockets.ts';

export type { FrameVerdict } from './filters/index.ts';
export type { OracleStepResult } from './facts.ts';

/**
 * The field types the oracle relies on. Scenario validation (src/scenario/validate.ts) checks
 * far more; this only keeps a malformed step from becoming a TypeError.
 */
function checkStepShape(step: AnyStep): void {
  if (typeof step !== 'object' || step === null) throw new InputError('', 'a step must be an object');
  const fields = step as unknown as Record<string, unknown>;
  // A loop over a table, not a closure per field: this runs on every step.
  for (const [field, ok, what] of STEP_FIELDS) {
    if (field in fields && !ok(fields[field])) throw new InputError(field, `${field} must be ${what}, got ${JSON.stringify(fields[field])}`);
  }
}

const isString = (v: unknown): boolean => typeof v === 'string';
const isBoolean = (v: unknown): boolean => typeof v === 'boolean';
const STEP_FIELDS: readonly (readonly [string, (v: unknown) => boolean, string])[] = [
  ['socket', isString, 'a string'],
  ['iface', isString, 'a string'],
  ['id', isString, 'a string'],
  ['port', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535, 'a port number'],
  ['on', isBoolean, 'true or false'],
  ['add', isBoolean, 'true or false'],
  ['up', isBoolean, 'true or false'],
  ['family', (v) => v === 'ipv4' || v === 'ipv6', '"ipv4" or "ipv6"'],
  ['mode', (v) => v === undefined || v === 'include' || v === 'exclude', '"include" or "exclude"'],
];

export class Oracle extends SocketOracle {
  /**
   * `profile` replaces every plain interface's `nic`; `unicastFilter` says whether the device
   * advertises IFF_UNICAST_FLT, over the spec's own answer (a driver-protocol-1 adapter cannot
   * take dev->uc, so the host runs it without the flag: src/driver/end-to-end.ts).
   */
  constructor(interfaces: readonly InterfaceSpec[], options: { profile?: string; unicastFilter?: boolean } = {}) {
    super();
    interfaces.forEach((spec, i) => this.addInterface(spec, `/interfaces/${i}`, options.profile, options.unicastFilter));
  }

  /** The expected outcome of one step; bad step fields are InputErrors naming the field. */
  apply(step: AnyStep): OracleStepResult {
    checkStepShape(step);
    switch (step.op) {
      case 'mrt-init':
      case 'mrt-open':
      case 'mrt-assert':
      case 'mrt-get':
      case 'mrt-done':
      case 'mrt-pim':
      case 'mrt-flush':
      case 'vif-add':
      case 'vif-del':
      case 'mfc-add':
      case 'mfc-del':
      case 'tick':
        return this.routeStep(step);
      case 'open':
        return { error: this.open(step.socket, step.family, step.bind, step.port) };
      case 'join':
        return { error: this.join(step.socket, step.group, step.iface, step.mode, step.sources) };
      case 'leave':
        return { error: this.leave(step.socket, step.group, step.iface) };
      case 'close':
        return { error: this.close(step.socket) };
      case 'maddr':
        return { error: this.maddr(step.iface, step.mac, step.add) };
      case 'fill': {
        // 01:00:5e and the low 23 bits of first + i (ip_eth_mc_map), each an `ip maddr add`; in
        // increasing MAC order up to the wrap of the 23 bits, then again from 01:00:5e:00:00:00.
        const macs = Array.from({ length: step.count }, (_, i) => (step.first + i) % 0x800000);
        const wrap = macs.findIndex((v, i) => i > 0 && v === 0);
        const text = (v: number): string => `01:00:5e:${[v >> 16, (v >> 8) & 0xff, v & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
        for (const run of wrap < 0 ? [macs] : [macs.slice(0, wrap), macs.slice(wrap)]) this.maddrRun(step.iface, run.map(text));
        return { error: null };
      }
      case 'promisc':
      case 'allmulti':
        this.setFlag(step.iface, step.op, step.on);
        return { error: null };
      case 'link':
        this.setLink(step.iface, step.up);
        return { error: null };
      case 'link-del':
        this.linkDel(step.iface);
        return { error: null };
      case 'send': {
        const single = this.send(step.iface, step.src, step.dst, step.port);
        const burst = step.burst !== undefined && single.verdict ? owedBurst(this.wire(this.facts(step.iface)).spec.name, single.verdict, step.burst) : null;
        const local = burst ? { ...single, burst } : single;
        if (!this.route || local.verdict === 'must-not') return local;
        return { ...local, routed: this.routedSend(step.id, step.iface, step.src, step.dst, step.ttl ?? step.hopLimit, step.payload) };
      }
      case 'frame': {
        const facts = this.wire(this.facts(step.iface));
        return { error: null, verdict: this.classifyOn(facts, canonicalMac(step.dst, 'dst')), sockets: [] };
      }
      default: {
        const op: unknown = (step as { op?: unknown }).op;
        throw new InputError('op', `unknown step op ${JSON.stringify(op)}`);
      }
    }
  }

  /** net/core/dev_addr_lists.c dev_mc_add_global / dev_mc_del_global. */
  protected maddr(iface: string, macText: string, add: boolean): Errno | null {
    const facts = this.facts(iface);
    const mac = canonicalMac(macText, 'mac');
    // One look-up each way (the size tells whether the add was new): at 100,000 each is a cache miss.
    if (add) {
      const before = facts.globalMacs.size;
      if (facts.globalMacs.add(mac).size === before) return null; // global_use already set: 0, no reference
      this.macRef(facts, mac, 1);
    } else {
      if (!facts.globalMacs.delete(mac)) return 'ENOENT';
      this.macRef(facts, mac, -1);
    }
    this.refresh(facts);
    return null;
  }

  /**
   * A run of `ip maddr add`s in increasing MAC order (a fill step, split at its wrap): each is one
   * change whose new entry goes to the tail, which is MAC order, so one refresh gives the same
   * list. A refusing table needs the list after every change (the last one it accepted), so
   * there every add is refreshed on its own.
   */
  protected maddrRun(iface: string, macs: readonly string[]): void {
    const facts = this.facts(iface);
    const refusing = (f: InterfaceFacts): boolean => f.spec.refusesBeyond !== null || (f.lower !== null && refusing(this.facts(f.lower)));
    if (refusing(facts)) {
      for (const mac of macs) this.maddr(iface, mac, true);
      return;
    }
    for (const text of macs) {
      const mac = canonicalMac(text, 'mac');
      if (facts.globalMacs.has(mac)) continue;
      facts.globalMacs.add(mac);
      this.macRef(facts, mac, 1);
    }
    this.refresh(facts);
  }

  /** The interfaces that exist now (a link-del step deletes some), in declaration order. */
  interfaceNames(): string[] {
    return [...this.interfaces.keys()];
  }

  /** dev->mc as /proc/net/dev_mcast lists it: insertion order, users = refcount. */
  deviceList(iface: string): readonly DeviceListEntry[] {
    const facts = this.facts(iface);
    // Kept until the next refresh of the interface: every change of its references is followed by
    // one (a macvlan's refresh refreshes its lower too). `check` reads it after every step.
    if (facts.listing) return facts.listing;
    const refcounts = this.refcounts(facts);
    return (facts.listing = this.orderedMacs(facts).map((mac) => ({ mac, users: refcounts.get(mac) ?? 0 })));
  }

  /** dev->promiscuity and dev->allmulti (each routing vif holds one allmulti count on its device). */
  counters(iface: string): { promisc: number; allmulti: number } {
    return this.countersOf(this.facts(iface));
  }

  /**
   * `ip link del`: the interface, and a lower's macvlans with it (drivers/net/macvlan.c
   * macvlan_device_event), stop existing: their group records, lists, flags and vifs
   * (net/ipv4/ipmr.c ipmr_device_event) go; the sockets' memberships on them stay until a leave
   * or a close. A deleted macvlan's sync references and flag counts leave its lower (macvlan_stop).
   */
  private linkDel(iface: string): void {
    const facts = this.facts(iface);
    const victims = [...[...this.interfaces.values()].filter((u) => u.lower === facts.name), facts];
    for (const v of victims) {
      this.interfaces.delete(v.name);
      this.gone.set(v.name, v);
      this.route?.apply({ op: 'link-del', iface: v.name });
    }
    if (facts.lower !== null) {
      const lower = this.facts(facts.lower);
      for (const mac of facts.macRefs.keys()) lower.dirty.add(mac);
      this.refresh(lower);
    }
    for (const f of this.interfaces.values()) f.acceptance = null;
  }

  /** A route step (./route/oracle.ts); vifs change the allmulti of their interfaces. */
  private routeStep(step: RouteStep): OracleStepResult {
    this.route ??= new RouteOracle([...this.interfaces.keys()], Object.fromEntries([...this.interfaces].map(([n, f]) => [n, f.ipv4.map((v) => ipText('ipv4', v))])));
    const ops: RouteOracleOp[] =
      step.op === 'mrt-init'
        ? [step, ...(step.assert === true ? [{ op: 'mrt-assert' as const, socket: step.socket, on: true }] : [])]
        : step.op === 'mrt-done'
          ? [step.close === true ? { op: 'close', socket: step.socket } : step]
          : [step];
    let out = this.route.apply(ops[0] as RouteOracleOp);
    if (out.error === null && ops[1]) out = this.route.apply(ops[1]);
    for (const facts of this.interfaces.values()) facts.acceptance = null;
    if (out.value !== undefined) return { error: out.error, value: out.value };
    return step.op === 'mfc-add' && out.error === null ? { error: null, replayed: out.datagrams } : { error: out.error };
  }

  /**
   * What routing does with a datagram the NIC passed up: not for martian sources, IPv6 groups of
   * scope 0 or 1, or an interface without IPv6 (ip_mc_validate_source, ip6_rcv_core). The datagram
   * is 16 bytes of UDP payload unless the step says, sent with TTL 1 unless the step says.
   */
  private routedSend(id: string, iface: string, srcText: string, dstText: string, ttl: number | undefined, payload = 16): OracleForwarding {
    const src = parseAddress(srcText, 'src');
    const dst = parseAddress(dstText, 'dst');
    const facts = this.facts(iface);
    const v6dropped = dst.family === 'ipv6' && (facts.disableIpv6 || ipv6MulticastScope(dst.value) < IPV6_SCOPE_LINK_LOCAL);
    if (v6dropped || this.martianSource(src, dst)) return { id, verdict: 'not-routed', forwarded: [], upcalls: [] };
    const length = payload + (dst.family === 'ipv4' ? 28 : 48);
    const out = (this.route as RouteOracle).apply({ op: 'send', id, iface, src: srcText, group: dstText, ttl: ttl ?? 1, length });
    return out.datagrams[0] as OracleForwarding;
  }

  /** Users of the interface's group record, 0 when absent (/proc/net/igmp, /proc/net/igmp6). */
  groupUsers(iface: string, group: string): number {
    const facts = this.facts(iface);
    const ip = parseAddress(group, 'group');
    const ref: GroupRef = { family: ip.family, group: ip.value };
    return this.groupRecords(facts).find((r) => sameGroup(r.ref, ref))?.users ?? 0;
  }

  /** Every group record of the interface with its users, sorted by group text. */
  groups(iface: string): { group: string; users: number }[] {
    return this.groupRecords(this.facts(iface))
      .map((r) => ({ group: ipText(r.ref.family, r.ref.group), users: r.users }))
      .sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : 0));
  }

  /** Device-list entries `ip maddr add` holds (global_use, /proc/net/dev_mcast's 4th column), sorted. */
  globalMacs(iface: string): string[] {
    return [...this.facts(iface).globalMacs].sort();
  }

  /** The same MACs as a set, read-only and not copied (`check` compares them after every step). */
  globalMacSet(iface: string): ReadonlySet<string> {
    return this.facts(iface).globalMacs;
  }

  /**
   * A frame that arrives after open but before the first rx-mode call: every catalog driver
   * enables broadcast and its station address on open (8139too rtl8139_hw_start, r8169
   * rtl_hw_start, e1000_setup_rctl BAM, tulip's first setup frame, QEMU's promiscuous reset),
   * so those two are `must`; anything else depends on the chip (`may`).
   */
  classifyAtOpen(iface: string, mac: string): FrameVerdict {
    const facts = this.wire(this.facts(iface));
    const m = canonicalMac(mac, 'mac');
    return m === facts.ownMac || m === BROADCAST ? 'must' : 'may';
  }

  /** What the filter must do now (its spec's acceptance): failure pages show it beside the model's NIC state. */
  expectedFilter(iface: string): Acceptance {
    return this.acceptanceOn(this.wire(this.facts(iface)));
  }

  classify(iface: string, mac: string): FrameVerdict {
    return this.classifyOn(this.wire(this.facts(iface)), canonicalMac(mac, 'mac'));
  }

  /**
   * What deviceList's order and classifyAll's verdicts are made from: the interface's list in
   * creation order and the acceptance of the NIC its frames meet. Each object is replaced, never
   * changed, on every change of it (refresh; flags, links and routing drop the acceptance), so
   * `check` keeps its probes' verdicts while both stay the same objects.
   */
  verdictBasis(iface: string): { readonly list: readonly string[]; readonly acceptance: Acceptance } {
    const facts = this.facts(iface);
    return { list: this.orderedMacs(facts), acceptance: this.acceptanceOn(this.wire(facts)) };
  }

  /** classify for many destinations at once. */
  classifyAll(iface: string, macs: readonly string[]): FrameVerdict[] {
    const facts = this.wire(this.facts(iface));
    // `check` asks about the same few hundred texts besides the list after every step: those are
    // not read character by character again either.
    return classifyAcceptanceAll(this.acceptanceOn(facts), macs, (mac) => (PROBED.has(mac) ? mac : probedCanonical(mac)));
  }
}

/** Canonical texts classifyAll was asked about (bounded: cleared when full). */
const PROBED = new Set<string>();

function probedCanonical(text: string): string {
  const mac = canonicalMac(text, 'mac');
  if (mac === text) {
    if (PROBED.size >= 1 << 12) PROBED.clear();
    PROBED.add(mac);
  }
  return mac;
}
