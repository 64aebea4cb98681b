// The KNI variants, release by release, as a virtual device stacked on a physical NIC driven by a
// DPDK PMD (families.ts names the releases):
// - kni-stub: kni_net_set_rx_mode was an empty function (DPDK kernel/linux/kni/kni_net.c up to
//   18.11, seed 000) and no flag was relayed: nothing the host asks reaches the PMD.
// - kni-promisc: rte_kni_common.h's requests end at RTE_KNI_REQ_CHANGE_PROMISC: IFF_PROMISC is
//   relayed (kni_net_change_rx_flags), ALLMULTI and the list are not; 19.08 dropped the empty
//   set_rx_mode hook without changing that.
// - kni-flags: DPDK 19.11 to 23.07 (KNI removed in 23.11): RTE_KNI_REQ_CHANGE_ALLMULTI next to
//   _CHANGE_PROMISC; the multicast list is never relayed.
// - kni-mc: seed 000's fix: ndo_set_rx_mode (atomic context, no mutex) only marks the list
//   dirty; the KNI kernel thread later copies dev->mc (under netdev_addr_lock_bh), serialises it
//   into the sync area and posts SET_MC_LIST; the application's handler calls the PMD's
//   set_mc_addr_list (pmd-port.ts).
import type { JsonValue } from '../json.ts';
import type { NicFilter, RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';
import { type RelayDevice, type RelayOptions, rxModeJson, settleByPolling } from './device.ts';
import { NO_RELAY_FAULTS, RELAY_DROPS_LAST_UPDATE, RELAY_TRUNCATES_LIST, type RelayFaultSet } from './faults.ts';
import { PmdPort } from './pmd-port.ts';
import { type RequestOutcome, RequestChannel } from './request-channel.ts';
import { type KniRequest, SYNC_AREA_BYTES, mcListCapacity } from './sync-area.ts';

export type KniKind = 'kni-stub' | 'kni-promisc' | 'kni-flags' | 'kni-mc';

const EMPTY_MODE: RxMode = { promisc: false, allmulti: false, mc: [] };

export class KniDevice implements RelayDevice {
  private readonly channel: RequestChannel;
  private readonly pmd: PmdPort;
  private readonly faults: RelayFaultSet;
  private readonly syncBytes: number;
  /** dev->flags and dev->mc as ndo_set_rx_mode last saw them. */
  private current: RxMode = EMPTY_MODE;
  /** Flags as last posted; null after a timeout (unknown: post again). The PMD starts off. */
  private relayed: { promisc: boolean | null; allmulti: boolean | null } = { promisc: false, allmulti: false };
  /** kni-mc: set by ndo_set_rx_mode, cleared when the kernel thread copies the list. */
  private listDirty = false;
  private generation = 0;
  private readonly applied: number[] = [];
  private lastOutcome: RequestOutcome | null = null;

  constructor(
    readonly kind: KniKind,
    physical: NicFilter,
    options: RelayOptions = {},
  ) {
    this.faults = options.faults ?? NO_RELAY_FAULTS;
    this.syncBytes = options.syncBytes ?? SYNC_AREA_BYTES;
    this.channel = new RequestChannel({
      syncBytes: this.syncBytes,
      ...(options.timeoutTicks !== undefined ? { timeoutTicks: options.timeoutTicks } : {}),
    });
    this.pmd = new PmdPort(physical, this.faults);
  }

  setRxMode(mode: RxMode): void {
    this.current = { promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc] };
    if (this.kind !== 'kni-mc') return; // kni-stub: empty ndo_set_rx_mode; the others: no list
    const listInFlight = !this.channel.idle();
    if (this.faults.has(RELAY_DROPS_LAST_UPDATE) && listInFlight) return;
    this.listDirty = true;
  }

  /** The next request the kernel side owes the application, or null. */
  private nextRequest(): KniRequest | null {
    if (this.kind === 'kni-stub') return null;
    // kni_net_change_rx_flags: one request per changed flag (dev_change_rx_flags passes one).
    if (this.relayed.promisc !== this.current.promisc) return { id: 'CHANGE_PROMISC', on: this.current.promisc };
    // kni-promisc: rte_kni_common.h before 19.11 ends at RTE_KNI_REQ_CHANGE_PROMISC.
    if (this.kind !== 'kni-promisc' && this.relayed.allmulti !== this.current.allmulti) return { id: 'CHANGE_ALLMULTI', on: this.current.allmulti };
    if (this.kind === 'kni-mc' && this.listDirty) {
      const list = this.current.mc;
      const capacity = mcListCapacity(this.syncBytes);
      const generation = this.generation + 1;
      if (list.length <= capacity) return { id: 'SET_MC_LIST', generation, list };
      // A list the sync area cannot carry goes as 'overflow': the handler falls back.
      if (this.faults.has(RELAY_TRUNCATES_LIST)) return { id: 'SET_MC_LIST', generation, list: list.slice(0, capacity) };
      return { id: 'SET_MC_LIST', generation, list: 'overflow' };
    }
    return null;
  }

  kernelThreadPoll(): void {
    // kni_thread_*: kni_net_poll_resp wakes the waiter when resp_q has the answer.
    const outcome = this.channel.kernelPoll();
    if (outcome) this.lastOutcome = outcome;
    if (!this.channel.idle()) return;
    const request = this.nextRequest();
    if (!request) return;
    if (!this.channel.post(request).ok) return;
    if (request.id === 'CHANGE_PROMISC') this.relayed.promisc = request.on;
    if (request.id === 'CHANGE_ALLMULTI') this.relayed.allmulti = request.on;
    if (request.id === 'SET_MC_LIST') {
      this.generation = request.generation;
      this.listDirty = false;
    }
  }

  /** rte_kni_handle_request with the application's handlers. */
  userLoopPoll(): void {
    this.channel.userPoll((req) => {
      switch (req.id) {
        case 'CHANGE_PROMISC':
          return this.pmd.setPromisc(req.on);
        case 'CHANGE_ALLMULTI':
          return this.pmd.setAllmulti(req.on);
        case 'SET_MC_LIST':
          this.applied.push(req.generation);
          return this.pmd.setMcList(req.list);
        default:
          // MTU, link and MAC changes do not touch the receive filter.
          return 0;
      }
    });
  }

  tick(): void {
    const outcome = this.channel.tick();
    if (!outcome) return;
    this.lastOutcome = outcome;
    // The waiter gave up (ETIME): what it carried is unknown to have arrived; post it again.
    const req = outcome.request;
    if (req.id === 'CHANGE_PROMISC') this.relayed.promisc = null;
    if (req.id === 'CHANGE_ALLMULTI') this.relayed.allmulti = null;
    if (req.id === 'SET_MC_LIST') this.listDirty = true;
  }

  accept(dst: Mac): boolean {
    return this.pmd.physical.accept(dst);
  }

  quiet(): boolean {
    return this.channel.idle() && this.nextRequest() === null;
  }

  settle(): void {
    settleByPolling(this);
  }

  inFlight(): number {
    return this.channel.inFlight();
  }

  appliedGenerations(): readonly number[] {
    return this.applied;
  }

  /** What the application asked the PMD for and why it may be all-multicast on its own. */
  port(): PmdPort {
    return this.pmd;
  }

  state(): JsonValue {
    return {
      kind: this.kind,
      device: rxModeJson(this.current),
      listDirty: this.listDirty,
      relayed: { ...this.relayed },
      generation: this.generation,
      appliedGenerations: [...this.applied],
      lastOutcome: this.lastOutcome,
      channel: this.channel.state(),
      pmd: this.pmd.state(),
    };
  }
}
