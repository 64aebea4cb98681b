// Benchmark 2: scale. n joins then n leaves on one interface, IPv4 and IPv6 mixed (IPv4 sockets
// hold at most 20 memberships each: igmp_max_memberships), with rx-mode programming after each
// change as the host does it; the same with n `ip maddr add` then del; the oracle on the same
// steps. Linear cost means 10x the work within ~11x the time. Each size is timed warm, the best
// of several runs (one run of a small size also times the JIT's start, which made 10x look
// cheaper than it is); beside them, in the same run, the floor a C hash table sets (bench/c/scale.c).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Host } from '../src/host/host.ts';
import { Oracle } from '../src/oracle/index.ts';
import type { InterfaceSpec, Step } from '../src/scenario/types.ts';
import { ipFromValue } from '../src/wire/ip.ts';
import { seconds } from './data.ts';

export const SCALE_SIZES = [1000, 10000, 100000] as const;
const IFACE: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], ipv6: ['2001:db8::2/64'], nic: 'hash64' };
/**
 * The next size is not run when the growth measured so far (the exponent between the last two
 * sizes, or linear from the first) predicts more than this: a quadratic case at 100,000 would
 * take hours. The prediction is reported instead.
 */
const PREDICTED_LIMIT_SECONDS = 60;

function predict(times: readonly { n: number; t: number }[], n: number): number {
  const last = times.at(-1);
  if (!last) return 0;
  const prev = times.at(-2);
  const exponent = prev && prev.t > 0 && last.t > 0 ? Math.max(1, Math.log(last.t / prev.t) / Math.log(last.n / prev.n)) : 1;
  return last.t * (n / last.n) ** exponent;
}

export interface ScaleRow {
  readonly workload: string;
  readonly n: number;
  readonly modelSeconds: number | null;
  readonly oracleSeconds: number | null;
  readonly maxRssMiB: number;
  readonly note: string;
  /** The C floor at this n (seconds for n inserts + n deletes), null without a compiler. */
  readonly cSeconds: number | null;
}

function joinSteps(n: number): Step[] {
  const steps: Step[] = [];
  const v4 = Math.ceil(n / 2);
  const v6 = n - v4;
  const v4Sockets = Math.ceil(v4 / 20);
  for (let s = 0; s < v4Sockets; s++) steps.push({ op: 'open', socket: `a${s}`, family: 'ipv4', bind: '0.0.0.0', port: 5000 });
  steps.push({ op: 'open', socket: 'b0', family: 'ipv6', bind: '::', port: 5000 });
  const groups: [string, string][] = [];
  for (let i = 0; i < v4; i++) groups.push([`a${Math.floor(i / 20)}`, ipFromValue('ipv4', BigInt(0xe8000000 + i + 1)).text]);
  for (let i = 0; i < v6; i++) groups.push(['b0', ipFromValue('ipv6', (0xff0en << 112n) | BigInt(i + 1)).text]);
  for (const [socket, group] of groups) steps.push({ op: 'join', socket, group, iface: 'eth0' });
  for (const [socket, group] of groups) steps.push({ op: 'leave', socket, group, iface: 'eth0' });
  return steps;
}

function maddrSteps(n: number): Step[] {
  const macs = Array.from({ length: n }, (_, i) => `01:00:5e:${((i >> 16) & 0x7f).toString(16).padStart(2, '0')}:${((i >> 8) & 0xff).toString(16).padStart(2, '0')}:${(i & 0xff).toString(16).padStart(2, '0')}`);
  return [...macs.map((mac): Step => ({ op: 'maddr', iface: 'eth0', mac, add: true })), ...macs.map((mac): Step => ({ op: 'maddr', iface: 'eth0', mac, add: false }))];
}

/** Runs of each size; the best one counts (a large size is run fewer times: it takes seconds). */
const repeats = (n: number): number => (n >= 100_000 ? 3 : n >= 10_000 ? 5 : 10);

function time(run: (steps: readonly Step[]) => void, steps: readonly Step[], n: number): number {
  let best = Infinity;
  for (let r = 0; r < repeats(n); r++) {
    const t0 = process.hrtime.bigint();
    run(steps);
    best = Math.min(best, seconds(t0));
  }
  return best;
}

/**
 * The C floor: n inserts then n deletes of 48-bit keys in an open-addressing table, nothing else
 * per step, best of 20 (bench/c/scale.c, cc -O2). Its 10x growth is what the memory hierarchy
 * alone costs on this machine once a table outgrows a cache; null without a C compiler.
 */
export function cScaleFloor(sizes: readonly number[]): Map<number, number> | null {
  const dir = mkdtempSync(join(tmpdir(), 'mcast-bench-'));
  try {
    const exe = join(dir, 'scale');
    try {
      execFileSync('cc', ['-O2', '-o', exe, join(import.meta.dirname, 'c', 'scale.c')], { stdio: 'pipe' });
    } catch {
      return null;
    }
    const out = execFileSync(exe, sizes.map(String), { encoding: 'utf8' });
    return new Map(out.trim().split('\n').map((l) => { const [n, ms] = l.split(' '); return [Number(n), Number(ms) / 1000]; }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const model = (steps: readonly Step[]) => {
  const h = new Host([IFACE]);
  for (const s of steps) h.apply(s);
};
const oracle = (steps: readonly Step[]) => {
  const o = new Oracle([IFACE]);
  for (const s of steps) o.apply(s);
};

export function runScale(log: (l: string) => void, sizes: readonly number[] = SCALE_SIZES): ScaleRow[] {
  const rows: ScaleRow[] = [];
  const floor = cScaleFloor(sizes);
  log(`scale C floor: ${floor === null ? 'no C compiler' : [...floor].map(([n, t]) => `n=${n} ${(t * 1000).toFixed(3)} ms`).join(', ')}`);
  for (const [workload, make] of [['joins+leaves', joinSteps], ['maddr add+del', maddrSteps]] as const) {
    // Untimed: the JIT's start is not a cost of the smallest size.
    const warm = make(1000);
    model(warm);
    oracle(warm);
    const modelTimes: { n: number; t: number }[] = [];
    const oracleTimes: { n: number; t: number }[] = [];
    let skippedModel = false;
    let skippedOracle = false;
    for (const n of sizes) {
      const steps = make(n);
      const pm = predict(modelTimes, n);
      const po = predict(oracleTimes, n);
      skippedModel ||= pm > PREDICTED_LIMIT_SECONDS;
      skippedOracle ||= po > PREDICTED_LIMIT_SECONDS;
      const m = skippedModel ? null : time(model, steps, n);
      const o = skippedOracle ? null : time(oracle, steps, n);
      if (m !== null) modelTimes.push({ n, t: m });
      if (o !== null) oracleTimes.push({ n, t: o });
      const note = [
        skippedModel ? `model not run: the growth so far predicts ${pm > 1e5 ? 'over a day' : `${Math.round(pm)} s`}` : '',
        skippedOracle ? `oracle not run: the growth so far predicts ${po > 1e5 ? 'over a day' : `${Math.round(po)} s`}` : '',
      ]
        .filter(Boolean)
        .join('; ');
      const row = { workload, n, modelSeconds: m, oracleSeconds: o, maxRssMiB: process.resourceUsage().maxRSS / 1024, note, cSeconds: floor?.get(n) ?? null };
      rows.push(row);
      log(`scale ${workload} n=${n}: model ${m === null ? '-' : m.toFixed(2)} s, oracle ${o === null ? '-' : o.toFixed(2)} s, max RSS ${row.maxRssMiB.toFixed(0)} MiB${note ? ` (${note})` : ''}`);
    }
  }
  return rows;
}
