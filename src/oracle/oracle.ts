// The independent oracle: what a Linux host with a given NIC profile must do, step by step
// (docs/semantics.md). It keeps only the facts a step establishes (open sockets, memberships
// with their source lists, kernel-held automatic groups, global maddr adds, user flags) and
// DERIVES group users, device-list refcounts and the interface source filter from them. Group
// users and per-MAC references are derived per holder change (a join, a leave, a kernel join,
// a global add) rather than per question, so a step costs O(1) in the number of memberships
// (./memberships.ts indexes them). The one thing that cannot be derived is device-list order, so
// it remembers when each MAC entry was last created; and for refusing tables, the list last programmed.
import { type Errno, InputError } from '../errors.ts';
import type { AnyStep, DeviceListEntry, InterfaceSpec, RouteStep, SocketFamily } from '../scenario/types.ts';
import { RouteOracle } from './route/oracle.ts';
import { SourceTables } from './source-tables.ts';
import type { OracleForwarding, RouteOracleOp } from './route/types.ts';
import {
  type OracleIp,
  BROADCAST,
  canonicalMac,
  ipKey,
  ipText,
  ipv6MulticastScope,
  macOctets,
  parseAddress,
  parseInterfaceAddress,
} from './address.ts';
import {
  type Acceptance,
  type FilterInput,
  type FilterSpec,
  type FrameVerdict,
  classifyAcceptance,
  resolveSpec,
} from './filters/index.ts';
import { IGMP_MAX_MEMBERSHIPS, IGMP_MAX_MSF, IPV6_SCOPE_INTERFACE_LOCAL, IPV6_SCOPE_LINK_LOCAL, MLD_MAX_MSF } from './limits.ts';
import {
  IPV4_ALL_HOSTS,
  IPV6_ALL_NODES,
  IPV6_NODE_LOCAL_ALL_NODES,
  eui64LinkLocal,
  ipv4GroupMac,
  ipv6GroupMac,
  solicitedNodeGroup,
} from './mapping.ts';
import { type FilterMode, type GroupRef, type Membership, MembershipTable, groupKey } from './memberships.ts';

export type { FrameVerdict } from './filters/index.ts';

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

export interface OracleStepResult {
  readonly error: Errno | null;
  /** send/frame: the NIC's expected decision for the frame. */
  readonly verdict?: FrameVerdict;
  /** send/frame: the sockets that receive the datagram if the NIC accepts it, sorted ([] for frames). */
  readonly sockets?: string[];
  /** Once a route step ran: what multicast routing does with the datagram if the NIC accepts it (./route). */
  readonly routed?: OracleForwarding;
  /** mfc-add: the queued datagrams it resolves, in replay order. */
  readonly replayed?: readonly OracleForwarding[];
}


interface OpenSocket {
  readonly id: string;
  readonly family: SocketFamily;
  readonly bind: bigint;
  readonly port: number;
  /** false when bind() failed: the descriptor stays open, unbound, and receives nothing. */
  readonly bound: boolean;
}

interface InterfaceFacts {
  readonly name: string;
  readonly ownMac: string;
  readonly spec: FilterSpec;
  /** net.ipv6.conf.<if>.disable_ipv6 = 1. */
  readonly disableIpv6: boolean;
  /** The interface's IPv4 addresses (values), for the local-source check. */
  readonly ipv4: readonly bigint[];
  /** Its configured IPv6 addresses (values). */
  readonly declaredIpv6: readonly bigint[];
  /** Those it holds now: a macvlan's `link down` deletes them all. */
  ipv6: readonly bigint[];
  /** Automatic groups (EXCLUDE, no sources), one per kernel join: solicited-node may repeat. */
  readonly kernelGroups: GroupRef[];
  /** MACs added with dev_mc_add_global (global_use set). */
  readonly globalMacs: Set<string>;
  promisc: boolean;
  allmulti: boolean;
  /** When each present device-list entry was (last) created. */
  readonly created: Map<string, number>;
  /** The list a refusing table holds (the last one it accepted); null: the device list itself. */
  programmed: readonly string[] | null;
  /**
   * Group records (kernel joins + memberships) with their users, kept per holder change: the
   * derivation of "users" from the holders, done once per join or leave instead of per question.
   */
  readonly records: Map<string, { readonly ref: GroupRef; users: number }>;
  /** This interface's own references per MAC (loaded records + global adds), kept the same way. */
  readonly macRefs: Map<string, number>;
  /** MACs whose references went to or from zero since the last refresh. */
  readonly dirty: Set<string>;
  /** The spec's acceptance for the current flags and lists; dropped on every change of them. */
  acceptance: Acceptance | null;
  /** A macvlan's lower interface (drivers/net/macvlan.c); null for a plain interface. */
  readonly lower: string | null;
  /** Plain interfaces are always up; a macvlan goes down and up with `link`. */
  up: boolean;
  /**
   * Group records that a `link down` unloaded from the device list (net/ipv4/igmp.c ip_mc_down,
   * net/ipv6/mcast.c ipv6_mc_down): they hold no reference until the next `link up`. A record
   * created while down is loaded at once (igmp_group_added does not look at IFF_UP).
   */
  readonly unloaded: Set<string>;
  /** The interface-level source counts of its groups and their delete records (./source-tables.ts). */
  readonly sources: SourceTables;
}


const sameGroup = (a: GroupRef, b: GroupRef): boolean => a.family === b.family && a.group === b.group;

/** A group record's device-list MAC, or null for IPv6 scopes below link-local (igmp6_group_added). */
function groupMac(ref: GroupRef): string | null {
  if (ref.family === 'ipv4') return ipv4GroupMac(ref.group);
  return ipv6MulticastScope(ref.group) < IPV6_SCOPE_LINK_LOCAL ? null : ipv6GroupMac(ref.group);
}

/** Groups whose drop leaves a delete record: not 224.0.0.1, not ff02::1, no IPv6 scope below 2. */
function reportable(ref: GroupRef): boolean {
  if (ref.family === 'ipv4') return ref.group !== IPV4_ALL_HOSTS;
  return ref.group !== IPV6_ALL_NODES && ipv6MulticastScope(ref.group) >= IPV6_SCOPE_LINK_LOCAL;
}

/** The filter of one membership record admits `source` (ip_mc_sf_allow / inet6_mc_check). */
function admits(record: { mode: FilterMode; sources: readonly bigint[] }, source: bigint): boolean {
  const listed = record.sources.includes(source);
  return record.mode === 'include' ? listed : !listed;
}

/**
 * The field types the oracle relies on. Scenario validation (src/scenario/validate.ts) checks
 * far more; this only keeps a malformed step from becoming a TypeError.
 */
function checkStepShape(step: AnyStep): void {
  if (typeof step !== 'object' || step === null) throw new InputError('', 'a step must be an object');
  const fields = step as unknown as Record<string, unknown>;
  const need = (field: string, ok: (v: unknown) => boolean, what: string): void => {
    if (field in fields && !ok(fields[field])) throw new InputError(field, `${field} must be ${what}, got ${JSON.stringify(fields[field])}`);
  };
  need('socket', (v) => typeof v === 'string', 'a string');
  need('iface', (v) => typeof v === 'string', 'a string');
  need('id', (v) => typeof v === 'string', 'a string');
  need('port', (v) => Number.isInteger(v) && (v as number) >= 0 && (v as number) <= 65535, 'a port number');
  need('on', (v) => typeof v === 'boolean', 'true or false');
  need('add', (v) => typeof v === 'boolean', 'true or false');
  need('up', (v) => typeof v === 'boolean', 'true or false');
  need('family', (v) => v === 'ipv4' || v === 'ipv6', '"ipv4" or "ipv6"');
  need('mode', (v) => v === undefined || v === 'include' || v === 'exclude', '"include" or "exclude"');
}

export class Oracle {
  private readonly interfaces = new Map<string, InterfaceFacts>();
  private readonly sockets = new Map<string, OpenSocket>();
  private readonly memberships = new MembershipTable();
  private clock = 0;
  /** Multicast routing, from the first route step on. */
  private route: RouteOracle | null = null;

  constructor(interfaces: readonly InterfaceSpec[], options: { profile?: string } = {}) {
    interfaces.forEach((spec, i) => this.addInterface(spec, `/interfaces/${i}`, options.profile));
  }

  /** The expected outcome of one step; bad step fields are InputErrors naming the field. */
  apply(step: AnyStep): OracleStepResult {
    checkStepShape(step);
    switch (step.op) {
      case 'mrt-init':
      case 'mrt-done':
      case 'mrt-pim':
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
      case 'promisc':
      case 'allmulti':
        this.setFlag(step.iface, step.op, step.on);
        return { error: null };
      case 'link':
        this.setLink(step.iface, step.up);
        return { error: null };
      case 'send': {
        const local = this.send(step.iface, step.src, step.dst, step.port);
        if (!this.route || local.verdict === 'must-not') return local;
        return { ...local, routed: this.routedSend(step.id, step.iface, step.src, step.dst, step.ttl ?? step.hopLimit) };
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

  /** dev->mc as /proc/net/dev_mcast lists it: insertion order, users = refcount. */
  deviceList(iface: string): DeviceListEntry[] {
    const facts = this.facts(iface);
    const refcounts = this.refcounts(facts);
    return this.orderedMacs(facts).map((mac) => ({ mac, users: refcounts.get(mac) ?? 0 }));
  }

  /** dev->promiscuity and dev->allmulti (each routing vif holds one allmulti count on its device). */
  counters(iface: string): { promisc: number; allmulti: number } {
    return this.countersOf(this.facts(iface));
  }

  /**
   * Each user flag holds one count. On a lower, every up macvlan adds its own flags as counts
   * (macvlan_open, macvlan_change_rx_flags), and one more promiscuity count is held while any
   * macvlan is up: its MAC sits in the lower's dev->uc and no modelled lower filters unicast
   * (net/core/dev.c __dev_set_rx_mode, uc_promisc).
   */
  private countersOf(facts: InterfaceFacts): { promisc: number; allmulti: number } {
    const uppers = this.upUppers(facts);
    return {
      promisc: (facts.promisc ? 1 : 0) + (uppers.length > 0 ? 1 : 0) + uppers.filter((u) => u.promisc).length,
      allmulti: (facts.allmulti ? 1 : 0) + uppers.filter((u) => u.allmulti).length + this.vifCount(facts.name),
    };
  }

  private upUppers(facts: InterfaceFacts): InterfaceFacts[] {
    return [...this.interfaces.values()].filter((u) => u.lower === facts.name && u.up);
  }

  /** The interface whose NIC a frame for `facts` meets: a macvlan's lower, else itself. */
  private wire(facts: InterfaceFacts): InterfaceFacts {
    return facts.lower === null ? facts : this.facts(facts.lower);
  }

  private vifCount(iface: string): number {
    return this.route?.allmulti(iface) ?? 0;
  }

  /** A route step (./route/oracle.ts); vifs change the allmulti of their interfaces. */
  private routeStep(step: RouteStep): OracleStepResult {
    this.route ??= new RouteOracle([...this.interfaces.keys()]);
    const ops: RouteOracleOp[] =
      step.op === 'mrt-init'
        ? [step, ...(step.assert === true ? [{ op: 'mrt-assert' as const, socket: step.socket, on: true }] : [])]
        : step.op === 'mrt-done'
          ? [step.close === true ? { op: 'close', socket: step.socket } : step]
          : [step];
    let out = this.route.apply(ops[0] as RouteOracleOp);
    if (out.error === null && ops[1]) out = this.route.apply(ops[1]);
    for (const facts of this.interfaces.values()) facts.acceptance = null;
    return step.op === 'mfc-add' && out.error === null ? { error: null, replayed: out.datagrams } : { error: out.error };
  }

  /**
   * What routing does with a datagram the NIC passed up: not for martian sources, IPv6 groups of
   * scope 0 or 1, or an interface without IPv6 (ip_mc_validate_source, ip6_rcv_core). The datagram
   * is 16 bytes of UDP payload (src/kernel/route-bench.ts), sent with TTL 1 unless the step says.
   */
  private routedSend(id: string, iface: string, srcText: string, dstText: string, ttl: number | undefined): OracleForwarding {
    const src = parseAddress(srcText, 'src');
    const dst = parseAddress(dstText, 'dst');
    const facts = this.facts(iface);
    const v6dropped = dst.family === 'ipv6' && (facts.disableIpv6 || ipv6MulticastScope(dst.value) < IPV6_SCOPE_LINK_LOCAL);
    if (v6dropped || this.martianSource(src, dst)) return { id, verdict: 'not-routed', forwarded: [], upcalls: [] };
    const length = 16 + (dst.family === 'ipv4' ? 28 : 48);
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

  classify(iface: string, mac: string): FrameVerdict {
    return this.classifyOn(this.wire(this.facts(iface)), canonicalMac(mac, 'mac'));
  }

  // --- interfaces ---------------------------------------------------------------------------

  private addInterface(spec: InterfaceSpec, where: string, profileOverride: string | undefined): void {
    if (this.interfaces.has(spec.name)) throw new InputError(`${where}/name`, `interface ${JSON.stringify(spec.name)} repeats`);
    let lower: string | null = null;
    if (spec.kind !== undefined) {
      const named = spec.lower === undefined ? undefined : this.interfaces.get(spec.lower);
      if (spec.kind !== 'macvlan') throw new InputError(`${where}/kind`, `unknown interface kind ${JSON.stringify(spec.kind)}`);
      if (!named || named.lower !== null) throw new InputError(`${where}/lower`, `${JSON.stringify(spec.lower)} is not a plain interface declared before`);
      lower = named.name;
    }
    // A macvlan has no NIC of its own: frames meet its lower's.
    const profile = lower !== null ? 'accept-all' : (profileOverride ?? spec.nic ?? 'accept-all');
    const facts: InterfaceFacts = {
      name: spec.name,
      ownMac: canonicalMac(spec.mac, `${where}/mac`),
      spec: resolveSpec(profile),
      disableIpv6: spec.disableIpv6 === true,
      ipv4: (spec.ipv4 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv4/${i}`).value),
      declaredIpv6: (spec.ipv6 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv6/${i}`).value),
      ipv6: spec.disableIpv6 === true ? [] : (spec.ipv6 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv6/${i}`).value),
      kernelGroups: [],
      globalMacs: new Set(),
      promisc: false,
      allmulti: false,
      created: new Map(),
      programmed: null,
      records: new Map(),
      macRefs: new Map(),
      dirty: new Set(),
      acceptance: null,
      lower,
      up: true,
      unloaded: new Set(),
      sources: new SourceTables(),
    };
    this.interfaces.set(spec.name, facts);
    const ipv6 = (spec.ipv6 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv6/${i}`));

    // net/ipv6/addrconf.c ipv6_add_dev, at register, also with disable_ipv6: ff01::1 (never
    // in dev->mc, scope 1) and ff02::1.
    this.kernelJoin(facts, { family: 'ipv6', group: IPV6_NODE_LOCAL_ALL_NODES });
    this.kernelJoin(facts, { family: 'ipv6', group: IPV6_ALL_NODES });
    // net/ipv4/igmp.c ip_mc_up: 224.0.0.1 on every interface, with or without IPv4 addresses.
    this.kernelJoin(facts, { family: 'ipv4', group: IPV4_ALL_HOSTS });
    if (facts.disableIpv6) return;
    // net/ipv6/addrconf.c addrconf_join_solict: the EUI-64 link-local first, then each address.
    // An address given twice (or equal to the link-local) is one address: ip addr add says EEXIST.
    const addresses: OracleIp[] = [{ family: 'ipv6', value: eui64LinkLocal(macOctets(facts.ownMac, where)), multicast: false }];
    for (const a of ipv6) if (!addresses.some((b) => ipKey(a) === ipKey(b))) addresses.push(a);
    for (const a of addresses) this.kernelJoin(facts, { family: 'ipv6', group: solicitedNodeGroup(a.value) });
  }

  private kernelJoin(facts: InterfaceFacts, ref: GroupRef): void {
    this.holderArrives(facts, ref, 'exclude');
    facts.kernelGroups.push(ref);
    this.hold(facts, ref, 1);
    this.refresh(facts);
  }

  /** Everyone who holds the group on the interface now: kernel joins (EXCLUDE {}) and memberships. */
  private holders(facts: InterfaceFacts, ref: GroupRef): { mode: FilterMode }[] {
    return [
      ...facts.kernelGroups.filter((k) => sameGroup(k, ref)).map(() => ({ mode: 'exclude' as const })),
      ...this.memberships.holders(facts.name, ref),
    ];
  }

  /** The group's filter mode: EXCLUDE while any holder excludes, else INCLUDE. */
  private groupMode(facts: InterfaceFacts, ref: GroupRef): FilterMode {
    return this.holders(facts, ref).some((h) => h.mode === 'exclude') ? 'exclude' : 'include';
  }

  /** Before a holder arrives: a group with no holder yet is created in the newcomer's mode. */
  private holderArrives(facts: InterfaceFacts, ref: GroupRef, mode: FilterMode): void {
    if (this.holders(facts, ref).length === 0) facts.sources.created(groupKey(ref), mode);
  }

  /** After membership `m` left (its sources already uncounted): the last holder's leaving drops the group. */
  private holderLeft(facts: InterfaceFacts, ref: GroupRef, modeBefore: FilterMode): void {
    if (this.holders(facts, ref).length === 0) facts.sources.dropped(groupKey(ref), modeBefore, reportable(ref));
  }

  /** A membership leaves: its sources are uncounted, then the group may be dropped. */
  private removeMembership(m: Membership): void {
    const facts = this.facts(m.iface);
    const modeBefore = this.groupMode(facts, m);
    this.memberships.remove(m);
    this.hold(facts, m, -1);
    facts.sources.removeSources(groupKey(m), m.mode, m.sources);
    this.holderLeft(facts, m, modeBefore);
  }

  private facts(iface: string): InterfaceFacts {
    const facts = this.interfaces.get(iface);
    if (!facts) throw new InputError('iface', `unknown interface ${JSON.stringify(iface)}`);
    return facts;
  }

  // --- derived state ------------------------------------------------------------------------

  /** Every group record of the interface with its users (kernel joins + memberships). */
  private groupRecords(facts: InterfaceFacts): { ref: GroupRef; users: number }[] {
    return Array.from(facts.records.values(), (r) => ({ ref: r.ref, users: r.users }));
  }

  /**
   * A holder of the group on the interface came (+1) or went (-1). A group record exists while
   * it has users; a record that exists and was not unloaded by a `link down` holds one reference
   * on its MAC's dev->mc entry (igmp_group_added / igmp6_group_added -> dev_mc_add; a scope 0/1
   * IPv6 group has no MAC there).
   */
  private hold(facts: InterfaceFacts, ref: GroupRef, delta: 1 | -1): void {
    const key = groupKey(ref);
    const record = facts.records.get(key);
    if (delta > 0) {
      if (record) {
        record.users++;
        return;
      }
      facts.records.set(key, { ref: { family: ref.family, group: ref.group }, users: 1 });
      if (!facts.unloaded.has(key)) this.macRef(facts, groupMac(ref), 1);
      return;
    }
    if (!record) return;
    if (--record.users > 0) return;
    facts.records.delete(key);
    // An unloaded record held no reference; gone, it is no longer unloaded either.
    if (!facts.unloaded.delete(key)) this.macRef(facts, groupMac(ref), -1);
  }

  private macRef(facts: InterfaceFacts, mac: string | null, delta: 1 | -1): void {
    if (mac === null) return;
    const n = (facts.macRefs.get(mac) ?? 0) + delta;
    if (n > 0) facts.macRefs.set(mac, n);
    else facts.macRefs.delete(mac);
    facts.dirty.add(mac);
  }

  /** Records and references derived again from every holder (after a `link` step changed the kernel's groups). */
  private rederive(facts: InterfaceFacts): void {
    for (const mac of facts.macRefs.keys()) facts.dirty.add(mac);
    facts.records.clear();
    facts.macRefs.clear();
    // hold() gives an unloaded record no reference.
    for (const ref of [...facts.kernelGroups, ...this.memberships.onInterface(facts.name)]) this.hold(facts, ref, 1);
    // Unloaded marks of records that lost every holder go.
    for (const key of [...facts.unloaded]) if (!facts.records.has(key)) facts.unloaded.delete(key);
    for (const mac of facts.globalMacs) this.macRef(facts, mac, 1);
  }

  /**
   * dev->mc refcounts: one reference per loaded group record with users > 0 (igmp_group_added /
   * igmp6_group_added -> dev_mc_add), one per global add (dev_mc_add_global); then the sync
   * references (net/core/dev_addr_lists.c dev_mc_sync, which macvlan_set_mac_lists calls while
   * the macvlan is up): an up macvlan's entries each hold one more on the macvlan itself and one
   * on its lower.
   */
  private refcounts(facts: InterfaceFacts): Map<string, number> {
    const counts = new Map(facts.macRefs);
    if (facts.lower !== null && facts.up) for (const [mac, n] of counts) counts.set(mac, n + 1);
    for (const upper of this.upUppers(facts)) {
      for (const mac of upper.macRefs.keys()) counts.set(mac, (counts.get(mac) ?? 0) + 1);
    }
    return counts;
  }

  private orderedMacs(facts: InterfaceFacts): string[] {
    return [...facts.created.entries()].sort((a, b) => a[1] - b[1]).map(([mac]) => mac);
  }

  /**
   * After every change: entries that reached refcount 0 are gone, new ones go to the tail
   * (net/core/dev_addr_lists.c __hw_addr_add_ex / __hw_addr_del_entry); then the NIC is
   * programmed with the whole list (__dev_set_rx_mode), which a refusing table may reject.
   * On an interface without macvlans only the MACs whose references went to or from zero can
   * change; with stacking (sync references come and go with the uppers) every entry is looked at.
   */
  private refresh(facts: InterfaceFacts): void {
    const uppers = this.upUppers(facts);
    const stacked = facts.lower !== null || [...this.interfaces.values()].some((u) => u.lower === facts.name);
    if (!stacked) {
      const fresh: string[] = [];
      for (const mac of facts.dirty) {
        if (!facts.macRefs.has(mac)) facts.created.delete(mac);
        else if (!facts.created.has(mac)) fresh.push(mac);
      }
      // Entries created by one change arrive in MAC order (docs/semantics.md).
      fresh.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const mac of fresh) facts.created.set(mac, ++this.clock);
    } else {
      const counts = this.refcounts(facts);
      for (const mac of [...facts.created.keys()]) if (!counts.has(mac)) facts.created.delete(mac);
      // Entries a macvlan's sync brings arrive in the macvlan's list order; the rest in MAC order.
      const syncedAt = (mac: string): number => Math.min(...uppers.map((u) => u.created.get(mac) ?? Infinity));
      const fresh = [...counts.keys()].filter((mac) => !facts.created.has(mac));
      fresh.sort((a, b) => syncedAt(a) - syncedAt(b) || (a < b ? -1 : a > b ? 1 : 0));
      for (const mac of fresh) facts.created.set(mac, ++this.clock);
    }
    facts.dirty.clear();
    const limit = facts.spec.refusesBeyond;
    if (limit === null) facts.programmed = null;
    else if (facts.created.size <= limit) facts.programmed = this.orderedMacs(facts);
    facts.acceptance = null;
    if (facts.lower !== null) this.refresh(this.facts(facts.lower));
  }

  private classifyOn(facts: InterfaceFacts, mac: string): FrameVerdict {
    if (!facts.acceptance) {
      const counters = this.countersOf(facts);
      const input: FilterInput = {
        ownMac: facts.ownMac,
        promisc: counters.promisc > 0,
        allmulti: counters.allmulti > 0,
        deviceList: this.orderedMacs(facts),
        programmed: facts.programmed ?? this.orderedMacs(facts),
      };
      facts.acceptance = facts.spec.acceptance(input);
    }
    return classifyAcceptance(facts.acceptance, mac);
  }

  // --- sockets ------------------------------------------------------------------------------

  private open(id: string, family: SocketFamily, bindText: string, port: number): Errno | null {
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
    // __inet6_bind then asks ipv6_chk_addr: a unicast address no interface holds is EADDRNOTAVAIL.
    // Validated scenarios bind only declared addresses: this is one a macvlan's `link down`
    // deleted (IPv4 addresses stay).
    const all = [...this.interfaces.values()];
    const absent =
      !needsScopeId &&
      family === 'ipv6' &&
      !bind.multicast &&
      all.some((f) => f.declaredIpv6.includes(bind.value)) &&
      !all.some((f) => f.ipv6.includes(bind.value));
    this.sockets.set(id, { id, family, bind: bind.value, port, bound: !needsScopeId && !absent });
    return needsScopeId ? 'EINVAL' : absent ? 'EADDRNOTAVAIL' : null;
  }

  private groupFor(socket: OpenSocket, text: string): OracleIp {
    const group = parseAddress(text, 'group');
    if (group.family !== socket.family) {
      throw new InputError('group', `${text} is not an ${socket.family} group (socket ${socket.id})`);
    }
    return group;
  }

  private membership(socket: string, ref: GroupRef, iface: string): Membership | undefined {
    return this.memberships.find(socket, ref, iface);
  }

  private join(
    socketId: string,
    groupText: string,
    iface: string,
    mode: FilterMode | undefined,
    sourceTexts: readonly string[] | undefined,
  ): Errno | null {
    const socket = this.sockets.get(socketId);
    if (!socket) return 'EBADF';
    const facts = this.facts(iface);
    const group = this.groupFor(socket, groupText);
    if (sourceTexts !== undefined && !Array.isArray(sourceTexts)) throw new InputError('sources', 'sources must be a list of addresses');
    const sources = (sourceTexts ?? []).map((s, i) => {
      const ip = parseAddress(s, `sources/${i}`);
      if (ip.family !== socket.family) throw new InputError(`sources/${i}`, `${s} is not an ${socket.family} address`);
      return ip.value;
    });
    if (!group.multicast) return 'EINVAL';
    const ref: GroupRef = { family: group.family, group: group.value };

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
  private addMembership(socket: OpenSocket, ref: GroupRef, facts: InterfaceFacts, mode: FilterMode): Errno | null {
    if (this.membership(socket.id, ref, facts.name)) return 'EADDRINUSE';
    // Counted over all of the socket's memberships, IPv4 only (IPv6 has no such sysctl).
    const held = this.memberships.countOf(socket.id);
    if (socket.family === 'ipv4' && held >= IGMP_MAX_MEMBERSHIPS) return 'ENOBUFS';
    this.holderArrives(facts, ref, mode);
    this.memberships.add({ ...ref, socket: socket.id, iface: facts.name, mode, sources: [] });
    this.hold(facts, ref, 1);
    this.refresh(facts);
    return null;
  }

  /** net/ipv4/igmp.c ip_mc_source / net/ipv6/mcast.c ip6_mc_source with add = 1. */
  private addSource(socket: OpenSocket, ref: GroupRef, facts: InterfaceFacts, mode: FilterMode, source: bigint): Errno | null {
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
  private leave(socketId: string, groupText: string, iface: string): Errno | null {
    const socket = this.sockets.get(socketId);
    if (!socket) return 'EBADF';
    const facts = this.facts(iface);
    const group = this.groupFor(socket, groupText);
    if (group.family === 'ipv6' && !group.multicast) return 'EINVAL';
    const m = this.membership(socket.id, { family: group.family, group: group.value }, facts.name);
    if (!m) return 'EADDRNOTAVAIL';
    this.removeMembership(m);
    this.refresh(facts);
    return null;
  }

  /** ip_mc_drop_socket / ipv6_sock_mc_close: every membership goes, one device change each. */
  private close(socketId: string): Errno | null {
    if (!this.sockets.has(socketId)) return 'EBADF';
    for (const m of this.memberships.ofSocket(socketId).reverse()) {
      this.removeMembership(m);
      this.refresh(this.facts(m.iface));
    }
    this.sockets.delete(socketId);
    return null;
  }

  // --- device -------------------------------------------------------------------------------

  /** net/core/dev_addr_lists.c dev_mc_add_global / dev_mc_del_global. */
  private maddr(iface: string, macText: string, add: boolean): Errno | null {
    const facts = this.facts(iface);
    const mac = canonicalMac(macText, 'mac');
    if (add) {
      if (facts.globalMacs.has(mac)) return null; // global_use already set: 0, no reference
      facts.globalMacs.add(mac);
      this.macRef(facts, mac, 1);
    } else {
      if (!facts.globalMacs.has(mac)) return 'ENOENT';
      facts.globalMacs.delete(mac);
      this.macRef(facts, mac, -1);
    }
    this.refresh(facts);
    return null;
  }

  /** `ip link set … promisc|allmulticast on|off`: a user flag holding one count (net/core/dev.c). */
  private setFlag(iface: string, flag: 'promisc' | 'allmulti', on: boolean): void {
    const facts = this.facts(iface);
    facts[flag] = on;
    facts.acceptance = null;
    if (facts.lower !== null) this.facts(facts.lower).acceptance = null;
  }

  /**
   * `ip link set MACVLAN down|up`. Down: every group record leaves the device list (ip_mc_down,
   * ipv6_mc_down), 224.0.0.1 is dropped (ip_mc_down) and every IPv6 address with its
   * solicited-node group (net/ipv6/addrconf.c addrconf_ifdown, keep_addr_on_down 0); ff01::1 and
   * ff02::1 stay. Up: 224.0.0.1 (ip_mc_up) and the new link-local address's solicited-node
   * group (addrconf) are joined and every record is loaded again; static IPv6 addresses stay gone.
   */
  private setLink(iface: string, up: boolean): void {
    const facts = this.facts(iface);
    if (facts.lower === null) throw new InputError('iface', `${iface} is a plain interface: only stacked interfaces go down and up`);
    if (facts.up === up) return;
    facts.up = up;
    const kept = (k: GroupRef): boolean => k.family === 'ipv6' && (k.group === IPV6_ALL_NODES || k.group === IPV6_NODE_LOCAL_ALL_NODES);
    const records = (family: SocketFamily): GroupRef[] => this.groupRecords(facts).map((r) => r.ref).filter((r) => r.family === family);
    const drop = (ref: GroupRef): void => facts.sources.dropped(groupKey(ref), this.groupMode(facts, ref), reportable(ref));
    if (!up) {
      for (const r of this.groupRecords(facts)) facts.unloaded.add(groupKey(r.ref));
      facts.ipv6 = [];
      // IPv4 (ip_mc_down): every group is dropped, then 224.0.0.1 loses the kernel's user.
      for (const ref of records('ipv4')) drop(ref);
      // IPv6 (addrconf_ifdown): the addresses go first, each solicited-node group losing its
      // kernel user (dropped if that was the last), then ipv6_mc_down drops the rest.
      for (const k of [...facts.kernelGroups].reverse()) {
        if (kept(k)) continue;
        const modeBefore = this.groupMode(facts, k);
        facts.kernelGroups.splice(facts.kernelGroups.lastIndexOf(k), 1);
        this.holderLeft(facts, k, modeBefore);
      }
      for (const ref of records('ipv6')) drop(ref);
    } else {
      facts.unloaded.clear();
      // ip_mc_up: 224.0.0.1 (a new group uses its record), then every group its newest record.
      this.holderArrives(facts, { family: 'ipv4', group: IPV4_ALL_HOSTS }, 'exclude');
      facts.kernelGroups.push({ family: 'ipv4', group: IPV4_ALL_HOSTS });
      for (const ref of [...records('ipv4'), ...records('ipv6')]) facts.sources.useRecord(groupKey(ref), this.groupMode(facts, ref));
      if (!facts.disableIpv6) {
        const solicited: GroupRef = { family: 'ipv6', group: solicitedNodeGroup(eui64LinkLocal(macOctets(facts.ownMac, 'mac'))) };
        this.holderArrives(facts, solicited, 'exclude');
        facts.kernelGroups.push(solicited);
      }
    }
    this.rederive(facts);
    this.refresh(facts);
  }

  // --- delivery -----------------------------------------------------------------------------

  private send(iface: string, srcText: string, dstText: string, port: number): OracleStepResult {
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
  private martianSource(src: OracleIp, dst: OracleIp): boolean {
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
  private deliveryFilter(socket: OpenSocket, ref: GroupRef, iface: string): Membership | undefined {
    if (ref.family === 'ipv4') return this.membership(socket.id, ref, iface);
    return this.memberships.ofSocket(socket.id).reverse().find((m) => sameGroup(m, ref));
  }

  /** Who receives a UDP datagram (src -> group:port) that the NIC passed up. */
  private receivers(facts: InterfaceFacts, ref: GroupRef, source: bigint, port: number): string[] {
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
