// A guest's virtio-net behind a host macvtap, its receive filter relayed by libvirt
// (<interface type='direct' trustGuestRxFilters='yes'>, model virtio): the host's device list is the
// guest's, the physical NIC is the host's NIC under the macvtap (a macvlan: dev_mc_sync of its list,
// its ALLMULTI / PROMISC counted on the lower). Issue 25 item 8 (canonical/lxd pull request 11309).
// - The guest's virtio_net sends CTRL_RX PROMISC / ALLMULTI and one CTRL_MAC_TABLE_SET: QEMU
//   hw/net/virtio-net.c virtio_net_handle_mac keeps the groups only if they fit the 64-entry table
//   after the unicast ones ("mac_data.entries <= MAC_TABLE_ENTRIES - in_use"), else multi_overflow
//   and no group at all; every change calls rxfilter_notify, which sends NIC_RX_FILTER_CHANGED once
//   and stays silent until query-rx-filter (virtio_net_query_rxfilter) re-enables it. The query
//   reports promiscuous, multicast normal / all, multicast-overflow and multicast-table.
// - libvirt src/qemu/qemu_domain.c qemuDomainSyncRxFilter (read in AOSC-Tracking/libvirt
//   65bfd3695c94 and zippy2/libvirt 02a16c6ecd27): for a macvtap, syncNicRxFilterGuestMulticast /
//   HostMulticast make the macvtap's list the guest's multicast-table (virNetDevAddMulti /
//   DelMulti), syncNicRxFilterPromiscMode its PROMISC, and syncNicRxFilterMultiMode its ALLMULTI:
//   mode all -> on; mode normal -> virNetDevSetRcvAllMulti(ifname, multicast.overflow), also when
//   only the overflow says so (libvirt 8cb06b7f3585, "qemu: handle multicast overflow on macvtap
//   NIC_RX_FILTER_CHANGED"). Fault libvirt-mc-overflow-ignored is the code before that commit:
//   ALLMULTI follows the guest's mode alone, so an overflowed guest leaves the macvtap with the
//   empty table and no ALLMULTI ("the guest will currently receive no multicast traffic").
// The host side is virNetDevGetRxFilter's view: multicast mode all while IFF_ALLMULTI is set.
import type { JsonValue } from '../json.ts';
import { MAC_TABLE_ENTRIES, macTableSet } from '../nic/catalog/virtio-qemu.ts';
import type { NicFilter, NicProfile, RxMode } from '../nic/filter.ts';
import { mcCount, mcHead } from '../nic/rx-view.ts';
import type { Mac } from '../wire/mac.ts';
import { type RelayDevice, type RelayOptions, rxModeJson, settleByPolling } from './device.ts';
import { LIBVIRT_MC_OVERFLOW_IGNORED, NO_RELAY_FAULTS } from './faults.ts';

/** What query-rx-filter answers (qapi RxFilterInfo), the multicast half. */
interface GuestRxFilter {
  readonly promiscuous: boolean;
  readonly multicast: 'normal' | 'all';
  readonly multicastOverflow: boolean;
  readonly multicastTable: readonly Mac[];
}

/** The host macvtap as libvirt reads and sets it. */
interface HostMacvtap {
  promisc: boolean;
  allmulti: boolean;
  mc: Mac[];
}

/** The profile's thresholds: the guest's 64-entry table, then the host NIC's own. */
export function macvtapThresholds(physical: NicProfile): number[] {
  return [...new Set([...physical.thresholds, MAC_TABLE_ENTRIES])].sort((a, b) => a - b);
}

export class MacvtapLibvirtDevice implements RelayDevice {
  readonly kind = 'macvtap-libvirt' as const;
  private current: RxMode = { promisc: false, allmulti: false, mc: [] };
  private guest: GuestRxFilter = { promiscuous: false, multicast: 'normal', multicastOverflow: false, multicastTable: [] };
  /** nc->rxfilter_notify_enabled: QEMU sends one event, then waits for a query. */
  private notifyEnabled = true;
  private eventPending = false;
  private readonly host: HostMacvtap = { promisc: false, allmulti: false, mc: [] };
  private syncs = 0;
  private readonly overflowIgnored: boolean;

  constructor(
    private readonly physical: NicFilter,
    options: RelayOptions = {},
  ) {
    this.overflowIgnored = (options.faults ?? NO_RELAY_FAULTS).has(LIBVIRT_MC_OVERFLOW_IGNORED);
    this.physical.program({ promisc: false, allmulti: false, mc: [] });
  }

  /** The guest's ndo_set_rx_mode: virtnet_set_rx_mode's control commands, answered by QEMU. */
  setRxMode(mode: RxMode): void {
    const count = mcCount(mode);
    this.current = { promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mcHead(mode, count)] };
    // virtio_net_handle_mac: unicast first, then the groups only if all of them fit.
    const table = macTableSet(mode.uc ?? [], mcHead(mode, Math.min(count, MAC_TABLE_ENTRIES + 1)));
    this.guest = {
      promiscuous: mode.promisc,
      multicast: mode.allmulti ? 'all' : 'normal',
      multicastOverflow: table.multiOverflow,
      multicastTable: table.macs.slice(table.firstMulti),
    };
    // rxfilter_notify: one NIC_RX_FILTER_CHANGED until the next query-rx-filter.
    if (this.notifyEnabled) {
      this.notifyEnabled = false;
      this.eventPending = true;
    }
  }

  kernelThreadPoll(): void {
    // No kernel thread: QEMU answers the guest's control queue inside setRxMode.
  }

  /** libvirt's worker: processNicRxFilterChangedEvent -> qemuDomainSyncRxFilter. */
  userLoopPoll(): void {
    if (!this.eventPending) return;
    this.eventPending = false;
    // qmp_query_rx_filter re-enables the event before answering.
    this.notifyEnabled = true;
    const g = this.guest;
    const h = this.host;
    const hostMode = h.allmulti ? 'all' : 'normal';
    // syncNicRxFilterGuestMulticast / HostMulticast: the macvtap's list becomes the guest's table.
    h.mc = [...g.multicastTable];
    // syncNicRxFilterPromiscMode (no guest VLANs here).
    h.promisc = g.promiscuous;
    // syncNicRxFilterMultiMode.
    if (this.overflowIgnored) {
      // Before 8cb06b7f3585: only a change of mode was acted on, and normal meant ALLMULTI off.
      if (hostMode !== g.multicast) h.allmulti = g.multicast === 'all';
    } else if (hostMode !== g.multicast || (g.multicastOverflow && g.multicast === 'normal')) {
      if (g.multicast === 'all') h.allmulti = true;
      else if (!(g.multicastOverflow && hostMode === 'all')) h.allmulti = g.multicastOverflow;
    }
    this.syncs++;
    // The macvtap is a macvlan: dev_mc_sync and its flags reach the host NIC's driver.
    this.physical.program({ promisc: h.promisc, allmulti: h.allmulti, mc: [...h.mc] });
  }

  tick(): void {}

  accept(dst: Mac): boolean {
    return this.physical.accept(dst);
  }

  quiet(): boolean {
    return !this.eventPending;
  }

  settle(): void {
    settleByPolling(this);
  }

  inFlight(): number {
    return 0;
  }

  appliedGenerations(): readonly number[] {
    return [];
  }

  state(): JsonValue {
    return {
      kind: this.kind,
      device: rxModeJson(this.current),
      queryRxFilter: {
        promiscuous: this.guest.promiscuous,
        multicast: this.guest.multicast,
        multicastOverflow: this.guest.multicastOverflow,
        multicastTable: [...this.guest.multicastTable],
      },
      macvtap: { promisc: this.host.promisc, allmulti: this.host.allmulti, mc: [...this.host.mc] },
      syncs: this.syncs,
      physical: this.physical.state(),
    };
  }
}
