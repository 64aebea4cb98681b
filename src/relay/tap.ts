// The TAP exception path stacked on a physical NIC driven by a DPDK PMD:
// - tap-stub: tun_net_mclist is empty (Linux drivers/net/tun.c: "we always accept everything
//   userspace gives us"), and the application never learns the tap's list: nothing reaches the PMD.
// - tap-relay: the application watches the tap's MAC list (/proc/net/dev_mcast, which lists
//   dev->mc; RTNLGRP_IPV4/6_MCADDR report IP groups, not MACs: reference/linux-facts.md) and its
//   flags, and mirrors them into the PMD (pmd-port.ts). No sync area: nothing limits the list.
import type { JsonValue } from '../json.ts';
import type { NicFilter, RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';
import { type RelayDevice, type RelayOptions, rxModeJson, settleByPolling } from './device.ts';
import { NO_RELAY_FAULTS } from './faults.ts';
import { PmdPort } from './pmd-port.ts';

export type TapKind = 'tap-stub' | 'tap-relay';

function sameMode(a: RxMode, b: RxMode): boolean {
  return a.promisc === b.promisc && a.allmulti === b.allmulti && a.mc.length === b.mc.length && a.mc.every((m, i) => m === b.mc[i]);
}

export class TapDevice implements RelayDevice {
  private readonly pmd: PmdPort;
  private current: RxMode = { promisc: false, allmulti: false, mc: [] };
  /** What the application last mirrored (the PMD starts with everything off). */
  private mirrored: RxMode = { promisc: false, allmulti: false, mc: [] };
  private mirrors = 0;

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
  }

  kernelThreadPoll(): void {
    // No kernel thread: the tap is read and written by the application itself.
  }

  userLoopPoll(): void {
    if (this.kind === 'tap-stub' || sameMode(this.current, this.mirrored)) return;
    this.mirrored = this.current;
    this.mirrors++;
    this.pmd.mirror(this.current);
  }

  tick(): void {}

  accept(dst: Mac): boolean {
    return this.pmd.physical.accept(dst);
  }

  quiet(): boolean {
    return this.kind === 'tap-stub' || sameMode(this.current, this.mirrored);
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
      pmd: this.pmd.state(),
    };
  }
}
