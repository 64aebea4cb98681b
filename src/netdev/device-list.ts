// The device multicast list dev->mc, modelled on net/core/dev_addr_lists.c so that the two read
// side by side: entries {addr, refcount, globalUse, synced, syncCnt} in insertion order, verbs
// returning an errno, and the sync verbs of stacked devices (dev_mc_sync, dev_mc_unsync,
// dev_mc_sync_multiple). src/relay/stacked.ts and the host's macvlan both use this one list.
import type { Errno } from '../errors.ts';
import type { ListChange, RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';

/** Entries copied out of device lists so far (addrs, head, the entry views): the work the reliability tests count. */
let entriesCopied = 0;
export function deviceListEntriesCopied(): number {
  return entriesCopied;
}

/** A change log longer than this many entries beyond the list's size is dropped: the next reader reprograms from the whole list. */
const CHANGE_LOG_SLACK = 64;

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

/**
 * An entry with its list links: the order of dev->mc, with O(1) removal and O(k) access to the
 * first k (a Map's iterator skips deleted slots one by one, so its head is not O(1)).
 */
interface Entry extends HwAddr {
  prev: Entry | null;
  next: Entry | null;
}

/** struct netdev_hw_addr_list. A Map keeps insertion order, like list_add_tail_rcu. */
export class DeviceList {
  private readonly entries = new Map<Mac, Entry>();
  private first: Entry | null = null;
  private last: Entry | null = null;
  /** Entries created and removed since the last takeChanges(), in order; null once too long to be worth keeping. */
  private log: ListChange[] | null = [];
  /** Bumped by every creation and removal of an entry. */
  private changes = 0;

  /** Counts creations and removals of entries: an RxMode built at one version is stale at the next. */
  get version(): number {
    return this.changes;
  }

  /** The entries created and removed since the previous call, in order; null when unknown (the log grew too long). */
  takeChanges(): ListChange[] | null {
    const log = this.log;
    this.log = [];
    return log;
  }

  private created(addr: Mac, global: boolean, sync: boolean): void {
    const ha: Entry = { addr, refcount: 1, globalUse: global, synced: sync ? 1 : 0, syncCnt: 0, prev: this.last, next: null };
    this.entries.set(addr, ha);
    if (this.last) this.last.next = ha;
    else this.first = ha;
    this.last = ha;
    this.logged(addr, true);
  }

  private removed(addr: Mac): void {
    const ha = this.entries.get(addr);
    if (!ha) return;
    this.entries.delete(addr);
    if (ha.prev) ha.prev.next = ha.next;
    else this.first = ha.next;
    if (ha.next) ha.next.prev = ha.prev;
    else this.last = ha.prev;
    ha.prev = null;
    ha.next = null;
    this.logged(addr, false);
  }

  private logged(mac: Mac, added: boolean): void {
    this.changes++;
    if (this.log === null) return;
    this.log.push({ mac, added });
    if (this.log.length > this.entries.size + CHANGE_LOG_SLACK) this.log = null;
  }

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
    this.created(addr, global, sync);
    return null;
  }

  /** __hw_addr_del_entry: a global delete of an entry not globally added is ENOENT (a sync delete of one not synced too). */
  delEntry(ha: HwAddr, global: boolean, sync = false): Errno | null {
    if (global && !ha.globalUse) return 'ENOENT';
    if (sync && !ha.synced) return 'ENOENT';
    if (global) ha.globalUse = false;
    if (sync) ha.synced--;
    if (--ha.refcount) return null;
    this.removed(ha.addr);
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
    this.removed(addr);
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
    entriesCopied += this.entries.size;
    return Array.from(this.entries.keys());
  }

  /** The first k addresses in list order, in O(k). */
  head(k: number): Mac[] {
    const out: Mac[] = [];
    for (let l = this.first; l && out.length < k; l = l.next) out.push(l.addr);
    entriesCopied += out.length;
    return out;
  }

  /** Entries in list order, copied: what /proc/net/dev_mcast shows (address, users, global use). */
  entriesInOrder(): { addr: Mac; refcount: number; globalUse: boolean }[] {
    entriesCopied += this.entries.size;
    return this.mapEntries((ha) => ({ addr: ha.addr, refcount: ha.refcount, globalUse: ha.globalUse }));
  }

  /** /proc/net/dev_mcast's address and users columns, in list order. */
  listing(): { mac: Mac; users: number }[] {
    entriesCopied += this.entries.size;
    return this.mapEntries((ha) => ({ mac: ha.addr, users: ha.refcount }));
  }

  /** The addresses with global_use set (`ip maddr add`), in list order. */
  globalAddrs(): Mac[] {
    entriesCopied += this.entries.size;
    const out: Mac[] = [];
    for (const ha of this.entries.values()) if (ha.globalUse) out.push(ha.addr);
    return out;
  }

  /** Entries in list order with their sync fields, copied. */
  syncedEntries(): HwAddr[] {
    entriesCopied += this.entries.size;
    return this.mapEntries((ha) => ({ addr: ha.addr, refcount: ha.refcount, globalUse: ha.globalUse, synced: ha.synced, syncCnt: ha.syncCnt }));
  }

  /** The live entries in list order (list_for_each_entry_safe: a walk may delete the current one). */
  liveEntries(): HwAddr[] {
    entriesCopied += this.entries.size;
    return Array.from(this.entries.values());
  }

  /** One value per entry in list order: a loop into a sized array (Array.from with a map function took 3-4 times as long on 11,000 entries). */
  private mapEntries<T>(f: (ha: HwAddr) => T): T[] {
    const out = new Array<T>(this.entries.size);
    let i = 0;
    for (const ha of this.entries.values()) out[i++] = f(ha);
    return out;
  }
}

/**
 * The rx mode of one ndo_set_rx_mode call on `owner` (__dev_set_rx_mode): the flags, the changes
 * of the list since the previous call (taken from its log), its length and head, and the whole
 * list built only if the filter reads `mc` (src/nic/rx-view.ts). Reading the list through the
 * mode after it changed again is a bug in the filter, reported as such.
 */
export function rxModeOf(owner: string, list: DeviceList, promisc: boolean, allmulti: boolean, uc?: readonly Mac[]): RxMode {
  return new DeviceListRxMode(owner, list, promisc, allmulti, uc);
}

/** rxModeOf's answer: a class, so that a program call allocates no closures. */
class DeviceListRxMode implements RxMode {
  readonly changes: readonly ListChange[] | null;
  readonly count: number;
  private readonly version: number;
  private built: readonly Mac[] | undefined;

  constructor(
    private readonly owner: string,
    private readonly list: DeviceList,
    readonly promisc: boolean,
    readonly allmulti: boolean,
    /** dev->uc, for a driver with IFF_UNICAST_FLT (NicProfile.unicastFilter); undefined otherwise. */
    readonly uc?: readonly Mac[],
  ) {
    this.version = list.version;
    this.changes = list.takeChanges();
    this.count = list.count;
  }

  get mc(): readonly Mac[] {
    this.fresh();
    this.built ??= this.list.addrs();
    return this.built;
  }

  head(k: number): readonly Mac[] {
    this.fresh();
    return this.list.head(k);
  }

  private fresh(): void {
    if (this.list.version !== this.version) throw new Error(`${this.owner}: an RxMode was read after dev->mc changed`);
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
