// An 802.1Q VLAN device on a real device, as net/8021q/vlan_dev.c does it since Linux 6.15
// ("net: vlan: don't propagate flags on open", 2025): vlan_dev_set_rx_mode syncs the VLAN's list
// to the real device (dev_mc_sync), vlan_dev_stop unsyncs it (dev_mc_unsync), and
// vlan_dev_change_rx_flags passes every ALLMULTI / PROMISC change to the real device whether the
// VLAN is up or not (open and stop no longer touch the counts). Before 6.15 the counts moved at
// open and stop and only while up, as a macvlan's still do (src/relay/stacked.ts).
// Not on this machine's kernel (no 8021q module): checked in the QEMU guest, whose Debian 6.1.192
// behaves as this rule says (a flag set while down reaches the real device: by its behaviour a
// stable backport) and agrees at every step (test/kernel/stacked-differential.test.ts, docs/guest.md).
import { NO_RELAY_FAULTS, type RelayFaultSet } from './faults.ts';
import { type StackedDevice, UpperDevice, hwAddrSync, hwAddrUnsync } from './stacked.ts';

export class Vlan extends UpperDevice {
  constructor(
    name: string,
    readonly realDev: StackedDevice,
    private readonly faults: RelayFaultSet = NO_RELAY_FAULTS,
  ) {
    super(name);
  }

  /** __dev_set_rx_mode (nothing while down) -> vlan_dev_set_rx_mode: dev_mc_sync(real_dev, dev). */
  protected setRxMode(): void {
    if (this.up) hwAddrSync(this.realDev.mc, this.dev.mc, this.faults);
  }

  /** vlan_dev_change_rx_flags: every change reaches the real device, up or down. */
  protected changeRxFlags(counter: 'allmulti' | 'promiscuity', on: boolean): void {
    this.realDev.adjust(counter, on ? 1 : -1);
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
}
