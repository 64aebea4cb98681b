// The unresolved queue: ipmr_cache_unresolved (queue a datagram that has no entry, asking the
// daemon once per (S,G)), the expiry timer (ipmr_expire_process) and the replay order of
// ipmr_cache_resolve. The same in net/ipv6/ip6mr.c. Current kernels have no limit on the number
// of unresolved entries (older ones refused an 11th: cache_resolve_queue_len >= 10).
import { type RouteFaultSet, UNRES_FIFTH_QUEUED, UNRES_FORWARD_AFTER_EXPIRY, UNRES_REPLAY_REORDERED } from './faults.ts';
import { UNRES_EXPIRY_MS, UNRES_QLEN_MAX } from './limits.ts';
import type { Datagram, MrTable, UnresEntry } from './table.ts';
import type { RouteVerdict } from './types.ts';

/**
 * ipmr_cache_unresolved. `report` queues the NOCACHE upcall and returns false when there is no
 * mroute socket (ipmr_cache_report -> -EINVAL), which throws the new entry out again.
 */
export function ipmr_cache_unresolved(
  t: MrTable,
  vifi: number,
  d: Datagram,
  now: number,
  report: (vif: number, d: Datagram) => boolean,
  faults: RouteFaultSet,
): RouteVerdict {
  let c = t.unres.find((u) => u.group.value === d.group.value && u.origin.value === d.src.value);
  if (!c) {
    const fresh: UnresEntry = { origin: d.src, group: d.group, expires: now + UNRES_EXPIRY_MS, queue: [] };
    // Reflect first query at mrouted.
    if (!report(vifi, d)) return 'no-socket';
    t.unres.unshift(fresh);
    c = fresh;
  }
  // "See if we can append the packet": qlen > 3 drops (-ENOBUFS).
  const limit = faults.has(UNRES_FIFTH_QUEUED) ? UNRES_QLEN_MAX + 1 : UNRES_QLEN_MAX;
  if (c.queue.length > limit) return 'queue-full';
  c.queue.push(d);
  return 'queued';
}

/** ipmr_expire_process: entries whose expiry is not after `now` are destroyed with their datagrams. */
export function ipmr_expire_process(t: MrTable, now: number, faults: RouteFaultSet): UnresEntry[] {
  if (faults.has(UNRES_FORWARD_AFTER_EXPIRY)) return [];
  const expired = t.unres.filter((u) => !(u.expires > now));
  for (const u of expired) t.unres.splice(t.unres.indexOf(u), 1);
  return expired;
}

/** ipmr_cache_resolve: the queued datagrams in the order they are played through ip_mr_forward. */
export function ipmr_cache_resolve_order(uc: UnresEntry, faults: RouteFaultSet): Datagram[] {
  const q = [...uc.queue]; // __skb_dequeue: head first, i.e. arrival order
  return faults.has(UNRES_REPLAY_REORDERED) ? q.reverse() : q;
}
