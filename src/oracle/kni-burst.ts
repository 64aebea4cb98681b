// What a burst owes on a KNI interface (a send with `burst`; the data path in docs/semantics.md),
// from the DPDK sources, apart from the model: the frames a correct port must accept all pass
// its filter; the application puts them on rx_q, which holds KNI_FIFO_COUNT_MAX - 1 of them
// (lib/kni/rte_kni.c KNI_FIFO_COUNT_MAX 1024; kernel/linux/kni/kni_fifo.h keeps one slot empty)
// while the kernel thread has not run yet; the rest are dropped at rx_q ('fifo-drop'), never at
// the filter. The mempool (examples/kni NB_MBUF 8192 * 16; the model's 4 * 1024) outnumbers
// rx_q, so no frame is owed a drop for want of an mbuf.
import type { FrameVerdict } from './filters/spec.ts';

/** rte_kni.c KNI_FIFO_COUNT_MAX, less the slot kni_fifo keeps empty. */
export const KNI_RX_Q_HOLDS = 1024 - 1;

export interface OwedBurst {
  readonly frames: number;
  /** Owed drops at the filter: every frame for a must-not, none for a must, either for a may (null). */
  readonly filtered: number | null;
  /** Owed drops at a full rx_q when the port accepts the frames. */
  readonly fifoDrop: number;
  /** Owed frames handed to the stack when the port accepts them. */
  readonly delivered: number;
}

/** The burst a KNI interface (spec name "kni-...+LOWER") owes; null for any other interface. */
export function owedBurst(specName: string, verdict: FrameVerdict, frames: number): OwedBurst | null {
  if (!specName.startsWith('kni-')) return null;
  const queued = Math.min(frames, KNI_RX_Q_HOLDS);
  return { frames, filtered: verdict === 'must' ? 0 : verdict === 'must-not' ? frames : null, fifoDrop: frames - queued, delivered: queued };
}
