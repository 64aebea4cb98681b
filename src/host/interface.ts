// One network interface of the host: its group records (in_dev->mc_list and idev->mc_list), its
// device list (dev->mc), its flag counters and the NIC filter that ndo_set_rx_mode programs.
import type { Errno } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import type { NicFilter, NicProfile, RxMode } from '../nic/filter.ts';
import { type IpAddr, type IpPrefix, parseIp } from '../wire/ip.ts';
import { multicastScope } from '../wire/ipv6.ts';
import { type Mac, macFromBytes } from '../wire/mac.ts';
import { linkLocalOf, solicitedNodeOf, wireMacOf } from './addr-cache.ts';
import { DeviceList } from './device-list.ts';
import { DeviceFlags } from './flags.ts';
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
}

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
  private lastRxMode: RxMode = { promisc: false, allmulti: false, mc: [] };
  /** __dev_set_rx_mode does nothing until the device is up (net/core/dev.c). */
  private up = false;

  constructor(config: InterfaceConfig, private readonly faults: FaultSet) {
    this.name = config.name;
    this.mac = config.mac;
    this.ipv4 = config.ipv4;
    this.ipv6 = config.ipv6;
    this.disableIpv6 = config.disableIpv6;
    this.profile = config.profile;
    this.nic = config.profile.create(config.mac, faults);

    // Register: net/ipv6/addrconf.c ipv6_add_dev joins ff01::1 then ff02::1, also with disable_ipv6.
    this.incGroup(IPV6_INTERFACELOCAL_ALLNODES, 'exclude');
    this.incGroup(IPV6_LINKLOCAL_ALLNODES, 'exclude');
    // Up: __dev_open → dev_set_rx_mode, then net/ipv4/igmp.c ip_mc_up joins 224.0.0.1.
    this.up = true;
    this.programRxMode();
    this.incGroup(IGMP_ALL_HOSTS, 'exclude');
    if (!this.disableIpv6) {
      // net/ipv6/addrconf.c addrconf_join_solict: the EUI-64 link-local first, then each address.
      const seen = new Set<string>();
      for (const addr of [linkLocalOf(this.mac), ...this.ipv6.map((p) => p.addr)]) {
        if (seen.has(addr.text)) continue; // ipv6_add_addr refuses a duplicate address (EEXIST)
        seen.add(addr.text);
        this.joinSolicitedNode(addr);
      }
    }
  }

  private joinSolicitedNode(addr: IpAddr): void {
    if (this.faults.has('no-solicited-node')) return;
    this.incGroup(solicitedNodeOf(addr), 'exclude');
  }

  /**
   * The MAC a group is loaded into dev->mc under: ip_mc_filter_add → arp_mc_map → ip_eth_mc_map
   * (include/net/ip.h), igmp6_group_added → ndisc_mc_map → ipv6_eth_mc_map (include/net/addrconf.h).
   */
  private deviceMac(group: IpAddr): Mac {
    if (group.family === 'ipv4' && this.faults.has('ipv4-map-24bit')) {
      const v = Number(group.value & 0xffffffn);
      return macFromBytes([0x01, 0x00, 0x5e, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
    }
    if (group.family === 'ipv6' && this.faults.has('ipv6-map-24bit')) {
      const v = Number(group.value & 0xffffffn);
      return macFromBytes([0x33, 0x33, 0x00, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
    }
    // Same mapping as the sender's: ip_eth_mc_map / ipv6_eth_mc_map (src/wire/mapping.ts).
    return wireMacOf(group);
  }

  group(group: IpAddr): GroupRecord | undefined {
    return this.groups.get(group.text);
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
    const rec = new GroupRecord(group.text, mode);
    this.groups.set(group.text, rec);
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

  /** igmp_group_added → ip_mc_filter_add; igmp6_group_added skips scopes below link-local. */
  private groupAdded(group: IpAddr, rec: GroupRecord): void {
    if (group.family === 'ipv6' && multicastScope(group) < IPV6_ADDR_SCOPE_LINKLOCAL) return;
    if (rec.loaded) return;
    rec.loaded = true;
    this.mcAdd(this.deviceMac(group));
  }

  /** igmp_group_dropped → ip_mc_filter_del; igmp6_group_dropped. */
  private groupDropped(group: IpAddr, rec: GroupRecord): void {
    if (group.family === 'ipv6' && multicastScope(group) < IPV6_ADDR_SCOPE_LINKLOCAL) return;
    if (!rec.loaded) return;
    rec.loaded = false;
    if (this.faults.has('refcount-not-decremented')) return;
    this.mcDel(this.deviceMac(group));
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
    this.flags.setUserPromisc(on);
    this.programRxMode();
  }

  /** `ip link set … allmulticast on|off`. */
  setAllmulti(on: boolean): void {
    this.flags.setUserAllmulti(on);
    this.programRxMode();
  }

  /** dev_set_allmulti(dev, ±1) (net/core/dev.c): moves the count, then dev_set_rx_mode, as a vif does. */
  changeAllmulti(inc: number): void {
    this.flags.changeAllmulti(inc);
    this.programRxMode();
  }

  /** __dev_set_rx_mode → ndo_set_rx_mode with the flags and the whole list, in list order. */
  programRxMode(): void {
    if (!this.up) return;
    const mode: RxMode = {
      promisc: this.flags.promisc,
      allmulti: this.flags.allmultiOn,
      mc: this.deviceList.addrs(),
    };
    this.lastRxMode = mode;
    this.nic.program(mode);
  }

  rxMode(): RxMode {
    return { promisc: this.lastRxMode.promisc, allmulti: this.lastRxMode.allmulti, mc: [...this.lastRxMode.mc] };
  }
}
