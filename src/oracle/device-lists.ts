// The oracle's device-list part: interfaces with their kernel-held groups, the group records and
// dev->mc references derived from every holder, the list order and what a refusing table last
// accepted, the flag counts and `link` (`maddr` is ./oracle.ts's), and the verdict of the NIC's filter spec.
import { InputError } from '../errors.ts';
import type { InterfaceSpec, SocketFamily } from '../scenario/types.ts';
import type { RouteOracle } from './route/oracle.ts';
import { SourceTables } from './source-tables.ts';
import { type OracleIp, canonicalMac, ipKey, macOctets, parseInterfaceAddress } from './address.ts';
import { type Acceptance, type FilterInput, type FrameVerdict, classifyAcceptance, resolveSpec } from './filters/index.ts';
import { IPV4_ALL_HOSTS, IPV6_ALL_NODES, IPV6_NODE_LOCAL_ALL_NODES, eui64LinkLocal, solicitedNodeGroup } from './mapping.ts';
import { type FilterMode, type GroupRef, type Membership, MembershipTable, groupKey } from './memberships.ts';
import { type InterfaceFacts, groupMac, reportable, sameGroup } from './facts.ts';

export abstract class DeviceListOracle {
  protected readonly interfaces = new Map<string, InterfaceFacts>();
  /** Interfaces a link-del step deleted: sockets may still hold memberships on them. */
  protected readonly gone = new Map<string, InterfaceFacts>();
  protected readonly memberships = new MembershipTable();
  protected clock = 0;
  /** Multicast routing, from the first route step on. */
  protected route: RouteOracle | null = null;

  /**
   * Each user flag holds one count. On a lower, every up macvlan adds its own flags as counts
   * (macvlan_open, macvlan_change_rx_flags), and one more promiscuity count is held while any
   * macvlan is up: its MAC sits in the lower's dev->uc, which a lower without IFF_UNICAST_FLT
   * cannot filter (net/core/dev.c __dev_set_rx_mode, uc_promisc); one with it gets dev->uc.
   */
  protected countersOf(facts: InterfaceFacts): { promisc: number; allmulti: number } {
    const uppers = this.upUppers(facts);
    return {
      promisc: (facts.promisc ? 1 : 0) + (uppers.length > 0 && facts.spec.unicastFilter !== true ? 1 : 0) + uppers.filter((u) => u.promisc).length,
      // An up upper holds one count while its own IFF_ALLMULTI is set, by its user flag or by the
      // kernel (a vif): net/core/dev.c __dev_set_allmulti -> macvlan_change_rx_flags.
      allmulti: (facts.allmulti ? 1 : 0) + uppers.filter((u) => u.allmulti || this.vifCount(u.name) > 0).length + this.vifCount(facts.name),
    };
  }

  protected upUppers(facts: InterfaceFacts): InterfaceFacts[] {
    return [...this.interfaces.values()].filter((u) => u.lower === facts.name && u.up);
  }

  /** The interface whose NIC a frame for `facts` meets: a macvlan's lower, else itself. */
  protected wire(facts: InterfaceFacts): InterfaceFacts {
    return facts.lower === null ? facts : this.facts(facts.lower);
  }

  protected vifCount(iface: string): number {
    return this.route?.allmulti(iface) ?? 0;
  }

  protected addInterface(spec: InterfaceSpec, where: string, profileOverride: string | undefined, unicastFilter?: boolean): void {
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
      spec: unicastFilter === undefined ? resolveSpec(profile) : { ...resolveSpec(profile), unicastFilter },
      disableIpv6: spec.disableIpv6 === true,
      ipv4: (spec.ipv4 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv4/${i}`).value),
      declaredIpv6: (spec.ipv6 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv6/${i}`).value),
      ipv6: spec.disableIpv6 === true ? [] : (spec.ipv6 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv6/${i}`).value),
      kernelGroups: [],
      globalMacs: new Set(),
      promisc: false,
      allmulti: false,
      created: new Map(),
      ordered: null,
      listing: null,
      programmed: null,
      records: new Map(),
      macRefs: new Map(),
      dirty: new Set(),
      acceptance: null,
      lower,
      // Only a macvlan may be created down (validate.ts).
      up: lower === null || spec.up !== false,
      unloaded: new Set(),
      sources: new SourceTables(),
    };
    this.interfaces.set(spec.name, facts);
    const ipv6 = (spec.ipv6 ?? []).map((a, i) => parseInterfaceAddress(a, `${where}/ipv6/${i}`));

    // net/ipv6/addrconf.c ipv6_add_dev, at register, also with disable_ipv6: ff01::1 (never
    // in dev->mc, scope 1) and ff02::1.
    this.kernelJoin(facts, { family: 'ipv6', group: IPV6_NODE_LOCAL_ALL_NODES });
    this.kernelJoin(facts, { family: 'ipv6', group: IPV6_ALL_NODES });
    // net/ipv4/igmp.c ip_mc_up: 224.0.0.1 on every interface, with or without IPv4 addresses, once
    // it is up; a macvlan created down gets it at its first `link up`.
    if (facts.up) this.kernelJoin(facts, { family: 'ipv4', group: IPV4_ALL_HOSTS });
    if (facts.disableIpv6) return;
    // net/ipv6/addrconf.c addrconf_join_solict: the EUI-64 link-local first (added at NETDEV_UP,
    // so not while created down), then each address (joined from its DAD work, also while down).
    // An address given twice (or equal to the link-local) is one address: ip addr add says EEXIST.
    const addresses: OracleIp[] = facts.up ? [{ family: 'ipv6', value: eui64LinkLocal(macOctets(facts.ownMac, where)), multicast: false }] : [];
    for (const a of ipv6) if (!addresses.some((b) => ipKey(a) === ipKey(b))) addresses.push(a);
    for (const a of addresses) this.kernelJoin(facts, { family: 'ipv6', group: solicitedNodeGroup(a.value) });
  }

  protected kernelJoin(facts: InterfaceFacts, ref: GroupRef): void {
    this.holderArrives(facts, ref, 'exclude');
    facts.kernelGroups.push(ref);
    this.hold(facts, ref, 1);
    this.refresh(facts);
  }

  /** Everyone who holds the group on the interface now: kernel joins (EXCLUDE {}) and memberships. */
  protected holders(facts: InterfaceFacts, ref: GroupRef): { mode: FilterMode }[] {
    return [
      ...facts.kernelGroups.filter((k) => sameGroup(k, ref)).map(() => ({ mode: 'exclude' as const })),
      ...this.memberships.holders(facts.name, ref),
    ];
  }

  /** Kernel joins of the group on the interface (each EXCLUDE {}). */
  private kernelHolders(facts: InterfaceFacts, ref: GroupRef): number {
    let n = 0;
    for (const k of facts.kernelGroups) if (sameGroup(k, ref)) n++;
    return n;
  }

  /** How many hold the group on the interface now: holders(facts, ref).length, without the list. */
  protected holderCount(facts: InterfaceFacts, ref: GroupRef): number {
    return this.kernelHolders(facts, ref) + this.memberships.holderCounts(facts.name, ref).all;
  }

  /** The group's filter mode: EXCLUDE while any holder excludes, else INCLUDE. */
  protected groupMode(facts: InterfaceFacts, ref: GroupRef): FilterMode {
    return this.kernelHolders(facts, ref) > 0 || this.memberships.holderCounts(facts.name, ref).exclude > 0 ? 'exclude' : 'include';
  }

  /** Before a holder arrives: a group with no holder yet is created in the newcomer's mode. */
  protected holderArrives(facts: InterfaceFacts, ref: GroupRef, mode: FilterMode): void {
    if (this.holderCount(facts, ref) === 0) facts.sources.created(groupKey(ref), mode);
  }

  /** After membership `m` left (its sources already uncounted): the last holder's leaving drops the group. */
  protected holderLeft(facts: InterfaceFacts, ref: GroupRef, modeBefore: FilterMode): void {
    if (this.holderCount(facts, ref) === 0) facts.sources.dropped(groupKey(ref), modeBefore, reportable(ref));
  }

  /** A membership leaves: its sources are uncounted, then the group may be dropped. */
  protected removeMembership(m: Membership): void {
    const facts = this.facts(m.iface);
    const modeBefore = this.groupMode(facts, m);
    this.memberships.remove(m);
    this.hold(facts, m, -1);
    facts.sources.removeSources(groupKey(m), m.mode, m.sources);
    this.holderLeft(facts, m, modeBefore);
  }

  protected facts(iface: string): InterfaceFacts {
    const facts = this.interfaces.get(iface);
    if (!facts) throw new InputError('iface', `unknown interface ${JSON.stringify(iface)}`);
    return facts;
  }

  /** Every group record of the interface with its users (kernel joins + memberships). */
  protected groupRecords(facts: InterfaceFacts): { ref: GroupRef; users: number }[] {
    return Array.from(facts.records.values(), (r) => ({ ref: r.ref, users: r.users }));
  }

  /**
   * A holder of the group on the interface came (+1) or went (-1). A group record exists while
   * it has users; a record that exists and was not unloaded by a `link down` holds one reference
   * on its MAC's dev->mc entry (igmp_group_added / igmp6_group_added -> dev_mc_add; a scope 0/1
   * IPv6 group has no MAC there).
   */
  protected hold(facts: InterfaceFacts, ref: GroupRef, delta: 1 | -1): void {
    const key = groupKey(ref);
    const record = facts.records.get(key);
    if (delta > 0) {
      if (record) {
        record.users++;
        return;
      }
      // The MAC is derived once per record, and given back when the record goes.
      const mac = groupMac(ref);
      facts.records.set(key, { ref: { family: ref.family, group: ref.group, key }, users: 1, mac });
      if (!facts.unloaded.has(key)) this.macRef(facts, mac, 1);
      return;
    }
    if (!record) return;
    if (--record.users > 0) return;
    facts.records.delete(key);
    // An unloaded record held no reference; gone, it is no longer unloaded either.
    if (!facts.unloaded.delete(key)) this.macRef(facts, record.mac, -1);
  }

  protected macRef(facts: InterfaceFacts, mac: string | null, delta: 1 | -1): void {
    if (mac === null) return;
    const n = (facts.macRefs.get(mac) ?? 0) + delta;
    if (n > 0) facts.macRefs.set(mac, n);
    else facts.macRefs.delete(mac);
    facts.dirty.add(mac);
  }

  /** Records and references derived again from every holder (after a `link` step changed the kernel's groups). */
  protected rederive(facts: InterfaceFacts): void {
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
  protected refcounts(facts: InterfaceFacts): ReadonlyMap<string, number> {
    const uppers = this.upUppers(facts);
    // Nothing stacked on or under it: the references are the interface's own.
    if ((facts.lower === null || !facts.up) && uppers.length === 0) return facts.macRefs;
    const counts = new Map(facts.macRefs);
    if (facts.lower !== null && facts.up) for (const [mac, n] of counts) counts.set(mac, n + 1);
    for (const upper of uppers) for (const mac of upper.macRefs.keys()) counts.set(mac, (counts.get(mac) ?? 0) + 1);
    return counts;
  }

  /** Entries in creation order: `created` only gains keys it lacks, each with the next clock value (refresh). */
  protected orderedMacs(facts: InterfaceFacts): readonly string[] {
    return (facts.ordered ??= [...facts.created.keys()]);
  }

  /**
   * After every change: entries that reached refcount 0 are gone, new ones go to the tail
   * (net/core/dev_addr_lists.c __hw_addr_add_ex / __hw_addr_del_entry); then the NIC is
   * programmed with the whole list (__dev_set_rx_mode), which a refusing table may reject.
   * On an interface without macvlans only the MACs whose references went to or from zero can
   * change; with stacking (sync references come and go with the uppers) every entry is looked at.
   */
  protected refresh(facts: InterfaceFacts): void {
    facts.ordered = null;
    facts.listing = null;
    if (!this.stacked(facts)) {
      const fresh: string[] = [];
      for (const mac of facts.dirty) {
        if (!facts.macRefs.has(mac)) facts.created.delete(mac);
        else if (!facts.created.has(mac)) fresh.push(mac);
      }
      // Entries created by one change arrive in MAC order (docs/semantics.md).
      fresh.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
      for (const mac of fresh) facts.created.set(mac, ++this.clock);
    } else {
      const uppers = this.upUppers(facts);
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

  /** A macvlan, or a lower with a macvlan on it (up or not). */
  private stacked(facts: InterfaceFacts): boolean {
    if (facts.lower !== null) return true;
    for (const u of this.interfaces.values()) if (u.lower === facts.name) return true;
    return false;
  }

  protected classifyOn(facts: InterfaceFacts, mac: string): FrameVerdict {
    return classifyAcceptance(this.acceptanceOn(facts), mac);
  }

  /** The spec's acceptance for the interface's current flags and lists, cached until they change. */
  protected acceptanceOn(facts: InterfaceFacts): Acceptance {
    if (!facts.acceptance) {
      const counters = this.countersOf(facts);
      const input: FilterInput = {
        ownMac: facts.ownMac,
        promisc: counters.promisc > 0,
        allmulti: counters.allmulti > 0,
        deviceList: this.orderedMacs(facts),
        programmed: facts.programmed ?? this.orderedMacs(facts),
        ...(facts.spec.unicastFilter === true ? { uc: this.upUppers(facts).map((u) => u.ownMac) } : {}),
      };
      facts.acceptance = facts.spec.acceptance(input);
    }
    return facts.acceptance;
  }

  /** `ip link set … promisc|allmulticast on|off`: a user flag holding one count (net/core/dev.c). */
  protected setFlag(iface: string, flag: 'promisc' | 'allmulti', on: boolean): void {
    const facts = this.facts(iface);
    if (facts[flag] === on) return; // one count per user flag: setting it again changes nothing
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
  protected setLink(iface: string, up: boolean): void {
    const facts = this.facts(iface);
    if (facts.lower === null) throw new InputError('iface', `${iface} is a plain interface: only stacked interfaces go down and up`);
    if (facts.up === up) return;
    facts.up = up;
    const kept = (k: GroupRef): boolean => k.family === 'ipv6' && (k.group === IPV6_ALL_NODES || k.group === IPV6_NODE_LOCAL_ALL_NODES);
    const records = (family: SocketFamily): GroupRef[] => this.groupRecords(facts).map((r) => r.ref).filter((r) => r.family === family);
    const drop = (ref: GroupRef): void => facts.sources.dropped(groupKey(ref), this.groupMode(facts, ref), reportable(ref));
    // net/ipv6/addrconf.c addrconf_ifdown runs ipv6_mc_down only "if (was_ready)", and
    // addrconf_notify NETDEV_UP never makes a disable_ipv6 device ready (nor runs ipv6_mc_up):
    // there the IPv6 records stay loaded across down and up.
    const moved = (ref: GroupRef): boolean => ref.family === 'ipv4' || !facts.disableIpv6;
    if (!up) {
      for (const r of this.groupRecords(facts)) if (moved(r.ref)) facts.unloaded.add(groupKey(r.ref));
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
      for (const ref of records('ipv6').filter(moved)) drop(ref);
    } else {
      facts.unloaded.clear();
      // ip_mc_up: 224.0.0.1 (a new group uses its record), then every group its newest record.
      this.holderArrives(facts, { family: 'ipv4', group: IPV4_ALL_HOSTS }, 'exclude');
      facts.kernelGroups.push({ family: 'ipv4', group: IPV4_ALL_HOSTS });
      for (const ref of [...records('ipv4'), ...records('ipv6')].filter(moved)) facts.sources.useRecord(groupKey(ref), this.groupMode(facts, ref));
      const linkLocal = eui64LinkLocal(macOctets(facts.ownMac, 'mac'));
      // A static address equal to the link-local (kept from a creation down) makes its add EEXIST.
      if (!facts.disableIpv6 && !facts.ipv6.includes(linkLocal)) {
        const solicited: GroupRef = { family: 'ipv6', group: solicitedNodeGroup(linkLocal) };
        this.holderArrives(facts, solicited, 'exclude');
        facts.kernelGroups.push(solicited);
      }
    }
    this.rederive(facts);
    this.refresh(facts);
  }
}
