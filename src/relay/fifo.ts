// The KNI FIFO: a single-producer single-consumer ring shared by the kernel module and the DPDK
// application (DPDK kernel/linux/kni/kni_fifo.h, lib/kni/rte_kni_fifo.h, struct rte_kni_fifo in
// rte_kni_common.h). Here it lives in a SharedArrayBuffer, so one side may run in another
// worker thread: the producer publishes `write` with a release store after filling the slots,
// the consumer publishes `read` with a release store after copying them out (smp_store_release /
// smp_load_acquire in kni_fifo.h; Atomics.store / Atomics.load are sequentially consistent,
// which is at least that strong).
import { InputError } from '../errors.ts';

/** rte_kni.c: #define KNI_FIFO_COUNT_MAX 1024 (the length of every KNI ring). */
export const KNI_FIFO_COUNT_MAX = 1024;

/** Header words in front of the slots: write index, read index (struct rte_kni_fifo). */
const WRITE = 0;
const READ = 1;
const HEADER_WORDS = 2;
const BYTES_PER_WORD = Uint32Array.BYTES_PER_ELEMENT;

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 2 && (n & (n - 1)) === 0;
}

/**
 * One ring of `len` Uint32 slots. Capacity is len - 1: one slot always stays empty so that
 * write == read means empty (kni_fifo_put stops when the next write index would meet read).
 * Exactly one thread may call put and exactly one may call get; count and free may be called
 * from either.
 */
export class KniFifo {
  /** Header (write, read) and slots, two views of the same shared memory. */
  private readonly header: Int32Array;
  private readonly slots: Uint32Array;
  readonly len: number;
  private readonly mask: number;

  private constructor(readonly buffer: SharedArrayBuffer) {
    const words = buffer.byteLength / BYTES_PER_WORD - HEADER_WORDS;
    // rte_kni_fifo.h kni_fifo_init: "KNI fifo size must be power of 2" (rte_panic there).
    if (!isPowerOfTwo(words)) {
      throw new InputError('len', `KNI FIFO length must be a power of two >= 2, got ${words}`);
    }
    this.len = words;
    this.mask = words - 1;
    this.header = new Int32Array(buffer, 0, HEADER_WORDS);
    this.slots = new Uint32Array(buffer, HEADER_WORDS * BYTES_PER_WORD, words);
  }

  /** kni_fifo_init: a new, empty ring of `len` slots (a power of two, else InputError naming len). */
  static create(len: number): KniFifo {
    if (!isPowerOfTwo(len)) {
      throw new InputError('len', `KNI FIFO length must be a power of two >= 2, got ${String(len)}`);
    }
    return new KniFifo(new SharedArrayBuffer((HEADER_WORDS + len) * BYTES_PER_WORD));
  }

  /** The other side's view of a ring made by create (e.g. in a worker, from postMessage). */
  static attach(buffer: SharedArrayBuffer): KniFifo {
    return new KniFifo(buffer);
  }

  /** kni_fifo_put: writes up to values.length entries, stops when full; returns how many. */
  put(values: ArrayLike<number>): number {
    let write = this.header[WRITE]!; // only this side writes it
    const read = Atomics.load(this.header, READ); // acquire: the consumer is done with those slots
    let i = 0;
    for (; i < values.length; i++) {
      const next = (write + 1) & this.mask;
      if (next === read) break;
      this.slots[write] = values[i]!;
      write = next;
    }
    Atomics.store(this.header, WRITE, write); // release: the slots before the index
    return i;
  }

  /** kni_fifo_get: reads up to n entries in order, stops when empty. */
  get(n: number): number[] {
    let read = this.header[READ]!; // only this side writes it
    const write = Atomics.load(this.header, WRITE); // acquire: the slots the producer filled
    const out: number[] = [];
    while (out.length < n && read !== write) {
      out.push(this.slots[read]!);
      read = (read + 1) & this.mask;
    }
    Atomics.store(this.header, READ, read); // release: the slots may be reused
    return out;
  }

  /** kni_fifo_count: entries waiting. */
  count(): number {
    const write = Atomics.load(this.header, WRITE);
    const read = Atomics.load(this.header, READ);
    return (this.len + write - read) & this.mask;
  }

  /** kni_fifo_free_count: entries that put would still take. */
  free(): number {
    const write = Atomics.load(this.header, WRITE);
    const read = Atomics.load(this.header, READ);
    return (read - write - 1) & this.mask;
  }

  /** The indexes, for state views (not the slots: they hold stale values by design). */
  indexes(): { write: number; read: number; len: number } {
    return { write: Atomics.load(this.header, WRITE), read: Atomics.load(this.header, READ), len: this.len };
  }
}
