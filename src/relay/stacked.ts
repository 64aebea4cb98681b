// Stacked devices: an upper device (macvlan) syncing its multicast list and its ALLMULTI /
// PROMISC flags down to the lower device, as Linux net/core/dev_addr_lists.c (dev_mc_sync,
// dev_mc_unsync, dev_mc_sync_multiple over __hw_addr_sync_one / __hw_addr_unsync_one) and
// drivers/net/macvlan.c (macvlan_open, macvlan_stop, macvlan_change_rx_flags,
// macvlan_set_mac_lists) do. src/host/device-list.ts models dev->mc without the sync fields
// (synced, sync_cnt) and is not to be edited from here, so the list with them lives here; the
// verbs and names are the same, so the two can merge.
import { DeviceFlags } from '../host/flags.ts';
import type { Mac } from '../wire/mac.ts';
import { MACVLAN_ALLMULTI_WHILE_DOWN, NO_RELAY_FAULTS, type RelayFaultSet, UNSYNC_REMOVES_USED } from './faults.ts';

export type StackedErrno = 'ENOENT' | 'EEXIST' | 'EOVERFLOW';

/** struct netdev_hw_addr with its sync fields. */
export interface SyncedHwAddr {
  readonly addr: Mac;
  refcount: number;
  globalUse: boolean;
  /** References taken on this (lower) list by syncs from uppers. */
  synced: number;
  /** Lower lists this (upper) entry is synced to. */
  syncCnt: number;
}

/** struct netdev_hw_addr_list (insertion order, like list_add_tail_rcu). */
export class HwAddrList {
  private readonly entries = new Map<Mac, SyncedHwAddr>();

  /** __hw_addr_add_ex(list, addr, global, sync, sync_count). */
  addEx(addr: Mac, global: boolean, sync: boolean, syncCount: number): StackedErrno | null {
    const ha = this.entries.get(addr);
    if (ha) {
      if (global) {
        if (ha.globalUse) return null; // "check if addr is already used as global"
        ha.globalUse = true;
      }
      if (sync) {
        if (ha.synced && syncCount) return 'EEXIST';
        ha.synced++;
      }
      ha.refcount++;
      return null;
    }
    // __hw_addr_create: refcount 1, synced = sync ? 1 : 0, sync_cnt 0.
    this.entries.set(addr, { addr, refcount: 1, globalUse: global, synced: sync ? 1 : 0, syncCnt: 0 });
    return null;
  }

  /** __hw_addr_del_entry. */
  delEntry(ha: SyncedHwAddr, global: boolean, sync: boolean): StackedErrno | null {
    if (global && !ha.globalUse) return 'ENOENT';
    if (sync && !ha.synced) return 'ENOENT';
    if (global) ha.globalUse = false;
    if (sync) ha.synced--;
    if (--ha.refcount) return null;
    this.entries.delete(ha.addr);
    return null;
  }

  /** __hw_addr_del_ex. */
  delEx(addr: Mac, global: boolean, sync: boolean): StackedErrno | null {
    const ha = this.entries.get(addr);
    return ha ? this.delEntry(ha, global, sync) : 'ENOENT';
  }

  /** dev_mc_add / dev_mc_del / dev_mc_add_global / dev_mc_del_global. */
  add(addr: Mac): StackedErrno | null {
    return this.addEx(addr, false, false, 0);
  }
  del(addr: Mac): StackedErrno | null {
    return this.delEx(addr, false, false);
  }
  addGlobal(addr: Mac): StackedErrno | null {
    return this.addEx(addr, true, false, 0);
  }
  delGlobal(addr: Mac): StackedErrno | null {
    return this.delEx(addr, true, false);
  }

  /** No kernel verb: only for the 'unsync-removes-used' fault. */
  purge(addr: Mac): void {
    this.entries.delete(addr);
  }

  get(addr: Mac): Readonly<SyncedHwAddr> | undefined {
    return this.entries.get(addr);
  }

  addrs(): Mac[] {
    return Array.from(this.entries.keys());
  }

  /** Live entries in list order (list_for_each_entry_safe: the walk may delete the current one). */
  liveEntries(): SyncedHwAddr[] {
    return Array.from(this.entries.values());
  }

  entriesInOrder(): SyncedHwAddr[] {
    return Array.from(this.entries.values(), (ha) => ({ ...ha }));
  }
}

/** __hw_addr_sync_one. */
function syncOne(to: HwAddrList, ha: SyncedHwAddr): StackedErrno | null {
  const err = to.addEx(ha.addr, false, true, ha.syncCnt);
  if (err && err !== 'EEXIST') return err;
  if (!err) {
    ha.syncCnt++;
    ha.refcount++;
  }
  return null;
}

/** __hw_addr_unsync_one. */
function unsyncOne(to: HwAddrList, from: HwAddrList, ha: SyncedHwAddr, faults: RelayFaultSet): void {
  if (faults.has(UNSYNC_REMOVES_USED) && to.get(ha.addr)) {
    to.purge(ha.addr);
  } else if (to.delEx(ha.addr, false, true)) {
    return;
  }
  ha.syncCnt--;
  // "address on from list is not marked synced"
  from.delEntry(ha, false, false);
}

/** __hw_addr_sync (dev_mc_sync): strictly one upper per entry. */
export function hwAddrSync(to: HwAddrList, from: HwAddrList, faults: RelayFaultSet = NO_RELAY_FAULTS): StackedErrno | null {
  for (const ha of from.liveEntries()) {
    if (!ha.syncCnt) {
      const err = syncOne(to, ha);
      if (err) return err;
    } else if (ha.refcount === 1) {
      unsyncOne(to, from, ha, faults);
    }
  }
  return null;
}

/** __hw_addr_sync_multiple (dev_mc_sync_multiple): one upper list synced to several lowers. */
export function hwAddrSyncMultiple(to: HwAddrList, from: HwAddrList, faults: RelayFaultSet = NO_RELAY_FAULTS): StackedErrno | null {
  for (const ha of from.liveEntries()) {
    if (ha.syncCnt === ha.refcount) {
      unsyncOne(to, from, ha, faults);
    } else {
      const err = syncOne(to, ha);
      if (err) return err;
    }
  }
  return null;
}

/** __hw_addr_unsync (dev_mc_unsync). */
export function hwAddrUnsync(to: HwAddrList, from: HwAddrList, faults: RelayFaultSet = NO_RELAY_FAULTS): void {
  for (const ha of from.liveEntries()) {
    if (ha.syncCnt) unsyncOne(to, from, ha, faults);
  }
}

/** A device: its dev->mc with sync fields and its flag counters. */
export class StackedDevice {
  readonly mc = new HwAddrList();
  readonly flags = new DeviceFlags();
  /** Attempts to take a counter below zero (net/core/dev.c: "allmulti touches roof" / underflow, -EOVERFLOW). */
  underflows = 0;
  constructor(readonly name: string) {}

  /** dev_set_allmulti(dev, inc) / dev_set_promiscuity(dev, inc) from an upper device. */
  adjust(which: 'allmulti' | 'promiscuity', inc: number): StackedErrno | null {
    if (this.flags[which] + inc < 0) {
      this.underflows++;
      return 'EOVERFLOW';
    }
    this.flags[which] += inc;
    return null;
  }
}

/** A macvlan (bridge/vepa mode) on a lower device. */
export class Macvlan {
  readonly dev: StackedDevice;
  up = false;

  constructor(
    name: string,
    readonly lower: StackedDevice,
    private readonly faults: RelayFaultSet = NO_RELAY_FAULTS,
  ) {
    this.dev = new StackedDevice(name);
  }

  /** __dev_set_rx_mode(upper) -> macvlan_set_mac_lists -> dev_mc_sync(lower, upper); nothing while down. */
  private setRxMode(): StackedErrno | null {
    if (!this.up) return null;
    return hwAddrSync(this.lower.mc, this.dev.mc, this.faults);
  }

  /** macvlan_open: the flags the upper holds are counted on the lower; then rx mode syncs. */
  open(): void {
    if (this.up) return;
    if (this.dev.flags.allmultiOn) this.lower.adjust('allmulti', 1);
    if (this.dev.flags.promisc) this.lower.adjust('promiscuity', 1);
    this.up = true;
    this.setRxMode();
  }

  /** macvlan_stop: dev_mc_unsync(lower, upper), then the flag counts leave the lower. */
  stop(): void {
    if (!this.up) return;
    hwAddrUnsync(this.lower.mc, this.dev.mc, this.faults);
    if (this.dev.flags.allmultiOn) this.lower.adjust('allmulti', -1);
    if (this.dev.flags.promisc) this.lower.adjust('promiscuity', -1);
    this.up = false;
  }

  /** dev_change_flags -> __dev_set_allmulti / __dev_set_promiscuity -> macvlan_change_rx_flags. */
  setUserFlag(which: 'allmulti' | 'promisc', on: boolean): void {
    const counter = which === 'allmulti' ? 'allmulti' : 'promiscuity';
    const before = which === 'allmulti' ? this.dev.flags.allmultiOn : this.dev.flags.promisc;
    if (which === 'allmulti') this.dev.flags.setUserAllmulti(on);
    else this.dev.flags.setUserPromisc(on);
    const after = which === 'allmulti' ? this.dev.flags.allmultiOn : this.dev.flags.promisc;
    if (before === after) return;
    // macvlan_change_rx_flags: "if (dev->flags & IFF_UP)" the change reaches the lower.
    if (this.up || this.faults.has(MACVLAN_ALLMULTI_WHILE_DOWN)) this.lower.adjust(counter, after ? 1 : -1);
    this.setRxMode();
  }

  /** dev_mc_add(upper) / dev_mc_del(upper): the list changes, then rx mode syncs. */
  mcAdd(addr: Mac): StackedErrno | null {
    const err = this.dev.mc.add(addr);
    this.setRxMode();
    return err;
  }

  mcDel(addr: Mac): StackedErrno | null {
    const err = this.dev.mc.del(addr);
    if (err) return err;
    this.setRxMode();
    return null;
  }
}
