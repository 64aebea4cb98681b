// An 802.1Q VLAN device on a real device, as net/8021q/vlan_dev.c does it since Linux 6.15
// ("net: vlan: don't propagate flags on open", 2025): vlan_dev_set_rx_mode syncs the VLAN's list
// to the real device (dev_mc_sync), vlan_dev_stop unsyncs it (dev_mc_unsync), and
// vlan_dev_change_rx_flags passes every ALLMULTI / PROMISC change to the real device whether the
// VLAN is up or not (open and stop no longer touch the counts). Before 6.15 the counts moved at
// open and stop and only while up, as a macvlan's still do (src/relay/stacked.ts).
// Not on this machine's kernel (no 8021q module): modelled from source only.
import type { Mac } from '../wire/mac.ts';
import { NO_RELAY_FAULTS, type RelayFaultSet } from './faults.ts';
import { type StackedErrno, StackedDevice, hwAddrSync, hwAddrUnsync } from './stacked.ts';

export class Vlan {
  readonly dev: StackedDevice;
  up = false;

  constructor(
    name: string,
    readonly realDev: StackedDevice,
    private readonly faults: RelayFaultSet = NO_RELAY_FAULTS,
  ) {
    this.dev = new StackedDevice(name);
  }

  /** __dev_set_rx_mode (nothing while down) -> vlan_dev_set_rx_mode: dev_mc_sync(real_dev, dev). */
  private setRxMode(): StackedErrno | null {
    if (!this.up) return null;
    return hwAddrSync(this.realDev.mc, this.dev.mc, this.faults);
  }

  /** vlan_dev_open, then dev_open's rx mode: the list is synced; the flag counts already are on the real device. */
  open(): void {
    if (this.up) return;
    this.up = true;
    this.setRxMode();
  }

  /** vlan_dev_stop: dev_mc_unsync(real_dev, dev); the flag counts stay. */
  stop(): void {
    if (!this.up) return;
    hwAddrUnsync(this.realDev.mc, this.dev.mc, this.faults);
    this.up = false;
  }

  /** dev_change_flags -> vlan_dev_change_rx_flags: every change reaches the real device, up or down. */
  setUserFlag(which: 'allmulti' | 'promisc', on: boolean): void {
    const before = which === 'allmulti' ? this.dev.flags.allmultiOn : this.dev.flags.promisc;
    if (which === 'allmulti') this.dev.flags.setUserAllmulti(on);
    else this.dev.flags.setUserPromisc(on);
    const after = which === 'allmulti' ? this.dev.flags.allmultiOn : this.dev.flags.promisc;
    if (before === after) return;
    this.realDev.adjust(which === 'allmulti' ? 'allmulti' : 'promiscuity', after ? 1 : -1);
    this.setRxMode();
  }

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
