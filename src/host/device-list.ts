// The device multicast list dev->mc, modelled on net/core/dev_addr_lists.c so that the two read
// side by side: entries {addr, refcount, globalUse} in insertion order, verbs returning an errno.
import type { Errno } from '../errors.ts';
import type { Mac } from '../wire/mac.ts';

/** struct netdev_hw_addr, as far as dev->mc uses it (no sync: the model has no stacked devices). */
export interface HwAddr {
  readonly addr: Mac;
  refcount: number;
  globalUse: boolean;
}

/** struct netdev_hw_addr_list. A Map keeps insertion order, like list_add_tail_rcu. */
export class DeviceList {
  private readonly entries = new Map<Mac, HwAddr>();

  /** __hw_addr_add_ex: an address already present gains a reference (a global add only once). */
  private addEx(addr: Mac, global: boolean): null {
    const ha = this.entries.get(addr);
    if (ha) {
      if (global) {
        // "check if addr is already used as global"
        if (ha.globalUse) return null;
        ha.globalUse = true;
      }
      ha.refcount++;
      return null;
    }
    // __hw_addr_create_ex: a new entry starts at refcount 1, at the tail.
    this.entries.set(addr, { addr, refcount: 1, globalUse: global });
    return null;
  }

  /** __hw_addr_del_entry: a global delete of an entry not globally added is ENOENT. */
  private delEntry(ha: HwAddr, global: boolean): Errno | null {
    if (global && !ha.globalUse) return 'ENOENT';
    if (global) ha.globalUse = false;
    if (--ha.refcount) return null;
    this.entries.delete(ha.addr);
    return null;
  }

  /** __hw_addr_del_ex: deleting an absent address is ENOENT. */
  private delEx(addr: Mac, global: boolean): Errno | null {
    const ha = this.entries.get(addr);
    return ha ? this.delEntry(ha, global) : 'ENOENT';
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
   * 'shared-mac-removed' fault.
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

  /** Entries in list order, copied. */
  entriesInOrder(): HwAddr[] {
    return Array.from(this.entries.values(), (ha) => ({ ...ha }));
  }
}
