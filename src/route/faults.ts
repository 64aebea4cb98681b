// Faults of the multicast-routing model (issue 13), in the catalog of src/faults.ts (check's
// `route` property catches each); each lives at one place in src/route and is also caught by a
// property of its own in test/route (test/route/faults.test.ts).
import { FAULTS } from '../faults.ts';

export const TTL_THRESHOLD_GE = 'ttl-threshold-ge';
export const TTL_255_FORWARDED = 'ttl-255-forwarded';
export const UNRES_FIFTH_QUEUED = 'unres-fifth-queued';
export const UNRES_FORWARD_AFTER_EXPIRY = 'unres-forward-after-expiry';
export const UNRES_REPLAY_REORDERED = 'unres-replay-reordered';
export const VIF_NO_ALLMULTI = 'vif-no-allmulti';
export const MFC_KEYED_BY_SG = 'mfc-keyed-by-sg';

export const ROUTE_FAULTS = {
  [TTL_THRESHOLD_GE]: FAULTS[TTL_THRESHOLD_GE],
  [TTL_255_FORWARDED]: FAULTS[TTL_255_FORWARDED],
  [UNRES_FIFTH_QUEUED]: FAULTS[UNRES_FIFTH_QUEUED],
  [UNRES_FORWARD_AFTER_EXPIRY]: FAULTS[UNRES_FORWARD_AFTER_EXPIRY],
  [UNRES_REPLAY_REORDERED]: FAULTS[UNRES_REPLAY_REORDERED],
  [VIF_NO_ALLMULTI]: FAULTS[VIF_NO_ALLMULTI],
  [MFC_KEYED_BY_SG]: FAULTS[MFC_KEYED_BY_SG],
} as const;

export type RouteFaultName = keyof typeof ROUTE_FAULTS;
/** What src/route consults; a FaultSet of src/faults.ts holding these names also fits. */
export type RouteFaultSet = ReadonlySet<string>;
export const NO_ROUTE_FAULTS: RouteFaultSet = new Set<string>();

export function isRouteFaultName(name: string): name is RouteFaultName {
  return Object.hasOwn(ROUTE_FAULTS, name);
}
