// The MFC verbs: ipmr_mfc_add, ipmr_mfc_delete, ipmr_update_thresholds and the (*,G) / (*,*)
// lookups of net/ipv4/ipmr_base.c (mr_mfc_find_any, mr_mfc_find_any_parent). MRT_ADD_MFC and
// MRT_DEL_MFC look entries up with parent -1 (any entry of the (origin, group), the newest);
// MRT_ADD_MFC_PROXY / MRT_DEL_MFC_PROXY with mfcc_parent, so one (origin, group) may hold one
// entry per parent (ip_mroute_setsockopt: `parent = -1` for the plain options only).
import type { Errno } from '../errors.ts';
import type { IpAddr } from '../wire/index.ts';
import { isAny, routeAddr, validMfcGroup } from './address.ts';
import { MFC_KEYED_BY_SG, TTL_255_FORWARDED, type RouteFaultSet } from './faults.ts';
import { MAXVIFS, MIF_SET_THRESHOLD, TTL_NOT_OUTPUT } from './limits.ts';
import { type MfcEntry, type MrTable, type UnresEntry, noOutputs } from './table.ts';
import type { MfcSpec } from './types.ts';

/** The ttls[] a spec asks for: IPv4 mfcc_ttls as given, IPv6 1 for each member of the set (ip6mr_mfc_add). */
export function requestedTtls(family: MrTable['family'], spec: MfcSpec): number[] {
  const ttls = new Array<number>(MAXVIFS).fill(0);
  if (family === 'ipv4') (spec.ttls ?? []).slice(0, MAXVIFS).forEach((t, v) => (ttls[v] = t));
  else {
    ttls.fill(TTL_NOT_OUTPUT);
    for (const v of spec.oifs ?? []) if (v >= 0 && v < MAXVIFS) ttls[v] = MIF_SET_THRESHOLD;
  }
  return ttls;
}

/**
 * ipmr_update_thresholds: every vif starts "not an output" (255); an existing vif below maxvif
 * with a requested TTL in 1..254 becomes an output with that threshold. 0, 255 and vifs that do
 * not exist stay 255.
 */
export function ipmr_update_thresholds(t: MrTable, c: MfcEntry, ttls: readonly number[], faults: RouteFaultSet): void {
  c.minvif = MAXVIFS;
  c.maxvif = 0;
  c.ttls = noOutputs();
  const top = faults.has(TTL_255_FORWARDED) ? TTL_NOT_OUTPUT + 1 : TTL_NOT_OUTPUT;
  for (let v = 0; v < t.maxvif; v++) {
    const ttl = ttls[v] ?? 0;
    if (t.vifExists(v) && ttl > 0 && ttl < top) {
      c.ttls[v] = Math.min(ttl, TTL_NOT_OUTPUT - 1);
      if (c.minvif > v) c.minvif = v;
      if (c.maxvif <= v) c.maxvif = v + 1;
    }
  }
}

/** ipmr_mfc_add. Returns the unresolved entry it resolves, for ipmr_cache_resolve to replay. */
export function ipmr_mfc_add(
  t: MrTable,
  spec: MfcSpec,
  mrtsock: boolean,
  faults: RouteFaultSet,
  parent = -1,
): { error: Errno | null; resolved?: UnresEntry; entry?: MfcEntry } {
  // mfcc_parent is a vifi_t (unsigned short): >= MAXVIFS -> -ENFILE.
  if (spec.parent < 0 || spec.parent >= MAXVIFS) return { error: 'ENFILE' };
  const origin = routeAddr(spec.origin);
  const group = routeAddr(spec.group);
  const ttls = requestedTtls(t.family, spec);
  // The fault: the proxy call finds its entry by (S,G) alone, as the plain one does (the class of
  // https://github.com/troglobit/smcroute/issues/89: one route per (S,G) survives).
  const existing = t.findEntry(origin, group, faults.has(MFC_KEYED_BY_SG) ? -1 : parent);
  if (existing) {
    // Replaced in place: parent and thresholds change, counters stay.
    existing.parent = spec.parent;
    ipmr_update_thresholds(t, existing, ttls, faults);
    if (!mrtsock) existing.isStatic = true;
    return { error: null, entry: existing };
  }
  if (!validMfcGroup(group)) return { error: 'EINVAL' };
  const c: MfcEntry = {
    origin,
    group,
    parent: spec.parent,
    ttls: noOutputs(),
    minvif: MAXVIFS,
    maxvif: 0,
    pkt: 0,
    bytes: 0,
    wrongIf: 0,
    // ipmr_cache_alloc: last_assert = jiffies - MFC_ASSERT_THRESH - 1, so the first assert may fire.
    lastAssert: Number.NEGATIVE_INFINITY,
    isStatic: !mrtsock,
  };
  ipmr_update_thresholds(t, c, ttls, faults);
  t.mfc.push(c);
  const i = t.unres.findIndex((u) => u.origin.value === origin.value && u.group.value === group.value);
  if (i < 0) return { error: null, entry: c };
  const [resolved] = t.unres.splice(i, 1);
  return { error: null, resolved, entry: c };
}

/** ipmr_mfc_delete: no entry for (origin, group) with that parent (-1: any) -> ENOENT. */
export function ipmr_mfc_delete(t: MrTable, origin: IpAddr, group: IpAddr, parent = -1): Errno | null {
  const c = t.findEntry(origin, group, parent);
  if (!c) return 'ENOENT';
  t.mfc.splice(t.mfc.indexOf(c), 1);
  return null;
}

/** mr_mfc_find_any_parent: the (*,*) entry for which `vifi` is an output (ttls < 255). */
export function mr_mfc_find_any_parent(t: MrTable, vifi: number): MfcEntry | undefined {
  return t.newestFirst().find((c) => isAny(c.origin) && isAny(c.group) && vifi >= 0 && (c.ttls[vifi] ?? TTL_NOT_OUTPUT) < TTL_NOT_OUTPUT);
}

/**
 * ipmr_cache_find_any / mr_mfc_find_any: the first (*,G) entry (newest first) for which `vifi` is
 * an output or an output of the (*,*) entry of its parent; otherwise the (*,*) entry that lists `vifi`.
 */
export function ipmr_cache_find_any(t: MrTable, group: IpAddr, vifi: number): MfcEntry | undefined {
  if (isAny(group)) return mr_mfc_find_any_parent(t, vifi);
  for (const c of t.newestFirst().filter((e) => isAny(e.origin) && e.group.value === group.value)) {
    if ((c.ttls[vifi] ?? TTL_NOT_OUTPUT) < TTL_NOT_OUTPUT) return c;
    // "It's ok if the vifi is part of the static tree" (mr_mfc_find_any).
    const proxy = mr_mfc_find_any_parent(t, c.parent);
    if (proxy && (proxy.ttls[vifi] ?? TTL_NOT_OUTPUT) < TTL_NOT_OUTPUT) return c;
  }
  return mr_mfc_find_any_parent(t, vifi);
}
