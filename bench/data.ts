// Deterministic inputs shared by the TypeScript benchmarks and the C reference (bench/c):
// the same 32-bit LCG (Numerical Recipes: x = 1664525 x + 1013904223 mod 2^32) gives the same
// programmed lists and the same destination MACs in both languages.
import { type Mac, macFromBytes } from '../src/wire/mac.ts';

export class Lcg {
  constructor(private x = 0x2545f491) {}
  next(): number {
    this.x = (Math.imul(this.x, 1664525) + 1013904223) >>> 0;
    return this.x;
  }
}

/** n distinct IPv4-mapped group MACs 01:00:5e:xx:xx:xx (low 23 bits from the LCG, seed 1). */
export function groupList(n: number): Mac[] {
  const g = new Lcg(1);
  const seen = new Set<number>();
  const out: Mac[] = [];
  while (out.length < n) {
    const v = g.next() >>> 9;
    if (seen.has(v)) continue;
    seen.add(v);
    out.push(macFromBytes([0x01, 0x00, 0x5e, v >> 16, (v >> 8) & 0xff, v & 0xff]));
  }
  return out;
}

/**
 * n destination MACs (seed 2): one in four a listed group (so accept paths run), the rest
 * random 01:00:5e groups, 33:33 groups and unicast, as in bench/c/lookups.c.
 */
export function destinations(n: number, list: readonly Mac[]): Mac[] {
  const g = new Lcg(2);
  const out: Mac[] = new Array<Mac>(n);
  for (let i = 0; i < n; i++) {
    const a = g.next();
    const b = g.next();
    // The high bits: an LCG's low bits have short periods.
    const kind = a >>> 30;
    if (kind === 0 && list.length > 0) out[i] = list[b % list.length] as Mac;
    else if (kind === 1) out[i] = macFromBytes([0x01, 0x00, 0x5e, (b >>> 16) & 0x7f, (b >>> 8) & 0xff, b & 0xff]);
    else if (kind === 2) out[i] = macFromBytes([0x33, 0x33, b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff]);
    else out[i] = macFromBytes([0x02, (a >>> 8) & 0xff, b >>> 24, (b >>> 16) & 0xff, (b >>> 8) & 0xff, b & 0xff]);
  }
  return out;
}

/** Median of the values. */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
}

export function seconds(start: bigint): number {
  return Number(process.hrtime.bigint() - start) / 1e9;
}

/** CPU seconds (user + system) of this process since `start` (a process.cpuUsage()): on a machine whose cores are shared it counts this process's work, as the C reference's CLOCK_PROCESS_CPUTIME_ID does. */
export function cpuSeconds(start: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(start);
  return (d.user + d.system) / 1e6;
}
