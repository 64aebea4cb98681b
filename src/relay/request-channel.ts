// The KNI request/response channel: the kernel writes a request into the sync area, puts the
// area's address on req_q and waits for resp_q (DPDK kernel/linux/kni/kni_net.c
// kni_net_process_request); user space polls req_q, calls the handler and puts the address back
// on resp_q (lib/kni/rte_kni.c rte_kni_handle_request). Time is counted in scenario ticks,
// never read from a clock.
import type { JsonValue } from '../json.ts';
import { ETHDEV_ERRNO } from '../nic/ethdev.ts';
import { KniFifo, KNI_FIFO_COUNT_MAX } from './fifo.ts';
import {
  type KniRequest,
  SYNC_AREA_BYTES,
  createSyncArea,
  readRequest,
  readResult,
  requestBytes,
  writeRequest,
  writeResult,
} from './sync-area.ts';

/** kni_net.c: wait_event_interruptible_timeout(..., 3 * HZ); one tick is one jiffy at HZ=100
 * (older kni_net.c: #define KNI_WAIT_RESPONSE_TIMEOUT 300 "3 seconds"). */
export const KNI_WAIT_RESPONSE_TICKS = 300;

/** Errno values as include/uapi/asm-generic/errno-base.h and errno.h number them. */
export const ERRNO = { ...ETHDEV_ERRNO, EBUSY: 16, ETIME: 62 } as const;
export type ChannelErrno = keyof typeof ERRNO;

/** The value put on req_q / resp_q: the sync area's user-space address (kni->sync_va). */
const SYNC_VA = 1;
const TRAFFIC_LOG_MAX = 32;

/** The user-space answer to one request: req->result (0 or a negative errno). */
export type RequestHandler = (req: KniRequest) => number;

/** How a kernel-side request ended. */
export type RequestOutcome =
  | { readonly request: KniRequest; readonly result: number }
  | { readonly request: KniRequest; readonly error: 'ETIME' };

export type PostResult = { readonly ok: true } | { readonly ok: false; readonly error: 'EBUSY' };

type TrafficEvent = { readonly tick: number; readonly event: 'req' | 'handled' | 'resp' | 'timeout' | 'stale-resp'; readonly id: string; readonly result?: number };

export interface ChannelOptions {
  readonly syncBytes?: number;
  readonly fifoLen?: number;
  readonly timeoutTicks?: number;
}

export class RequestChannel {
  readonly reqQ: KniFifo;
  readonly respQ: KniFifo;
  readonly sync: Uint8Array;
  private readonly timeoutTicks: number;
  private now = 0;
  private waiting: { readonly request: KniRequest; readonly deadline: number } | null = null;
  private readonly counters = { posted: 0, handled: 0, responses: 0, timeouts: 0, staleResponses: 0, busy: 0 };
  private readonly log: TrafficEvent[] = [];

  constructor(options: ChannelOptions = {}) {
    this.reqQ = KniFifo.create(options.fifoLen ?? KNI_FIFO_COUNT_MAX);
    this.respQ = KniFifo.create(options.fifoLen ?? KNI_FIFO_COUNT_MAX);
    this.sync = createSyncArea(options.syncBytes ?? SYNC_AREA_BYTES);
    this.timeoutTicks = options.timeoutTicks ?? KNI_WAIT_RESPONSE_TICKS;
  }

  private record(e: Omit<TrafficEvent, 'tick'>): void {
    this.log.push({ tick: this.now, ...e });
    if (this.log.length > TRAFFIC_LOG_MAX) this.log.shift();
  }

  /** Requests posted and not yet answered and collected: entries on req_q plus resp_q. */
  inFlight(): number {
    return this.reqQ.count() + this.respQ.count();
  }

  /** No request waiting, nothing on either ring. */
  idle(): boolean {
    return this.waiting === null && this.inFlight() === 0;
  }

  get tickNow(): number {
    return this.now;
  }

  /**
   * Kernel side, the first half of kni_net_process_request. kni->sync_lock serialises callers;
   * here a caller that would block on it (a request waiting, or a late answer or an unread
   * request of a timed-out one still on the rings) gets EBUSY and retries at its next poll, so
   * at most one request is ever on the rings. (kni_net_process_request itself posts after a
   * timeout without draining, and would take the old answer for the new request.)
   */
  post(request: KniRequest): PostResult {
    if (!this.idle()) {
      this.counters.busy++;
      return { ok: false, error: 'EBUSY' };
    }
    writeRequest(this.sync, request);
    // kni_net_process_request: kni_fifo_put(kni->req_q, &kni->sync_va, 1); < 1 is -EBUSY.
    if (this.reqQ.put([SYNC_VA]) < 1) {
      this.counters.busy++;
      return { ok: false, error: 'EBUSY' };
    }
    this.counters.posted++;
    this.waiting = { request, deadline: this.now + this.timeoutTicks };
    this.record({ event: 'req', id: request.id });
    return { ok: true };
  }

  /** One jiffy. A waiter whose 3 s ran out gives up with ETIME (kni_net.c: -ETIME). */
  tick(): RequestOutcome | null {
    this.now++;
    if (this.waiting && this.now >= this.waiting.deadline) {
      const { request } = this.waiting;
      this.waiting = null;
      this.counters.timeouts++;
      this.record({ event: 'timeout', id: request.id });
      return { request, error: 'ETIME' };
    }
    return null;
  }

  /**
   * Kernel side: kni_net_poll_resp wakes the waiter when resp_q is not empty; the waiter takes
   * the answer and reads req->result from the sync area. An answer nobody waits for (its
   * request timed out) is taken off the ring and dropped.
   */
  kernelPoll(): RequestOutcome | null {
    if (this.respQ.count() === 0) return null;
    this.respQ.get(1);
    if (!this.waiting) {
      this.counters.staleResponses++;
      this.record({ event: 'stale-resp', id: readRequest(this.sync).id });
      return null;
    }
    const { request } = this.waiting;
    this.waiting = null;
    const result = readResult(this.sync);
    this.counters.responses++;
    this.record({ event: 'resp', id: request.id, result });
    return { request, result };
  }

  /**
   * User side, rte_kni_handle_request: takes one request off req_q (none: nothing to do),
   * calls the handler, writes req->result, puts the address on resp_q. Returns the request.
   */
  userPoll(handler: RequestHandler): KniRequest | null {
    if (this.reqQ.get(1).length === 0) return null;
    const request = readRequest(this.sync);
    // rte_kni_handle_request: "Unknown request id" -> req->result = -EINVAL.
    const result = request.id === 'UNKNOWN' ? -ERRNO.EINVAL : handler(request);
    writeResult(this.sync, result);
    this.respQ.put([SYNC_VA]);
    this.counters.handled++;
    this.record({ event: 'handled', id: request.id, result });
    return request;
  }

  state(): JsonValue {
    const used = requestBytes(this.sync);
    const current = readRequest(this.sync);
    return {
      tick: this.now,
      waiting: this.waiting ? { id: this.waiting.request.id, deadline: this.waiting.deadline } : null,
      reqQ: this.reqQ.indexes(),
      respQ: this.respQ.indexes(),
      counters: { ...this.counters },
      traffic: this.log.map((e) => ({ ...e })),
      syncArea: {
        bytes: this.sync.byteLength,
        used,
        request: current,
        result: readResult(this.sync),
        head: Buffer.from(this.sync.subarray(0, Math.min(used, 64))).toString('hex'),
      },
    };
  }
}
