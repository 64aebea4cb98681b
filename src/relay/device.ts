// What every exception-path device stacked on a physical NIC offers: the verbs the host, the
// KNI kernel thread and the DPDK application's loop call, step by step, so that properties can
// interleave them. Used by kni.ts, tap.ts and macvtap.ts.
import type { JsonValue } from '../json.ts';
import type { RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';
import type { RelayFaultSet } from './faults.ts';

export const RELAY_KINDS = ['kni-stub', 'kni-promisc', 'kni-flags', 'kni-mc', 'tap-stub', 'tap-relay', 'virtio-user-stub', 'virtio-user-relay', 'macvtap-libvirt'] as const;
export type RelayKind = (typeof RELAY_KINDS)[number];

export function isRelayKind(name: string): name is RelayKind {
  return (RELAY_KINDS as readonly string[]).includes(name);
}

/** Upper bound on settle()'s rounds; a quiet relay needs at most a flag, a flag and a list. */
export const SETTLE_ROUNDS_MAX = 16;

export interface RelayOptions {
  readonly faults?: RelayFaultSet;
  /** KNI sync area size in bytes (default SYNC_AREA_BYTES, seed 000's 64 KiB). */
  readonly syncBytes?: number;
  /** Ticks a KNI request waits for its answer (default KNI_WAIT_RESPONSE_TICKS). */
  readonly timeoutTicks?: number;
}

export interface RelayDevice {
  readonly kind: RelayKind;
  /** ndo_set_rx_mode of the virtual device: the host's flags and whole device list. */
  setRxMode(mode: RxMode): void;
  /** One pass of the KNI kernel thread (kni_thread_single / kni_thread_multiple). */
  kernelThreadPoll(): void;
  /** One pass of the DPDK application's loop (rte_kni_handle_request, or a tap list watcher). */
  userLoopPoll(): void;
  /** One jiffy of scenario time. */
  tick(): void;
  /** The physical NIC's decision for a frame to this destination. */
  accept(dst: Mac): boolean;
  /** Nothing left to relay: no request on the rings, nothing marked dirty. */
  quiet(): boolean;
  /** Runs kernel-thread and user-loop passes until quiet (bounded; throws if never). */
  settle(): void;
  /** Requests on the KNI rings now (0 for tap devices). */
  inFlight(): number;
  /** Generations of SET_MC_LIST the application applied, in order (kni-mc; empty otherwise). */
  appliedGenerations(): readonly number[];
  state(): JsonValue;
}

/** settle() as every device does it: alternate the two sides until quiet. */
/** The rx mode the host last gave the virtual device, as state() shows it. */
export function rxModeJson(mode: RxMode): JsonValue {
  return { promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc] };
}

export function settleByPolling(dev: RelayDevice): void {
  for (let round = 0; round < SETTLE_ROUNDS_MAX; round++) {
    if (dev.quiet()) return;
    dev.kernelThreadPoll();
    dev.userLoopPoll();
    dev.kernelThreadPoll();
  }
  if (!dev.quiet()) throw new Error(`${dev.kind}: not quiet after ${SETTLE_ROUNDS_MAX} rounds: ${JSON.stringify(dev.state())}`);
}
