// The incremental side of RxMode (src/nic/filter.ts): the host passes, with each program call,
// the changes of dev->mc since the previous call, the list's length and its first k entries, so
// that a filter whose programming depends on a count, a short head of the list and a hash of the
// rest never walks the whole list. Each helper here ends in exactly the state a fresh pass over
// the full list gives (test/nic/incremental.test.ts checks every built-in profile against a
// fresh filter programmed with the full list).
import type { Mac } from '../wire/mac.ts';
import type { ListChange, RxMode } from './filter.ts';

/** mc.length, without building mc when the host gave the count. */
export function mcCount(mode: RxMode): number {
  return mode.count ?? mode.mc.length;
}

/** mc.slice(0, k), in O(k) when the host gave its head. */
export function mcHead(mode: RxMode, k: number): readonly Mac[] {
  return mode.head ? mode.head(k) : mode.mc.slice(0, k);
}

/** The list as a filter last saw it, kept by the changes (an ordered Set: adds at the tail, like dev->mc). */
export class ListMirror {
  private readonly set = new Set<Mac>();

  /** Follows the mode: the changes when given and `incremental`, else a copy of mc. */
  update(mode: RxMode, incremental: boolean): void {
    if (incremental && mode.changes) {
      for (const c of mode.changes) {
        if (c.added) this.set.add(c.mac);
        else this.set.delete(c.mac);
      }
      return;
    }
    this.set.clear();
    for (const mac of mode.mc) this.set.add(mac);
  }

  get size(): number {
    return this.set.size;
  }

  has(mac: Mac): boolean {
    return this.set.has(mac);
  }

  values(): Mac[] {
    return Array.from(this.set);
  }
}

/**
 * The first k addresses of the list matched exactly, every later one counted in the hash bucket
 * `bucketOf` gives it (the tun exact slots and hash, e1000's RARs and MTA, and with k = 0 a pure
 * hash such as 8139too's or ixgbe's). `onEdge(b, set)` reports a bucket's count leaving or
 * reaching zero, so that a register image can follow bit by bit.
 */
export class HeadHash {
  private exact: readonly Mac[] = [];
  private readonly counts: Int32Array;

  constructor(
    buckets: number,
    private readonly bucketOf: (mac: Mac) => number,
    private readonly onEdge: (bucket: number, set: boolean) => void = () => {},
  ) {
    this.counts = new Int32Array(buckets);
  }

  /** The addresses matched exactly: the list's first k at the last update. */
  get head(): readonly Mac[] {
    return this.exact;
  }

  /** True when some hashed address falls in the bucket. */
  has(bucket: number): boolean {
    return (this.counts[bucket] as number) > 0;
  }

  /** Hashed addresses in the bucket. */
  count(bucket: number): number {
    return this.counts[bucket] as number;
  }

  /**
   * Brings the split up to date with the mode: by its changes and head when `incremental` and the
   * host gave them (O(changes + k)), else from the full list (O(n + buckets); every set bucket
   * is reported cleared first).
   */
  update(mode: RxMode, k: number, incremental: boolean): 'incremental' | 'full' {
    if (incremental && mode.changes && mode.head) {
      if (k === 0 && this.exact.length === 0) {
        // A pure hash (no head): apply's walk with nothing exact, without its Set and arrays.
        for (const c of mode.changes) {
          if (c.added) this.inc(c.mac);
          else this.dec(c.mac);
        }
        return 'incremental';
      }
      this.apply(mode.changes, mode.head(k));
      return 'incremental';
    }
    for (let b = 0; b < this.counts.length; b++) if ((this.counts[b] as number) > 0) this.onEdge(b, false);
    this.counts.fill(0);
    const mc = mode.mc;
    this.exact = mc.slice(0, k);
    for (let i = k; i < mc.length; i++) this.inc(mc[i] as Mac);
    return 'full';
  }

  private apply(changes: readonly ListChange[], next: readonly Mac[]): void {
    const stillExact = new Set(this.exact);
    for (const c of changes) {
      // An address arrives at the tail: hashed, unless it ends up in the head (fixed below).
      if (c.added) this.inc(c.mac);
      else if (!stillExact.delete(c.mac)) this.dec(c.mac);
    }
    // Entered the head (promoted from the hash, or added and still within k): no longer hashed.
    for (const mac of next) if (!stillExact.delete(mac)) this.dec(mac);
    // Left the head while staying in the list (k shrank): hashed now.
    for (const mac of stillExact) this.inc(mac);
    this.exact = [...next];
  }

  private inc(mac: Mac): void {
    const b = this.bucketOf(mac);
    const n = this.counts[b] as number;
    this.counts[b] = n + 1;
    if (n === 0) this.onEdge(b, true);
  }

  private dec(mac: Mac): void {
    const b = this.bucketOf(mac);
    const n = (this.counts[b] as number) - 1;
    this.counts[b] = n;
    if (n === 0) this.onEdge(b, false);
  }
}
