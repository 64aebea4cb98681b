// Faults of the multicast-routing model (issue 13), named like src/faults.ts names the model's
// faults. The lead adds them to that catalog when routing joins the scenarios; each lives at one
// place in src/route and is caught by a property in test/route (test/route/faults.test.ts).

export const TTL_THRESHOLD_GE = 'ttl-threshold-ge';
export const TTL_255_FORWARDED = 'ttl-255-forwarded';
export const UNRES_FIFTH_QUEUED = 'unres-fifth-queued';
export const UNRES_FORWARD_AFTER_EXPIRY = 'unres-forward-after-expiry';
export const UNRES_REPLAY_REORDERED = 'unres-replay-reordered';
export const VIF_NO_ALLMULTI = 'vif-no-allmulti';

export const ROUTE_FAULTS = {
  [TTL_THRESHOLD_GE]: "ip_mr_forward sends on a vif when the TTL is >= its threshold instead of > (a TTL equal to the threshold leaks)",
  [TTL_255_FORWARDED]: 'ipmr_update_thresholds keeps a vif given TTL 255 as an output (threshold 254) instead of "not an output"',
  [UNRES_FIFTH_QUEUED]: 'ipmr_cache_unresolved queues a fifth datagram on an unresolved entry (qlen > 4 instead of qlen > 3)',
  [UNRES_FORWARD_AFTER_EXPIRY]: 'unresolved entries never expire: datagrams older than 10 s are still forwarded when the entry is added',
  [UNRES_REPLAY_REORDERED]: 'ipmr_cache_resolve replays the queued datagrams newest first instead of in arrival order',
  [VIF_NO_ALLMULTI]: "vif_add does not raise the device's allmulti count (and vif_delete does not lower it)",
} as const;

export type RouteFaultName = keyof typeof ROUTE_FAULTS;
/** What src/route consults; a FaultSet of src/faults.ts holding these names also fits. */
export type RouteFaultSet = ReadonlySet<string>;
export const NO_ROUTE_FAULTS: RouteFaultSet = new Set<string>();

export function isRouteFaultName(name: string): name is RouteFaultName {
  return Object.hasOwn(ROUTE_FAULTS, name);
}
