// A bonding master and its slaves' address lists and flag counts, as drivers/net/bonding/bond_main.c
// does it (with "net: bonding: Unsync device addresses on ndo_stop", 2022):
// - modes that use a primary (active-backup) keep only the active slave in sync: dev_mc_sync to it
//   in bond_set_rx_mode, ALLMULTI / PROMISC on it alone (bond_set_allmulti), and bond_hw_addr_swap
//   moves the counts and the list on failover;
// - the other modes (balance-rr, 802.3ad, ...) sync every slave with dev_mc_sync_multiple and count
//   the flags on each; 802.3ad also adds the LACPDU address 01:80:c2:00:00:02 to each slave while up;
// - bond_change_rx_flags passes flag changes whether the bond is up or not; lists are synced only
//   while it is up (enslave, release and swap check IFF_UP; bond_close flushes).
// Not on this machine's kernel (no bonding module): checked in the QEMU guest's Debian 6.1.192,
// which agrees at every step (test/kernel/stacked-differential.test.ts, docs/guest.md).
import { type Mac, parseMac } from '../wire/mac.ts';
import { NO_RELAY_FAULTS, type RelayFaultSet } from './faults.ts';
import { type StackedDevice, type StackedErrno, UpperDevice, hwAddrSync, hwAddrSyncMultiple, hwAddrUnsync } from './stacked.ts';

export type BondMode = 'active-backup' | 'balance-rr' | '802.3ad';

/** MULTICAST_LACPDU_ADDR (include/net/bond_3ad.h). */
export const LACPDU_MCAST_ADDR: Mac = parseMac('01:80:c2:00:00:02');

export class Bond extends UpperDevice {
  readonly slaves: StackedDevice[] = [];
  /** curr_active_slave (modes that use a primary). */
  active: StackedDevice | null = null;

  constructor(
    name: string,
    readonly mode: BondMode,
    private readonly faults: RelayFaultSet = NO_RELAY_FAULTS,
  ) {
    super(name);
  }

  /** bond_uses_primary: active-backup (and tlb / alb, not modelled). */
  get usesPrimary(): boolean {
    return this.mode === 'active-backup';
  }

  /** The slaves that carry the bond's list and flags: the active one, or all. */
  private carriers(): StackedDevice[] {
    return this.usesPrimary ? (this.active ? [this.active] : []) : [...this.slaves];
  }

  /** bond_set_rx_mode (after __dev_set_rx_mode's IFF_UP check). */
  protected setRxMode(): void {
    if (!this.up) return;
    if (this.usesPrimary) {
      if (this.active) hwAddrSync(this.active.mc, this.dev.mc, this.faults);
    } else for (const s of this.slaves) hwAddrSyncMultiple(s.mc, this.dev.mc, this.faults);
  }

  /** bond_hw_addr_flush: dev_uc_unsync / dev_mc_unsync, and the LACPDU address in 802.3ad. */
  private flush(slave: StackedDevice): void {
    hwAddrUnsync(slave.mc, this.dev.mc, this.faults);
    if (this.mode === '802.3ad') slave.mc.del(LACPDU_MCAST_ADDR);
  }

  /** bond_hw_addr_swap(new_active, old_active): counts follow the bond's flags; lists only while up. */
  private swap(next: StackedDevice | null, old: StackedDevice | null): void {
    if (old) {
      if (this.dev.flags.promisc) old.adjust('promiscuity', -1);
      if (this.dev.flags.allmultiOn) old.adjust('allmulti', -1);
      if (this.up) this.flush(old);
    }
    if (next) {
      if (this.dev.flags.promisc) next.adjust('promiscuity', 1);
      if (this.dev.flags.allmultiOn) next.adjust('allmulti', 1);
      if (this.up) hwAddrSync(next.mc, this.dev.mc, this.faults);
    }
    this.active = next;
  }

  /** bond_enslave. Active-backup: the first slave becomes active (bond_select_active_slave; links are up). */
  enslave(slave: StackedDevice): StackedErrno | null {
    if (this.slaves.includes(slave)) return 'EBUSY'; // bond_enslave: already a slave (IFF_SLAVE)
    this.slaves.push(slave);
    if (this.usesPrimary) {
      if (!this.active) this.swap(slave, null);
      return null;
    }
    if (this.dev.flags.promisc) slave.adjust('promiscuity', 1);
    if (this.dev.flags.allmultiOn) slave.adjust('allmulti', 1);
    if (this.up) {
      hwAddrSyncMultiple(slave.mc, this.dev.mc, this.faults);
      if (this.mode === '802.3ad') slave.mc.add(LACPDU_MCAST_ADDR);
    }
    return null;
  }

  /** __bond_release_one: the active slave hands over to the next one; others lose counts and list. */
  release(slave: StackedDevice): StackedErrno | null {
    const i = this.slaves.indexOf(slave);
    if (i < 0) return 'EINVAL'; // "cannot release: not a slave"
    if (this.usesPrimary) {
      const wasActive = this.active === slave;
      if (wasActive) this.swap(null, slave);
      this.slaves.splice(i, 1);
      if (wasActive && this.slaves[0]) this.swap(this.slaves[0], null);
      return null;
    }
    this.slaves.splice(i, 1);
    if (this.dev.flags.promisc) slave.adjust('promiscuity', -1);
    if (this.dev.flags.allmultiOn) slave.adjust('allmulti', -1);
    if (this.up) this.flush(slave);
    return null;
  }

  /** Active-backup failover to `slave` (bond_change_active_slave). */
  failover(slave: StackedDevice): StackedErrno | null {
    if (!this.usesPrimary || !this.slaves.includes(slave)) return 'EINVAL';
    if (this.active !== slave) this.swap(slave, this.active);
    return null;
  }

  /** bond_open (802.3ad: the LACPDU address on every slave), then dev_open's rx mode. */
  open(): void {
    if (this.up) return;
    this.up = true;
    if (this.mode === '802.3ad') for (const s of this.slaves) s.mc.add(LACPDU_MCAST_ADDR);
    this.setRxMode();
  }

  /** bond_close: flush the active slave, or every slave. */
  stop(): void {
    if (!this.up) return;
    for (const s of this.carriers()) this.flush(s);
    this.up = false;
  }

  /** bond_change_rx_flags -> bond_set_allmulti / bond_set_promiscuity: no IFF_UP check. */
  protected changeRxFlags(counter: 'allmulti' | 'promiscuity', on: boolean): void {
    for (const s of this.carriers()) s.adjust(counter, on ? 1 : -1);
  }
}
