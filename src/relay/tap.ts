// The TAP exception path stacked on a physical NIC driven by a DPDK PMD:
// - tap-stub: tun_net_mclist is empty (Linux drivers/net/tun.c: "we always accept everything
//   userspace gives us"), and the application never learns the tap's list: nothing reaches the PMD.
// - tap-relay: the application watches the tap's MAC list (/proc/net/dev_mcast, which lists
//   dev->mc; RTNLGRP_IPV4/6_MCADDR report IP groups, not MACs: reference/linux-facts.md) and its
//   flags, and mirrors them into the PMD (pmd-port.ts). No sync area: nothing limits the list.
// - virtio-user-stub (DPDK doc/guides/howto/virtio_user_as_exception_path.rst): the kernel side is
//   a tap served by vhost-net, so the tap's list stays there as above; and the application's own
//   rx-mode calls on the virtio-user port reach virtio_user_dev.c's control queue, which answers
//   VIRTIO_NET_CTRL_RX and _CTRL_MAC with status 0 without applying them (only
//   VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET is handled): the calls succeed and change nothing.
// - virtio-user-relay: the fix: the application wakes on RTM_NEWMULTICAST / RTM_DELMULTICAST and
//   RTM_NEWLINK for the tap, re-reads its list (/proc/net/dev_mcast: netlink does not report an
//   `ip maddr add`, so every poll pass reads it too) and programs the physical port as tap-relay.
import type { JsonValue } from '../json.ts';
import type { NicFilter, RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';
import { type RelayDevice, type RelayOptions, rxModeJson, settleByPolling } from './device.ts';
import { NO_RELAY_FAULTS } from './faults.ts';
import { PmdPort } from './pmd-port.ts';

export type TapKind = 'tap-stub' | 'tap-relay' | 'virtio-user-stub' | 'virtio-user-relay';

/** The kinds whose application never learns the tap's list. */
function isStub(kind: TapKind): boolean {
  return kind === 'tap-stub' || kind === 'virtio-user-stub';
}

/**
 * virtio_user_dev.c virtio_user_handle_ctrl_msg: the status the control queue answers a command
 * class with; VIRTIO_NET_CTRL_MQ is the only one acted on.
 */
export function virtioUserCtrlStatus(cls: 'RX' | 'MAC' | 'VLAN' | 'MQ'): { status: 0; applied: boolean } {
  return { status: 0, applied: cls === 'MQ' };
}

function sameMode(a: RxMode, b: RxMode): boolean {
  return a.promisc === b.promisc && a.allmulti === b.allmulti && a.mc.length === b.mc.length && a.mc.every((m, i) => m === b.mc[i]);
}

export class TapDevice implements RelayDevice {
  private readonly pmd: PmdPort;
  private current: RxMode = { promisc: false, allmulti: false, mc: [] };
  /** What the application last mirrored (the PMD starts with everything off). */
  private mirrored: RxMode = { promisc: false, allmulti: false, mc: [] };
  private mirrors = 0;
  /** virtio-user-stub: rx-mode calls the application made on the virtio-user port (status 0, nothing applied). */
  private ctrlAnsweredUnapplied = 0;

  constructor(
    readonly kind: TapKind,
    physical: NicFilter,
    options: RelayOptions = {},
  ) {
    this.pmd = new PmdPort(physical, options.faults ?? NO_RELAY_FAULTS);
  }

  setRxMode(mode: RxMode): void {
    // __dev_set_rx_mode -> tun_net_mclist: nothing in the driver; dev->mc changes all the same.
    this.current = { promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc] };
    // The stub application sets its virtio-user port as it sets any port (rte_eth_allmulticast_enable
    // and promiscuous: CTRL_RX; mac_addr_add: CTRL_MAC): answered 0, applied nowhere.
    if (this.kind === 'virtio-user-stub' && !virtioUserCtrlStatus('RX').applied) this.ctrlAnsweredUnapplied++;
  }

  kernelThreadPoll(): void {
    // No kernel thread: the tap is read and written by the application itself.
  }

  userLoopPoll(): void {
    if (isStub(this.kind) || sameMode(this.current, this.mirrored)) return;
    this.mirrored = this.current;
    this.mirrors++;
    this.pmd.mirror(this.current);
  }

  tick(): void {}

  accept(dst: Mac): boolean {
    return this.pmd.physical.accept(dst);
  }

  quiet(): boolean {
    return isStub(this.kind) || sameMode(this.current, this.mirrored);
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

  port(): PmdPort {
    return this.pmd;
  }

  state(): JsonValue {
    return {
      kind: this.kind,
      device: rxModeJson(this.current),
      mirrors: this.mirrors,
      ...(this.kind === 'virtio-user-stub' ? { virtioUserCtrl: { answeredStatus0NotApplied: this.ctrlAnsweredUnapplied } } : {}),
      pmd: this.pmd.state(),
    };
  }
}
