// The device multicast list dev->mc, modelled on net/core/dev_addr_lists.c so that the two read
// side by side: entries {addr, refcount, globalUse, synced, syncCnt} in insertion order, verbs
// returning an errno, and the sync verbs of stacked devices (dev_mc_sync, dev_mc_unsync,
// dev_mc_sync_multiple). src/relay/stacked.ts and the host's macvlan both use this one list.
import type { Errno } from '../errors.ts';
import type { Mac } from '../wire/mac.ts';

/** struct netdev_hw_addr. */
export interface HwAddr {
  readonly addr: Mac;
  refcount: number;
  globalUse: boolean;
  /** References taken on this (lower) list by syncs from upper devices. */
  synced: number;
  /** Lower lists this (upper) entry is synced to. */
  syncCnt: number;
}

/** struct netdev_hw_addr_list. A Map keeps insertion order, like list_add_tail_rcu. */
export class DeviceList {
  private readonly entries = new Map<Mac, HwAddr>();

  /**
   * __hw_addr_add_ex(list, addr, global, sync, sync_count): an address already present gains a
   * reference (a global add only once; a sync add of an entry already synced, with sync_count,
   * is EEXIST).
   */
  addEx(addr: Mac, global: boolean, sync = false, syncCount = 0): Errno | null {
    const ha = this.entries.get(addr);
    if (ha) {
      if (global) {
        // "check if addr is already used as global"
        if (ha.globalUse) return null;
        ha.globalUse = true;
      }
      if (sync) {
        if (ha.synced && syncCount) return 'EEXIST';
        ha.synced++;
      }
      ha.refcount++;
      return null;
    }
    // __hw_addr_create: a new entry starts at refcount 1, at the tail, synced = sync ? 1 : 0.
    this.entries.set(addr, { addr, refcount: 1, globalUse: global, synced: sync ? 1 : 0, syncCnt: 0 });
    return null;
  }

  /** __hw_addr_del_entry: a global delete of an entry not globally added is ENOENT (a sync delete of one not synced too). */
  delEntry(ha: HwAddr, global: boolean, sync = false): Errno | null {
    if (global && !ha.globalUse) return 'ENOENT';
    if (sync && !ha.synced) return 'ENOENT';
    if (global) ha.globalUse = false;
    if (sync) ha.synced--;
    if (--ha.refcount) return null;
    this.entries.delete(ha.addr);
    return null;
  }

  /** __hw_addr_del_ex: deleting an absent address is ENOENT. */
  delEx(addr: Mac, global: boolean, sync = false): Errno | null {
    const ha = this.entries.get(addr);
    return ha ? this.delEntry(ha, global, sync) : 'ENOENT';
  }

  /** dev_mc_add (what ip_mc_filter_add / igmp6_group_added call). */
  add(addr: Mac): Errno | null {
    return this.addEx(addr, false);
  }

  /** dev_mc_del. */
  del(addr: Mac): Errno | null {
    return this.delEx(addr, false);
  }

  /** dev_mc_add_global (SIOCADDMULTI, `ip maddr add`). */
  addGlobal(addr: Mac): Errno | null {
    return this.addEx(addr, true);
  }

  /** dev_mc_del_global (SIOCDELMULTI, `ip maddr del`). */
  delGlobal(addr: Mac): Errno | null {
    return this.delEx(addr, true);
  }

  /**
   * Drops the entry whatever its refcount. No kernel verb does this: it exists only for the
   * 'shared-mac-removed' and 'unsync-removes-used' faults.
   */
  purge(addr: Mac): void {
    this.entries.delete(addr);
  }

  get(addr: Mac): Readonly<HwAddr> | undefined {
    return this.entries.get(addr);
  }

  has(addr: Mac): boolean {
    return this.entries.has(addr);
  }

  get count(): number {
    return this.entries.size;
  }

  /** The addresses in list order (netdev_for_each_mc_addr). */
  addrs(): Mac[] {
    return Array.from(this.entries.keys());
  }

  /** Entries in list order, copied: what /proc/net/dev_mcast shows (address, users, global use). */
  entriesInOrder(): { addr: Mac; refcount: number; globalUse: boolean }[] {
    return Array.from(this.entries.values(), (ha) => ({ addr: ha.addr, refcount: ha.refcount, globalUse: ha.globalUse }));
  }

  /** Entries in list order with their sync fields, copied. */
  syncedEntries(): HwAddr[] {
    return Array.from(this.entries.values(), (ha) => ({ ...ha }));
  }

  /** The live entries in list order (list_for_each_entry_safe: a walk may delete the current one). */
  liveEntries(): HwAddr[] {
    return Array.from(this.entries.values());
  }
}

/** What the sync verbs consult: the 'unsync-removes-used' fault makes an unsync drop the lower's entry whole. */
export interface SyncOptions {
  readonly unsyncRemovesUsed?: boolean;
}

/** __hw_addr_sync_one. */
function syncOne(to: DeviceList, ha: HwAddr): Errno | null {
  const err = to.addEx(ha.addr, false, true, ha.syncCnt);
  if (err && err !== 'EEXIST') return err;
  if (!err) {
    ha.syncCnt++;
    ha.refcount++;
  }
  return null;
}

/** __hw_addr_unsync_one. */
function unsyncOne(to: DeviceList, from: DeviceList, ha: HwAddr, options: SyncOptions): void {
  if (options.unsyncRemovesUsed && to.get(ha.addr)) {
    to.purge(ha.addr);
  } else if (to.delEx(ha.addr, false, true)) {
    return;
  }
  ha.syncCnt--;
  // "address on from list is not marked synced"
  from.delEntry(ha, false, false);
}

/**
 * __hw_addr_sync (dev_mc_sync(to, from)): each entry of `from` not yet synced is added to `to`
 * as synced and takes one more reference in `from`; an entry left with only that reference is
 * removed from both. Strictly one lower per upper.
 */
export function mcSync(to: DeviceList, from: DeviceList, options: SyncOptions = {}): Errno | null {
  for (const ha of from.liveEntries()) {
    if (!ha.syncCnt) {
      const err = syncOne(to, ha);
      if (err) return err;
    } else if (ha.refcount === 1) {
      unsyncOne(to, from, ha, options);
    }
  }
  return null;
}

/** __hw_addr_sync_multiple (dev_mc_sync_multiple, bonding): one upper list synced to several lowers. */
export function mcSyncMultiple(to: DeviceList, from: DeviceList, options: SyncOptions = {}): Errno | null {
  for (const ha of from.liveEntries()) {
    if (ha.syncCnt === ha.refcount) {
      unsyncOne(to, from, ha, options);
    } else {
      const err = syncOne(to, ha);
      if (err) return err;
    }
  }
  return null;
}

/** __hw_addr_unsync (dev_mc_unsync(to, from)): every synced entry leaves `to` and drops its sync reference in `from`. */
export function mcUnsync(to: DeviceList, from: DeviceList, options: SyncOptions = {}): void {
  for (const ha of from.liveEntries()) {
    if (ha.syncCnt) unsyncOne(to, from, ha, options);
  }
}
