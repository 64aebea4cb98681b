// A burst of frames for one destination through the KNI data path (data-path.ts), as a `send`
// step with `burst` runs it: the frames arrive back to back; the application's ingress loop
// (examples/kni/main.c kni_ingress) takes them PKT_BURST_SZ at a time with rte_eth_rx_burst and
// puts them on rx_q with rte_kni_tx_burst, and the KNI kernel thread does not run until the
// burst is in (its poll interval is far longer than a burst at line rate). rx_q holds
// KNI_FIFO_COUNT_MAX - 1 mbufs; the rest are freed by the application: 'fifo-drop'. Then the
// kernel thread drains rx_q (kni_net_rx_normal, while free_q has room; the application frees
// free_q) and hands every frame to the stack.
import type { Mac } from '../wire/mac.ts';
import { type Admission, type DataPathOptions, KniDataPath } from './data-path.ts';

/** examples/kni/main.c: #define PKT_BURST_SZ 32 (the application's rte_eth_rx_burst size). */
export const PKT_BURST_SZ = 32;

export interface BurstCounts {
  readonly frames: number;
  readonly filtered: number;
  readonly noMbuf: number;
  readonly fifoDrop: number;
  readonly delivered: number;
}

export function kniIngressBurst(nic: Admission, dst: Mac, count: number, options: DataPathOptions = {}): BurstCounts {
  const path = new KniDataPath(nic, options);
  const tally = { filtered: 0, noMbuf: 0, fifoDrop: 0, delivered: 0 };
  for (let first = 0; first < count; first += PKT_BURST_SZ) {
    const frames = Array.from({ length: Math.min(PKT_BURST_SZ, count - first) }, (_, i) => ({ id: first + i, dst }));
    for (const v of path.userRx(frames)) {
      if (v === 'filtered') tally.filtered++;
      else if (v === 'no-mbuf') tally.noMbuf++;
      else if (v === 'fifo-drop') tally.fifoDrop++;
    }
  }
  // The kernel thread's passes, the application freeing free_q between them, until rx_q is empty.
  while (path.rxQ.count() > 0) {
    tally.delivered += path.kernelRx().length;
    path.userFree();
  }
  return { frames: count, ...tally };
}
