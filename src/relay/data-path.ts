// The KNI data path, step by step, with mbufs as numbered buffers (DPDK doc "Kernel NIC
// Interface", seeds 002 and 004): the application receives from the PMD into mbufs and puts
// them on rx_q (lib/kni/rte_kni.c rte_kni_tx_burst), the kernel thread takes them off rx_q,
// hands the frames to the stack and returns the mbufs on free_q (kernel/linux/kni/kni_net.c
// kni_net_rx_normal), which the application frees (rte_kni.c kni_free_mbufs). Egress: the
// kernel takes an mbuf from alloc_q and puts the frame on tx_q (kni_net.c kni_net_tx); the
// application sends what is on tx_q and refills alloc_q (rte_kni.c rte_kni_rx_burst,
// kni_allocate_mbufs). A full ring drops the frame: that is a 'fifo-drop', its own verdict,
// never a filter loss ('filtered' is only the physical NIC's own refusal).
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import { KniFifo, KNI_FIFO_COUNT_MAX } from './fifo.ts';

/** kni_net.c: #define MBUF_BURST_SZ 32 (kernel-side burst). */
export const MBUF_BURST_SZ = 32;
/** rte_kni.c: #define MAX_MBUF_BURST_NUM 32 (user-side free / allocate burst). */
export const MAX_MBUF_BURST_NUM = 32;

export type IngressVerdict =
  /** The physical NIC's filter refused the frame (the only filter loss). */
  | 'filtered'
  /** The mempool had no mbuf to receive into (the PMD's rx ring drops it: imissed). */
  | 'no-mbuf'
  /** rx_q was full: rte_kni_tx_burst put fewer than it was given; the application frees the rest. */
  | 'fifo-drop'
  /** On rx_q, on its way to the stack. */
  | 'queued';

export type EgressVerdict = 'fifo-drop' | 'queued';

export interface Frame {
  readonly id: number;
  readonly dst: Mac;
}

/** Anything with the physical NIC's accept (a NicFilter fits). */
export interface Admission {
  accept(dst: Mac): boolean;
}

export interface DataPathOptions {
  readonly fifoLen?: number;
  /** Mbufs in the mempool. */
  readonly mbufs?: number;
}

export class KniDataPath {
  readonly rxQ: KniFifo;
  readonly freeQ: KniFifo;
  readonly allocQ: KniFifo;
  readonly txQ: KniFifo;
  /** The mempool: free mbuf numbers. */
  private readonly pool: number[];
  readonly totalMbufs: number;
  /** What each mbuf in use carries. */
  private readonly content = new Map<number, number>();
  private readonly counters = { filtered: 0, noMbuf: 0, rxFifoDrop: 0, delivered: 0, txFifoDrop: 0, sent: 0 };

  constructor(
    private readonly nic: Admission,
    options: DataPathOptions = {},
  ) {
    const len = options.fifoLen ?? KNI_FIFO_COUNT_MAX;
    this.rxQ = KniFifo.create(len);
    this.freeQ = KniFifo.create(len);
    this.allocQ = KniFifo.create(len);
    this.txQ = KniFifo.create(len);
    this.totalMbufs = options.mbufs ?? 4 * len;
    this.pool = Array.from({ length: this.totalMbufs }, (_, i) => this.totalMbufs - 1 - i);
  }

  /**
   * One pass of the application's ingress loop (examples/kni kni_ingress): rte_eth_rx_burst
   * (the NIC filters, each accepted frame needs an mbuf), rte_kni_tx_burst (rx_q; what does not
   * fit is freed: fifo-drop), then kni_free_mbufs. One verdict per frame, in order.
   */
  userRx(frames: readonly Frame[]): IngressVerdict[] {
    const verdicts: IngressVerdict[] = [];
    const received: number[] = [];
    for (const f of frames) {
      if (!this.nic.accept(f.dst)) {
        this.counters.filtered++;
        verdicts.push('filtered');
        continue;
      }
      const mbuf = this.pool.pop();
      if (mbuf === undefined) {
        this.counters.noMbuf++;
        verdicts.push('no-mbuf');
        continue;
      }
      this.content.set(mbuf, f.id);
      received.push(mbuf);
      verdicts.push('queued');
    }
    const put = this.rxQ.put(received);
    // kni_burst_free_mbufs: the mbufs rx_q did not take go back to the pool.
    for (const mbuf of received.slice(put)) this.release(mbuf);
    let dropped = received.length - put;
    this.counters.rxFifoDrop += dropped;
    for (let i = verdicts.length - 1; i >= 0 && dropped > 0; i--) {
      if (verdicts[i] === 'queued') {
        verdicts[i] = 'fifo-drop';
        dropped--;
      }
    }
    this.userFree();
    return verdicts;
  }

  /** kni_free_mbufs: up to MAX_MBUF_BURST_NUM mbufs from free_q back to the pool. */
  userFree(): number {
    const got = this.freeQ.get(MAX_MBUF_BURST_NUM);
    for (const mbuf of got) this.release(mbuf);
    return got.length;
  }

  /** kni_net_rx_normal: as many as free_q has room for (at most MBUF_BURST_SZ); frame ids delivered. */
  kernelRx(): number[] {
    const room = this.freeQ.free();
    if (room === 0) return [];
    const mbufs = this.rxQ.get(Math.min(room, MBUF_BURST_SZ));
    const delivered = mbufs.map((m) => this.content.get(m)!);
    this.counters.delivered += delivered.length;
    this.freeQ.put(mbufs);
    return delivered;
  }

  /** kni_net_tx: needs a free tx_q slot and an mbuf on alloc_q, else the frame is dropped. */
  kernelTx(frameId: number): EgressVerdict {
    if (this.txQ.free() === 0 || this.allocQ.count() === 0) {
      this.counters.txFifoDrop++;
      return 'fifo-drop';
    }
    const [mbuf] = this.allocQ.get(1);
    this.content.set(mbuf!, frameId);
    this.txQ.put([mbuf!]);
    return 'queued';
  }

  /**
   * rte_kni_rx_burst: takes up to n frames off tx_q and sends them (frame ids, in order), then
   * kni_allocate_mbufs refills alloc_q with up to MAX_MBUF_BURST_NUM mbufs (those alloc_q does
   * not take go back to the pool).
   */
  userTx(n: number = MAX_MBUF_BURST_NUM): number[] {
    const mbufs = this.txQ.get(n);
    const sent = mbufs.map((m) => this.content.get(m)!);
    for (const m of mbufs) this.release(m); // rte_eth_tx_burst frees them once sent
    this.counters.sent += sent.length;
    const fresh: number[] = [];
    while (fresh.length < MAX_MBUF_BURST_NUM && this.pool.length > 0) fresh.push(this.pool.pop()!);
    const put = this.allocQ.put(fresh);
    for (const m of fresh.slice(put)) this.pool.push(m);
    return sent;
  }

  private release(mbuf: number): void {
    this.content.delete(mbuf);
    this.pool.push(mbuf);
  }

  /** Every mbuf is in exactly one place: the pool or one of the four rings. */
  mbufsAccounted(): number {
    return this.pool.length + this.rxQ.count() + this.freeQ.count() + this.allocQ.count() + this.txQ.count();
  }

  state(): JsonValue {
    return {
      rxQ: this.rxQ.indexes(),
      freeQ: this.freeQ.indexes(),
      allocQ: this.allocQ.indexes(),
      txQ: this.txQ.indexes(),
      mempool: { free: this.pool.length, total: this.totalMbufs },
      counters: { ...this.counters },
    };
  }
}
