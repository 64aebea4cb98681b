// Stacked devices: an upper device (macvlan) syncing its multicast list and its ALLMULTI /
// PROMISC flags down to the lower device, as Linux net/core/dev_addr_lists.c (dev_mc_sync,
// dev_mc_unsync, dev_mc_sync_multiple over __hw_addr_sync_one / __hw_addr_unsync_one) and
// drivers/net/macvlan.c (macvlan_open, macvlan_stop, macvlan_change_rx_flags,
// macvlan_set_mac_lists) do. The list and the sync verbs are src/netdev/device-list.ts's (the host
// stacks macvlans in scenarios with the same code); this file keeps the standalone devices.
import type { Errno } from '../errors.ts';
import { DeviceList, type HwAddr, type SyncOptions, mcSync, mcSyncMultiple, mcUnsync } from '../netdev/device-list.ts';
import { DeviceFlags } from '../netdev/flags.ts';
import type { Mac } from '../wire/mac.ts';
import { MACVLAN_ALLMULTI_WHILE_DOWN, NO_RELAY_FAULTS, type RelayFaultSet, UNSYNC_REMOVES_USED } from './faults.ts';

/** The device list's errnos, EOVERFLOW for a counter taken below zero, EBUSY for enslaving a slave twice. */
export type StackedErrno = Errno | 'EOVERFLOW' | 'EBUSY';

/** struct netdev_hw_addr_list with its sync fields: the host's device list (one list, one set of verbs). */
export { DeviceList as HwAddrList };
export type { HwAddr as SyncedHwAddr };

function syncOptions(faults: RelayFaultSet): SyncOptions {
  return { unsyncRemovesUsed: faults.has(UNSYNC_REMOVES_USED) };
}

/** __hw_addr_sync (dev_mc_sync). */
export function hwAddrSync(to: DeviceList, from: DeviceList, faults: RelayFaultSet = NO_RELAY_FAULTS): StackedErrno | null {
  return mcSync(to, from, syncOptions(faults));
}

/** __hw_addr_sync_multiple (dev_mc_sync_multiple). */
export function hwAddrSyncMultiple(to: DeviceList, from: DeviceList, faults: RelayFaultSet = NO_RELAY_FAULTS): StackedErrno | null {
  return mcSyncMultiple(to, from, syncOptions(faults));
}

/** __hw_addr_unsync (dev_mc_unsync). */
export function hwAddrUnsync(to: DeviceList, from: DeviceList, faults: RelayFaultSet = NO_RELAY_FAULTS): void {
  mcUnsync(to, from, syncOptions(faults));
}

/** A device: its dev->mc with sync fields and its flag counters. */
export class StackedDevice {
  readonly mc = new DeviceList();
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

/**
 * What every upper device shares: its own list and flags, and the verbs that change them before
 * its driver's rx-mode and rx-flags callbacks run (dev_mc_add / dev_mc_del, dev_change_flags).
 */
export abstract class UpperDevice {
  readonly dev: StackedDevice;
  up = false;

  constructor(name: string) {
    this.dev = new StackedDevice(name);
  }

  /** The driver's ndo_set_rx_mode after __dev_set_rx_mode's IFF_UP check. */
  protected abstract setRxMode(): void;

  /** The driver's ndo_change_rx_flags for a change of the effective flag to `on`. */
  protected abstract changeRxFlags(counter: 'allmulti' | 'promiscuity', on: boolean): void;

  /** dev_change_flags -> __dev_set_allmulti / __dev_set_promiscuity: the callback runs only when the effective flag changes. */
  setUserFlag(which: 'allmulti' | 'promisc', on: boolean): void {
    const effective = (): boolean => (which === 'allmulti' ? this.dev.flags.allmultiOn : this.dev.flags.promisc);
    const before = effective();
    if (which === 'allmulti') this.dev.flags.setUserAllmulti(on);
    else this.dev.flags.setUserPromisc(on);
    const after = effective();
    if (before === after) return;
    this.changeRxFlags(which === 'allmulti' ? 'allmulti' : 'promiscuity', after);
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

/** A macvlan (bridge/vepa mode) on a lower device. */
export class Macvlan extends UpperDevice {
  constructor(
    name: string,
    readonly lower: StackedDevice,
    private readonly faults: RelayFaultSet = NO_RELAY_FAULTS,
  ) {
    super(name);
  }

  /** __dev_set_rx_mode(upper) -> macvlan_set_mac_lists -> dev_mc_sync(lower, upper); nothing while down. */
  protected setRxMode(): void {
    if (this.up) hwAddrSync(this.lower.mc, this.dev.mc, this.faults);
  }

  /** macvlan_change_rx_flags: "if (dev->flags & IFF_UP)" the change reaches the lower. */
  protected changeRxFlags(counter: 'allmulti' | 'promiscuity', on: boolean): void {
    // The fault is macvlan_change_rx_flags before Linux bbeb0eadcf9f ("macvlan: Don't propagate IFF_ALLMULTI changes on down interfaces").
    if (this.up || this.faults.has(MACVLAN_ALLMULTI_WHILE_DOWN)) this.lower.adjust(counter, on ? 1 : -1);
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
}
