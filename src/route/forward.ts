// The forwarding decision: ip_mr_input (lookup, unresolved queue) and ip_mr_forward (wrong vif,
// asserts, TTL thresholds, counters) of net/ipv4/ipmr.c; ip6_mr_input / ip6_mr_forward of
// net/ipv6/ip6mr.c are the same with the hop limit.
import { isAny } from './address.ts';
import { type RouteFaultSet, TTL_THRESHOLD_GE } from './faults.ts';
import { MFC_ASSERT_THRESH_MS, REGISTER_DEVICE, TTL_NOT_OUTPUT } from './limits.ts';
import { ipmr_cache_find_any, mr_mfc_find_any_parent } from './mfc.ts';
import type { Datagram, MfcEntry, MrTable } from './table.ts';
import { ipmr_cache_unresolved } from './unres.ts';
import type { ForwardedCopy, RouteInputResult, RouteVerdict, UpcallType } from './types.ts';

export interface ForwardContext {
  readonly now: number;
  readonly faults: RouteFaultSet;
  /** ipmr_cache_report: queues an upcall on the mroute socket; false when there is none. */
  readonly report: (type: UpcallType, vif: number, d: Datagram) => boolean;
}

/** The verdict and copies of one pass through ip_mr_forward. */
interface Forwarding {
  readonly verdict: RouteVerdict;
  readonly forwarded: ForwardedCopy[];
}

/** ipmr_queue_xmit: counters of the out vif, one copy at TTL - 1; the register vif sends WHOLEPKT instead. */
function ipmr_queue_xmit(t: MrTable, vifi: number, d: Datagram, ctx: ForwardContext, out: ForwardedCopy[]): void {
  const vif = t.vifs[vifi];
  if (!vif) return; // a deleted vif still listed in ttls[]: the copy is freed, nothing counted
  vif.pktOut++;
  vif.bytesOut += d.length;
  if (vif.dev === REGISTER_DEVICE[t.family] && vifi === t.regVifNum) {
    ctx.report('WHOLEPKT', t.regVifNum, d);
    return;
  }
  out.push({ vif: vifi, iface: vif.dev, ttl: d.ttl - 1 });
}

const passes = (ttl: number, threshold: number, faults: RouteFaultSet): boolean =>
  faults.has(TTL_THRESHOLD_GE) ? ttl >= threshold : ttl > threshold;

/** ip_mr_forward for a datagram that matched entry `c` (also used by ipmr_cache_resolve). */
export function ip_mr_forward(t: MrTable, c: MfcEntry, d: Datagram, ctx: ForwardContext): Forwarding {
  const trueVifi = t.findVif(d.iface);
  const vif = c.parent;
  c.pkt++;
  c.bytes += d.length;
  let proxied = false;
  if (isAny(c.origin) && trueVifi >= 0) {
    // (*,G): enough that the incoming vif is part of the static tree.
    const proxy = mr_mfc_find_any_parent(t, vif);
    proxied = proxy !== undefined && (proxy.ttls[trueVifi] ?? TTL_NOT_OUTPUT) < TTL_NOT_OUTPUT;
  }
  if (!proxied && t.vifs[vif]?.dev !== d.iface) {
    // Wrong interface: drop and maybe assert (rate limited to one per MFC_ASSERT_THRESH per entry).
    c.wrongIf++;
    // With PIM on, the arrival vif need not be an output ("pimsm uses asserts, when switching
    // from RPT to SPT"); MRT_PIM 4 (IGMPMSG_WRVIFWHOLE) adds the whole packet after the assert.
    if (
      trueVifi >= 0 &&
      t.doAssert &&
      (t.doPim || (c.ttls[trueVifi] ?? TTL_NOT_OUTPUT) < TTL_NOT_OUTPUT) &&
      ctx.now > c.lastAssert + MFC_ASSERT_THRESH_MS
    ) {
      c.lastAssert = ctx.now;
      ctx.report('WRONGVIF', trueVifi, d);
      if (t.doWrvifwhole) ctx.report('WRVIFWHOLE', trueVifi, d);
    }
    return { verdict: 'wrong-vif', forwarded: [] };
  }
  const parentVif = t.vifs[vif];
  if (parentVif) {
    parentVif.pktIn++;
    parentVif.bytesIn += d.length;
  }
  const out: ForwardedCopy[] = [];
  if (isAny(c.origin) && isAny(c.group)) {
    // (*,*): a datagram not from the upstream goes to the upstream only.
    if (trueVifi >= 0 && trueVifi !== c.parent && passes(d.ttl, c.ttls[c.parent] ?? TTL_NOT_OUTPUT, ctx.faults)) {
      ipmr_queue_xmit(t, c.parent, d, ctx, out);
    }
    return { verdict: 'forwarded', forwarded: out };
  }
  // Highest vif first, as the kernel sends; (*,G) never back out the arriving vif, (S,G) may.
  for (let ct = c.maxvif - 1; ct >= c.minvif; ct--) {
    if ((!isAny(c.origin) || ct !== trueVifi) && passes(d.ttl, c.ttls[ct] ?? TTL_NOT_OUTPUT, ctx.faults)) {
      ipmr_queue_xmit(t, ct, d, ctx, out);
    }
  }
  return { verdict: 'forwarded', forwarded: out };
}

/**
 * ip_mr_input after the gate: the (S,G) entry, else the (*,G) / (*,*) entry for the arriving vif,
 * else the unresolved queue (only for a device with a vif; others are dropped, -ENODEV).
 */
export function ip_mr_input(t: MrTable, d: Datagram, ctx: ForwardContext): Omit<RouteInputResult, 'upcalls'> {
  let cache = t.findEntry(d.src, d.group);
  if (!cache) {
    const v = t.findVif(d.iface);
    if (v >= 0) cache = ipmr_cache_find_any(t, d.group, v);
  }
  if (!cache) {
    const v = t.findVif(d.iface);
    if (v < 0) return { verdict: 'not-routed', forwarded: [] };
    const verdict = ipmr_cache_unresolved(t, v, d, ctx.now, (vif, q) => ctx.report('NOCACHE', vif, q), ctx.faults);
    return { verdict, forwarded: [] };
  }
  return ip_mr_forward(t, cache, d, ctx);
}
