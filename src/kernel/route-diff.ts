// The routing differential: the same routing operations on the live kernel (route-bench.ts) and in
// the model (src/route); per operation the errno, the forwarded copies (datagram id, interface,
// TTL) and the upcalls (type, vif, source, group, and every byte the model can know); after the
// scenario the four /proc/net/ip*_mr_* texts and the allmulti count of each router interface.
// Differences are shrunk on the kernel by fast-check. Not run on the kernel: `tick` (scenario time
// would need real sleeps of 3 and 10 s) and TTL 0 (a Linux sender never puts a multicast datagram
// with TTL / hop limit 0 on the wire: ip_mc_output, ip6_finish_output2), so those are adapted.
import fc from 'fast-check';
import type { RouteFaultSet } from '../route/faults.ts';
// The shared arbitraries name the interfaces eth0..eth2, like the router namespace's.
import { ROUTER_SETUP, forwardBurst, queueBurst, routeOps } from '../route/arbitraries.ts';
import { MulticastRouter } from '../route/router.ts';
import { procCache, procVif } from '../route/proc.ts';
import type { ForwardedCopy, RouteFamily, RouteInputResult, RouteOp, Upcall } from '../route/types.ts';
import { parseUpcall } from '../route/upcall.ts';
import { ROUTER_IFACES, RouteBench, type KernelOpResult, routerAddress } from './route-bench.ts';

const MSGTYPE_NAMES: Readonly<Record<number, string>> = { 1: 'NOCACHE', 2: 'WRONGVIF', 3: 'WHOLEPKT', 4: 'WRVIFWHOLE' };
const SHORT_PAYLOAD = 16;
const LONG_DATAGRAM = 1200;

export interface RouteDifference {
  readonly ops: readonly RouteOp[];
  readonly step: number | 'end';
  readonly what: string;
  readonly model: unknown;
  readonly kernel: unknown;
}

/**
 * Real-time ticks are multiples of 700 ms, so every sum of them stays at least 200 ms away from the
 * 3 s assert interval and the 10 s expiry (2800 / 3500, 9800 / 10500): jitter cannot cross a boundary.
 */
export function realTick(ms: number): number {
  return ms < 2_000 ? 700 : ms < 7_000 ? 3_500 : 10_500;
}

/**
 * The scenario as the kernel can run it: TTL 0 sent as 1, lengths between a 16-byte payload and
 * LONG_DATAGRAM; ticks dropped, or
 * with `realTicks` kept as real sleeps of realTick(ms).
 */
export function forKernel(ops: readonly RouteOp[], realTicks = false): RouteOp[] {
  return ops.flatMap((o): RouteOp[] => {
    if (o.op === 'tick') return realTicks ? [{ op: 'tick', ms: realTick(o.ms) }] : [];
    if (o.op !== 'send') return [o];
    const header = o.group.includes(':') ? 48 : 28;
    // The payload carries the id: at least SHORT_PAYLOAD bytes; at most LONG_DATAGRAM in all (one veth frame).
    return [{ ...o, ttl: Math.max(o.ttl, 1), length: Math.min(LONG_DATAGRAM, Math.max(o.length, header + SHORT_PAYLOAD)) }];
  });
}

interface Observed {
  readonly error: string | null;
  /** mrt-get's value, null for other operations. */
  readonly value: number | null;
  readonly copies: string[];
  readonly upcalls: string[];
}

/** Copies grouped by interface, in the order each interface sent them (so a replay's order shows). */
const byIface = (copies: { iface: string; key: string }[]): string[] =>
  [...copies].sort((a, b) => a.iface.localeCompare(b.iface)).map((c) => c.key);
const copyKey = (id: string, c: { iface: string; ttl: number }): string => `${id} ${c.iface} ttl ${c.ttl}`;
const upcallKey = (type: string, vif: number, src: string, group: string): string => `${type} vif ${vif} ${src} > ${group}`;

function modelOp(r: MulticastRouter, op: RouteOp): { observed: Observed; upcalls: Upcall[] } {
  const from = (list: { id: string; result: RouteInputResult }[], error: string | null, value: number | null = null) => {
    const upcalls = list.flatMap((x) => [...x.result.upcalls]);
    return {
      observed: {
        error,
        value,
        copies: byIface(list.flatMap((x) => x.result.forwarded.map((c: ForwardedCopy) => ({ iface: c.iface, key: copyKey(x.id, c) })))),
        upcalls: upcalls.map((u) => upcallKey(u.type, u.vif, u.src, u.group)).sort(),
      },
      upcalls,
    };
  };
  switch (op.op) {
    case 'send':
      return from([{ id: op.id, result: r.input(op) }], null);
    case 'mfc-add': {
      const res = r.mfcAdd(op.socket, op, op.proxy === true);
      return from((res.replayed ?? []).map((x) => ({ id: x.datagram.id, result: x.result })), res.error);
    }
    case 'tick':
      r.tick(op.ms);
      return from([], null);
    case 'link-del':
      r.unregisterDevice(op.iface);
      return from([], null);
    case 'mrt-init':
      return from([], r.mrtInit(op.socket, op.family, op.proto, op.optlen).error);
    case 'mrt-get': {
      const res = r.mrtGet(op.socket, op.option);
      return from([], res.error, res.value ?? null);
    }
    case 'mrt-open':
      return from([], r.mrtOpen(op.socket, op.family, op.proto).error);
    case 'mrt-assert':
      return from([], r.mrtAssert(op.socket, op.on).error);
    case 'mrt-done':
      return from([], r.mrtDone(op.socket).error);
    case 'mrt-pim':
      return from([], r.mrtPim(op.socket, op.value).error);
    case 'mrt-version':
      return from([], r.mrtVersion(op.socket).error);
    case 'mrt-flush':
      return from([], r.mrtFlush(op.socket, op.flags).error);
    case 'close':
      return from([], r.close(op.socket).error);
    case 'vif-add':
      return from([], r.vifAdd(op.socket, op).error);
    case 'vif-del':
      return from([], r.vifDel(op.socket, op.vif).error);
    case 'mfc-del':
      return from([], r.mfcDel(op.socket, op.origin, op.group, op.proxy === true ? { parent: op.parent ?? 0 } : undefined).error);
  }
}

function kernelObserved(k: KernelOpResult): Observed {
  return {
    error: k.error,
    value: k.value ?? null,
    copies: byIface(k.copies.map((c) => ({ iface: c.iface, key: copyKey(c.id, c) }))),
    upcalls: k.upcalls
      .map((u) => {
        const p = parseUpcall(u.family, u.raw);
        return upcallKey(MSGTYPE_NAMES[p.msgtype] ?? `type ${p.msgtype}`, p.vif, addrText(u.family, p.src), addrText(u.family, p.group));
      })
      .sort(),
  };
}

function addrText(family: RouteFamily, v: bigint): string {
  if (family === 'ipv4') return [24n, 16n, 8n, 0n].map((s) => String((v >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => ((v >> BigInt(112 - 16 * i)) & 0xffffn).toString(16));
  // RFC 5952: the longest run (>= 2) of zero groups becomes "::".
  let best = [-1, 0];
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > (best[1] as number) && j - i >= 2) best = [i, j - i];
    i = j;
  }
  if ((best[0] as number) < 0) return groups.join(':');
  const [at, len] = best as [number, number];
  return `${groups.slice(0, at).join(':')}::${groups.slice(at + len).join(':')}`;
}

/** Bytes of each upcall the model predicts (non-null, neither uninitialised nor the sender's) against the kernel's. */
function byteDifference(model: readonly Upcall[], kernel: KernelOpResult): string | null {
  const key = (u: Upcall) => upcallKey(u.type, u.vif, u.src, u.group);
  const ms = [...model].sort((a, b) => key(a).localeCompare(key(b)));
  const ks = [...kernel.upcalls].sort((a, b) => {
    const pa = parseUpcall(a.family, a.raw);
    const pb = parseUpcall(b.family, b.raw);
    return upcallKey(MSGTYPE_NAMES[pa.msgtype] ?? '', pa.vif, addrText(a.family, pa.src), addrText(a.family, pa.group)).localeCompare(
      upcallKey(MSGTYPE_NAMES[pb.msgtype] ?? '', pb.vif, addrText(b.family, pb.src), addrText(b.family, pb.group)),
    );
  });
  for (let i = 0; i < ms.length; i++) {
    const m = ms[i] as Upcall;
    const k = ks[i]?.raw;
    if (!k) return null; // the count differs: reported by the key comparison
    if (k.length !== m.bytes.length) return `${key(m)}: kernel message of ${k.length} bytes, model ${m.bytes.length}`;
    for (let b = 0; b < m.bytes.length; b++) {
      const want = m.bytes[b];
      if (want !== null && want !== undefined && k[b] !== want) return `${key(m)}: byte ${b} kernel ${k[b]} model ${want}`;
    }
  }
  return null;
}

/**
 * Runs one scenario on both sides (after adapting it with forKernel); null when they agree. The
 * kernel runs the whole scenario as one batch (one round trip to a guest), then the model walks
 * it step by step: the first differing step is reported.
 */
export async function diffRouteScenario(bench: RouteBench, scenario: readonly RouteOp[], faults?: RouteFaultSet, realTicks = false): Promise<RouteDifference | null> {
  const ops = forKernel(scenario, realTicks);
  const model = new MulticastRouter(
    ROUTER_IFACES.map((name, i) => ({ name, ifindex: bench.ifindex.get(name) ?? -1, ipv4: [routerAddress(i)] })),
    { faults },
  );
  try {
    const kernel = await kernelRun(bench, ops);
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i] as RouteOp;
      const m = modelOp(model, op);
      const k = kernel[i] as KernelOpResult;
      const ko = kernelObserved(k);
      for (const field of ['error', 'value', 'copies', 'upcalls'] as const) {
        if (JSON.stringify(m.observed[field]) !== JSON.stringify(ko[field])) {
          return { ops, step: i, what: field, model: m.observed[field], kernel: ko[field] };
        }
      }
      const bytes = byteDifference(m.upcalls, k);
      if (bytes) return { ops, step: i, what: 'upcall bytes', model: bytes, kernel: bytes };
    }
    const state = await bench.state();
    const modelProc = {
      ip_mr_vif: procVif(model.table('ipv4')),
      ip_mr_cache: procCache(model.table('ipv4')),
      ip6_mr_vif: procVif(model.table('ipv6')),
      ip6_mr_cache: procCache(model.table('ipv6')),
    };
    for (const f of Object.keys(modelProc) as (keyof typeof modelProc)[]) {
      if (modelProc[f] !== state.proc[f]) return { ops, step: 'end', what: `/proc/net/${f}`, model: modelProc[f], kernel: state.proc[f] };
    }
    for (const iface of ROUTER_IFACES) {
      // A deleted interface has no count on either side ("absent").
      const m = model.hasDevice(iface) ? model.allmulti(iface) : 'absent';
      const k = state.allmulti[iface] ?? 'absent';
      if (m !== k) return { ops, step: 'end', what: `allmulti ${iface}`, model: m, kernel: k };
    }
    return null;
  } finally {
    await bench.reset();
  }
}

/** Kernel runs of one scenario at most, while its receive processing is squeezed (RouteBench.applyChecked). */
const SQUEEZE_ATTEMPTS = 4;

/**
 * The scenario on the kernel; run again (after a reset) while the kernel's receive processing ran
 * out of time during it, at most SQUEEZE_ATTEMPTS times: a loaded machine (a TCG guest above all)
 * can leave a datagram's copies or upcalls for after the drains of its step. The last run counts.
 */
async function kernelRun(bench: RouteBench, ops: readonly RouteOp[]): Promise<KernelOpResult[]> {
  for (let attempt = 1; ; attempt++) {
    const { results, squeezed } = await bench.applyChecked(ops);
    if (!squeezed || attempt >= SQUEEZE_ATTEMPTS) return results;
    bench.squeezedRuns++;
    await bench.reset();
  }
}

export interface RouteDiffOptions {
  readonly runs: number;
  readonly seed?: number;
  readonly maxOps?: number;
  readonly faults?: RouteFaultSet;
  /** Run ticks as real sleeps (slow: seconds per scenario) instead of dropping them. */
  readonly realTicks?: boolean;
  /** Called as each generated scenario starts (progress display). */
  readonly onRun?: () => void;
}

export interface RouteDiffReport {
  readonly runs: number;
  readonly seed: number;
  readonly difference: RouteDifference | null;
}

/** Random scenarios (half of them starting from two routing sockets with vifs 0..2) on both sides; a difference is shrunk on the kernel. */
export async function routeDiff(bench: RouteBench, options: RouteDiffOptions): Promise<RouteDiffReport> {
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x7fffffff);
  const ops = routeOps(options.maxOps ?? 30);
  const arb = fc.oneof(
    { weight: 2, arbitrary: ops },
    { weight: 4, arbitrary: ops.map((o) => [...ROUTER_SETUP, ...o]) },
    { weight: 1, arbitrary: queueBurst.map((o) => [...ROUTER_SETUP, ...o]) },
    { weight: 1, arbitrary: forwardBurst.map((o) => [...ROUTER_SETUP, ...o]) },
  );
  let last: RouteDifference | null = null;
  const pin = bench.pin();
  try {
    const details = await fc.check(
      fc.asyncProperty(arb, async (scenario) => {
        options.onRun?.();
        const d = await diffRouteScenario(bench, scenario, options.faults, options.realTicks);
        if (d) last = d;
        return d === null;
      }),
      { numRuns: options.runs, seed },
    );
    if (details.failed && !last) throw new Error(`route differential: the run failed without a difference: ${String(details.errorInstance)}`);
    return { runs: details.numRuns, seed, difference: details.failed ? last : null };
  } finally {
    pin.restore();
  }
}

export function describeDifference(d: RouteDifference): string {
  return [
    `route differential: ${d.what} differs at step ${d.step}`,
    `  model:  ${JSON.stringify(d.model)}`,
    `  kernel: ${JSON.stringify(d.kernel)}`,
    '  scenario:',
    ...d.ops.map((o, i) => `  ${String(i).padStart(3)} ${JSON.stringify(o)}`),
  ].join('\n');
}

