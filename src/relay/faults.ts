// Faults of the multicast relay (issue 12), named like src/faults.ts names the model's faults.
// They are not in that catalog yet: the lead adds them when the relay joins the scenarios. Each
// lives at one place in src/relay and is caught by a property in test/relay.

export const RELAY_DROPS_LAST_UPDATE = 'relay-drops-last-update';
export const RELAY_TRUNCATES_LIST = 'relay-truncates-list';
export const UNSYNC_REMOVES_USED = 'unsync-removes-used';
export const MACVLAN_ALLMULTI_WHILE_DOWN = 'macvlan-allmulti-while-down';

export const RELAY_FAULTS = {
  [RELAY_DROPS_LAST_UPDATE]:
    'kni-mc: a device-list change made while a request is on the KNI rings is not marked dirty, so the PMD keeps the older list',
  [RELAY_TRUNCATES_LIST]:
    'kni-mc / tap-relay: a list the sync area or the PMD table cannot hold is cut to what fits instead of falling back to all-multicast',
  [UNSYNC_REMOVES_USED]: "stacked: dev_mc_unsync drops the lower's entry whole, even while another device still holds it",
  [MACVLAN_ALLMULTI_WHILE_DOWN]: "stacked: a down macvlan's ALLMULTI / PROMISC change is counted on the lower device",
} as const;

export type RelayFaultName = keyof typeof RELAY_FAULTS;
/** What the relay consults; a FaultSet of src/faults.ts with the relay's names also fits. */
export type RelayFaultSet = ReadonlySet<string>;
export const NO_RELAY_FAULTS: RelayFaultSet = new Set<string>();

export function isRelayFaultName(name: string): name is RelayFaultName {
  return Object.hasOwn(RELAY_FAULTS, name);
}
