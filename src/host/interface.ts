// One network interface of the host: its group records (in_dev->mc_list and idev->mc_list), its
// device list (dev->mc), its flag counters and the NIC filter that ndo_set_rx_mode programs.
import type { Errno } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import type { NicFilter, NicProfile, RxMode } from '../nic/filter.ts';
import { type IpAddr, type IpPrefix, parseIp } from '../wire/ip.ts';
import { multicastScope } from '../wire/ipv6.ts';
import type { Mac } from '../wire/mac.ts';
import { deviceMacOf, linkLocalOf, solicitedNodeOf } from './addr-cache.ts';
import { DeviceList, type SyncOptions, mcSync, mcUnsync, rxModeOf } from '../netdev/device-list.ts';
import { DeviceFlags } from '../netdev/flags.ts';
import { DeleteRecords } from './delete-records.ts';
import { type FilterMode, GroupRecord } from './group.ts';
import { IPV6_ADDR_SCOPE_LINKLOCAL } from './limits.ts';

const IGMP_ALL_HOSTS = parseIp('224.0.0.1'); // include/linux/igmp.h IGMP_ALL_HOSTS
const IPV6_INTERFACELOCAL_ALLNODES = parseIp('ff01::1'); // include/net/addrconf.h in6addr_interfacelocal_allnodes
const IPV6_LINKLOCAL_ALLNODES = parseIp('ff02::1'); // include/net/addrconf.h in6addr_linklocal_allnodes

export interface InterfaceConfig {
  readonly name: string;
  readonly mac: Mac;
  readonly ipv4: readonly IpPrefix[];
  readonly ipv6: readonly IpPrefix[];
  readonly disableIpv6: boolean;
  readonly profile: NicProfile;
  /** A macvlan's lower interface (drivers/net/macvlan.c); absent for a plain interface. */
  readonly lower?: HostInterface;
  /** false: a macvlan created and left down (`ip link add`, its addresses, no `ip link set up`). */
  readonly up?: boolean;
}

type Counter = 'allmulti' | 'promiscuity';

export class HostInterface {
  readonly name: string;
  readonly mac: Mac;
  readonly ipv4: readonly IpPrefix[];
  readonly ipv6: readonly IpPrefix[];
  readonly disableIpv6: boolean;
  readonly deviceList = new DeviceList();
  readonly flags = new DeviceFlags();
  readonly nic: NicFilter;
  readonly profile: NicProfile;
  /** Group records of both families, keyed by canonical group text (the texts never collide). */
  private readonly groups = new Map<string, GroupRecord>();
  /** What ndo_set_rx_mode saw last; nothing until the device is up. */
  private readonly lastFlags = { promisc: false, allmulti: false };
  /** The list it saw: null while that is dev->mc at lastVersion (while up, every change is programmed), else a copy from the down. */
  private lastList: Mac[] | null = [];
  private lastVersion = 0;
  /** __dev_set_rx_mode does nothing until the device is up (net/core/dev.c). */
  private up = false;
  /** A macvlan's lower device; null for a plain interface. */
  readonly lower: HostInterface | null;
  /** The macvlans stacked on this interface, in creation order. */
  readonly uppers: HostInterface[] = [];
  /** dev->uc: the MACs of up macvlans (macvlan_open dev_uc_add), in the order they came. */
  private readonly ucList: Mac[] = [];
  /** dev->uc_promisc: one promiscuity count while dev->uc is not empty (net/core/dev.c __dev_set_rx_mode). */
  private ucPromisc = false;
  /** Solicited-node groups the interface's IPv6 addresses joined, one per address (addrconf_join_solict). */
  private addressGroups: IpAddr[] = [];
  /** net/ipv6/addrconf.c addrconf_ifdown deleted the configured IPv6 addresses (keep_addr_on_down 0). */
  private ipv6Deleted = false;
  /** in_dev->mc_tomb and idev->mc_tomb (one list: keys differ by family). */
  private readonly deleteRecords = new DeleteRecords();
  /** While an `up` re-loads the group records (linkUp), groupAdded does not load them one by one. */
  private deferLoad = false;

  constructor(config: InterfaceConfig, private readonly faults: FaultSet) {
    this.name = config.name;
    this.mac = config.mac;
    this.ipv4 = config.ipv4;
    this.ipv6 = config.ipv6;
    this.disableIpv6 = config.disableIpv6;
    this.profile = config.profile;
    this.nic = config.profile.create(config.mac, faults);
    this.lower = config.lower ?? null;
    this.lower?.uppers.push(this);

    // Register: net/ipv6/addrconf.c ipv6_add_dev joins ff01::1 then ff02::1, also with disable_ipv6.
    this.incGroup(IPV6_INTERFACELOCAL_ALLNODES, 'exclude');
    this.incGroup(IPV6_LINKLOCAL_ALLNODES, 'exclude');
    // Up: __dev_open → ndo_open (macvlan_open) and dev_set_rx_mode, then net/ipv4/igmp.c ip_mc_up
    // joins 224.0.0.1 and addrconf_notify NETDEV_UP adds the link-local. Created down, none of that
    // happens until `link up`; a static IPv6 address still joins its solicited-node group from its
    // DAD work (net/ipv6/addrconf.c addrconf_dad_begin -> addrconf_join_solict; observed on 6.18).
    const up = config.up !== false;
    if (up) {
      this.ndoOpen();
      this.up = true;
      this.programRxMode();
      this.incGroup(IGMP_ALL_HOSTS, 'exclude');
    }
    if (!this.disableIpv6) {
      // net/ipv6/addrconf.c addrconf_join_solict: the EUI-64 link-local first, then each address.
      const seen = new Set<string>();
      for (const addr of [...(up ? [linkLocalOf(this.mac)] : []), ...this.ipv6.map((p) => p.addr)]) {
        if (seen.has(addr.text)) continue; // ipv6_add_addr refuses a duplicate address (EEXIST)
        seen.add(addr.text);
        this.joinSolicitedNode(addr);
      }
    }
  }

  private joinSolicitedNode(addr: IpAddr): void {
    if (this.faults.has('no-solicited-node')) return;
    const group = solicitedNodeOf(addr);
    this.addressGroups.push(group);
    this.incGroup(group, 'exclude');
  }

  get isUp(): boolean {
    return this.up;
  }

  private get syncOptions(): SyncOptions {
    return { unsyncRemovesUsed: this.faults.has('unsync-removes-used') };
  }

  /** drivers/net/macvlan.c macvlan_open: the MAC into the lower's dev->uc, then the upper's flags as counts on the lower. */
  private ndoOpen(): void {
    const lower = this.lower;
    if (!lower) return;
    lower.ucAdd(this.mac);
    if (this.flags.allmultiOn) lower.adjust('allmulti', 1);
    if (this.flags.promisc) lower.adjust('promiscuity', 1);
  }

  /** drivers/net/macvlan.c macvlan_stop: dev_mc_unsync, the flag counts leave the lower, dev_uc_del. */
  private ndoStop(): void {
    const lower = this.lower;
    if (!lower) return;
    mcUnsync(lower.deviceList, this.deviceList, this.syncOptions);
    lower.programRxMode(); // dev_mc_unsync ends in __dev_set_rx_mode(to)
    if (this.flags.allmultiOn) lower.adjust('allmulti', -1);
    if (this.flags.promisc) lower.adjust('promiscuity', -1);
    lower.ucDel(this.mac);
  }

  /** dev_uc_add(lower, upper MAC): one more dev->uc entry, then __dev_set_rx_mode. */
  private ucAdd(mac: Mac): void {
    this.ucList.push(mac);
    this.programRxMode();
  }

  /** dev_uc_del. */
  private ucDel(mac: Mac): void {
    const i = this.ucList.indexOf(mac);
    if (i >= 0) this.ucList.splice(i, 1);
    this.programRxMode();
  }

  /**
   * dev_set_allmulti / dev_set_promiscuity(dev, inc) from an upper device (net/core/dev.c
   * __dev_set_allmulti, __dev_set_promiscuity): a count below zero is refused (-EOVERFLOW);
   * dev_set_rx_mode follows when the IFF flag changed.
   */
  private adjust(counter: Counter, inc: number): void {
    const before = this.flags[counter] > 0;
    if (this.flags[counter] + inc < 0) return;
    this.flags[counter] += inc;
    if (before !== this.flags[counter] > 0) this.programRxMode();
  }

  /**
   * `ip link set IFACE down` on a macvlan: __dev_close → macvlan_stop, then the NETDEV_DOWN
   * notifiers: net/ipv4/igmp.c ip_mc_down unloads every IPv4 record and drops 224.0.0.1;
   * net/ipv6/addrconf.c addrconf_ifdown deletes every IPv6 address (keep_addr_on_down is 0: their
   * solicited-node groups go) and ipv6_mc_down unloads the remaining records (ff01::1, ff02::1 stay).
   */
  linkDown(): void {
    if (!this.up || !this.lower) return;
    this.lastList = [...this.rxMode().mc]; // frozen: nothing programs this device while it is down
    this.ndoStop();
    this.up = false;
    const dropAll = (family: 'ipv4' | 'ipv6'): void => {
      for (const rec of this.groups.values()) {
        if (rec.group.family === family) this.groupDropped(rec.group, rec);
      }
    };
    // inetdev_event NETDEV_DOWN: ip_mc_down drops every IPv4 record, then 224.0.0.1's user.
    dropAll('ipv4');
    this.decGroup(IGMP_ALL_HOSTS);
    // addrconf_ifdown: the addresses go first (their solicited-node users with them), then
    // ipv6_mc_down, only "if (was_ready)": a disable_ipv6 device is never IF_READY (addrconf_notify
    // NETDEV_UP stops at cnf.disable_ipv6), so its IPv6 records stay loaded (observed on 6.18).
    for (const group of this.addressGroups) this.decGroup(group);
    this.addressGroups = [];
    this.ipv6Deleted = true;
    if (!this.disableIpv6) dropAll('ipv6');
  }

  /** `ip link del` of a macvlan: dev_close (macvlan_stop, NETDEV_DOWN), then it leaves its lower's list of uppers. */
  unregister(): void {
    if (!this.lower) return;
    this.linkDown();
    this.lower.uppers.splice(this.lower.uppers.indexOf(this), 1);
  }

  /** Whether the interface holds `addr` as one of its configured IPv6 addresses now (a `link down` deletes them). */
  holdsIpv6(addr: IpAddr): boolean {
    return !this.ipv6Deleted && this.ipv6.some((p) => p.addr.value === addr.value);
  }

  /**
   * `ip link set IFACE up` on a macvlan: __dev_open → macvlan_open and dev_set_rx_mode (the list
   * held while down is synced), then NETDEV_UP: ip_mc_up (224.0.0.1 and every IPv4 record loaded
   * again), ipv6_mc_up, and addrconf's new link-local address with its solicited-node group. The
   * static IPv6 addresses do not come back. The kernel loads IPv4 records, newest first, before
   * IPv6 ones; here in MAC order, as the oracle orders entries created by one step (docs/semantics.md).
   */
  linkUp(): void {
    if (this.up || !this.lower) return;
    this.ndoOpen();
    this.up = true;
    this.programRxMode();
    this.deferLoad = true;
    try {
      this.incGroup(IGMP_ALL_HOSTS, 'exclude');
      // A static address equal to the link-local (kept from a creation down) makes its add EEXIST.
      if (!this.disableIpv6 && !this.holdsIpv6(linkLocalOf(this.mac))) this.joinSolicitedNode(linkLocalOf(this.mac));
    } finally {
      this.deferLoad = false;
    }
    // ip_mc_up / ipv6_mc_up: each record takes its delete record before it is loaded again (no
    // ipv6_mc_up on a disable_ipv6 device: addrconf_notify NETDEV_UP stops there).
    for (const rec of this.groups.values()) if (!(this.disableIpv6 && rec.key.includes(':'))) this.deleteRecords.restore(rec);
    const unloaded = Array.from(this.groups.values(), (rec) => ({ group: rec.group, rec }))
      .filter(({ group, rec }) => !rec.loaded && !(group.family === 'ipv6' && multicastScope(group) < IPV6_ADDR_SCOPE_LINKLOCAL))
      .map((r) => ({ ...r, mac: deviceMacOf(r.group, this.faults) }))
      .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
    for (const { group, rec } of unloaded) this.groupAdded(group, rec);
  }

  group(group: IpAddr): GroupRecord | undefined {
    return this.groups.get(group.text);
  }

  /** The parsed address of the record whose canonical text is `text`: a join or leave of a held group parses nothing. */
  knownGroup(text: unknown): IpAddr | undefined {
    return typeof text === 'string' ? this.groups.get(text)?.group : undefined;
  }

  /** Every group record with its users, in no particular order (/proc/net/igmp, /proc/net/igmp6). */
  groupRecords(): { group: string; users: number }[] {
    return Array.from(this.groups.values(), (r) => ({ group: r.key, users: r.users }));
  }

  /**
   * __ip_mc_inc_group (net/ipv4/igmp.c) / __ipv6_dev_mc_inc (net/ipv6/mcast.c): an existing
   * record gains a user and counts the mode; a new one starts (mode, empty) and is loaded.
   */
  incGroup(group: IpAddr, mode: FilterMode): GroupRecord {
    const existing = this.groups.get(group.text);
    if (existing) {
      existing.users++;
      existing.addSources(mode, [], false);
      return existing;
    }
    const rec = new GroupRecord(group, mode);
    this.groups.set(group.text, rec);
    // ____ip_mc_inc_group / ____ipv6_dev_mc_inc: a new record takes its address's delete record first.
    this.deleteRecords.restore(rec);
    this.groupAdded(group, rec);
    return rec;
  }

  /** ip_mc_dec_group / __ipv6_dev_mc_dec: the last user drops the record and its reference. */
  decGroup(group: IpAddr): void {
    const rec = this.groups.get(group.text);
    if (!rec) return;
    if (--rec.users > 0) return;
    this.groups.delete(group.text);
    this.groupDropped(group, rec);
  }

  /**
   * igmp_group_added → ip_mc_filter_add; igmp6_group_added skips scopes below link-local. Neither
   * looks at IFF_UP: a record joined while the device is down enters dev->mc at once (observed on 6.18).
   */
  private groupAdded(group: IpAddr, rec: GroupRecord): void {
    if (group.family === 'ipv6' && multicastScope(group) < IPV6_ADDR_SCOPE_LINKLOCAL) return;
    if (rec.loaded || this.deferLoad) return;
    rec.loaded = true;
    rec.deviceMac ??= deviceMacOf(group, this.faults);
    this.mcAdd(rec.deviceMac);
  }

  /**
   * igmp_group_dropped → ip_mc_filter_del, then (IGMPv3) igmpv3_add_delrec unless the group is
   * 224.0.0.1 (sysctl igmp_llm_reports is 1: 224.0.0.0/24 groups get records too);
   * igmp6_group_dropped skips scopes below link-local, unloads, then (MLDv2) mld_add_delrec
   * unless MAF_NOREPORT (ff02::1). The record is added whether the group was loaded or not.
   */
  private groupDropped(group: IpAddr, rec: GroupRecord): void {
    if (group.family === 'ipv6' && multicastScope(group) < IPV6_ADDR_SCOPE_LINKLOCAL) return;
    if (rec.loaded) {
      rec.loaded = false;
      if (!this.faults.has('refcount-not-decremented')) this.mcDel(rec.deviceMac ?? deviceMacOf(group, this.faults));
    }
    const noReport = group.family === 'ipv4' ? group.value === IGMP_ALL_HOSTS.value : group.value === IPV6_LINKLOCAL_ALLNODES.value;
    if (!noReport) this.deleteRecords.add(rec);
  }

  /** dev_mc_add: __hw_addr_add_ex, then __dev_set_rx_mode when it succeeded. */
  private mcAdd(mac: Mac): void {
    if (this.deviceList.add(mac) === null) this.programRxMode();
  }

  /** dev_mc_del: __hw_addr_del_ex, then __dev_set_rx_mode when it succeeded. */
  private mcDel(mac: Mac): void {
    if (this.faults.has('shared-mac-removed')) {
      this.deviceList.purge(mac);
      this.programRxMode();
      return;
    }
    if (this.deviceList.del(mac) === null) this.programRxMode();
  }

  /** `ip maddr add` = dev_mc_add_global (net/core/dev_addr_lists.c). */
  maddrAdd(mac: Mac): Errno | null {
    const err = this.deviceList.addGlobal(mac);
    if (err === null) this.programRxMode();
    return err;
  }

  /** `ip maddr del` = dev_mc_del_global: ENOENT unless globally added. */
  maddrDel(mac: Mac): Errno | null {
    const err = this.deviceList.delGlobal(mac);
    if (err === null) this.programRxMode();
    return err;
  }

  /** `ip link set … promisc on|off` (dev_change_flags calls dev_set_rx_mode on every call). */
  setPromisc(on: boolean): void {
    this.countChange('promiscuity', () => this.flags.setUserPromisc(on));
    this.programRxMode();
  }

  /** `ip link set … allmulticast on|off`. */
  setAllmulti(on: boolean): void {
    this.countChange('allmulti', () => this.flags.setUserAllmulti(on));
    this.programRxMode();
  }

  /** dev_set_allmulti(dev, ±1) (net/core/dev.c): moves the count, then dev_set_rx_mode, as a vif does. */
  changeAllmulti(inc: number): void {
    if (this.faults.has('stacked-allmulti-user-only')) this.flags.changeAllmulti(inc);
    else this.countChange('allmulti', () => this.flags.changeAllmulti(inc));
    this.programRxMode();
  }

  /**
   * __dev_set_allmulti / __dev_set_promiscuity (net/core/dev.c): whoever moves the count (the user
   * flag, a vif, dev->uc), dev_change_rx_flags runs only when IFF_ALLMULTI / IFF_PROMISC flips;
   * drivers/net/macvlan.c macvlan_change_rx_flags passes that flip to the lower "if (dev->flags &
   * IFF_UP)", as one count.
   */
  private countChange(counter: Counter, move: () => unknown): void {
    const before = this.flags[counter] > 0;
    move();
    const after = this.flags[counter] > 0;
    if (before === after || !this.lower) return;
    // The fault is macvlan_change_rx_flags before Linux bbeb0eadcf9f ("macvlan: Don't propagate IFF_ALLMULTI changes on down interfaces").
    if (this.up || this.faults.has('macvlan-allmulti-while-down')) this.lower.adjust(counter, after ? 1 : -1);
  }

  /**
   * __dev_set_rx_mode: nothing while down; a device without IFF_UNICAST_FLT
   * (NicProfile.unicastFilter) holds one promiscuity count while dev->uc is not empty, one with it
   * gets dev->uc in ndo_set_rx_mode instead; then ndo_set_rx_mode with the flags and the whole
   * list, in list order (handed over as the list's changes since the previous call, its length and
   * head, and the list itself built only if the filter reads it: src/netdev/device-list.ts
   * rxModeOf). A macvlan's ndo_set_rx_mode, macvlan_set_mac_lists, syncs its list to the lower
   * (dev_mc_sync, which ends in __dev_set_rx_mode(lower)).
   */
  programRxMode(): void {
    if (!this.up) return;
    const unicastFilter = this.profile.unicastFilter === true;
    if ((!unicastFilter && this.ucList.length > 0) !== this.ucPromisc) {
      this.ucPromisc = !this.ucPromisc;
      this.countChange('promiscuity', () => (this.flags.promiscuity += this.ucPromisc ? 1 : -1));
    }
    if (this.lower && mcSync(this.lower.deviceList, this.deviceList, this.syncOptions) === null) this.lower.programRxMode();
    const mode = rxModeOf(this.name, this.deviceList, this.flags.promisc, this.flags.allmultiOn, unicastFilter ? [...this.ucList] : undefined);
    this.lastFlags.promisc = mode.promisc;
    this.lastFlags.allmulti = mode.allmulti;
    this.lastList = null;
    this.lastVersion = this.deviceList.version;
    this.nic.program(mode);
  }

  /** What ndo_set_rx_mode saw last, the list copied. */
  rxMode(): RxMode {
    if (this.lastList === null && this.deviceList.version !== this.lastVersion) throw new Error(`${this.name}: dev->mc changed while up, unprogrammed`);
    return { ...this.lastFlags, mc: this.lastList === null ? this.deviceList.addrs() : [...this.lastList] };
  }
}
