// Faults of the multicast relay and the stacked devices (issue 12). The relay's two are in the
// catalog of src/faults.ts (check runs kni-mc); the stacked devices' two are caught by the
// properties of test/relay/stacked.test.ts until stacked devices join the scenarios. Each lives
// at one place in src/relay.
import { FAULTS } from '../faults.ts';

export const RELAY_DROPS_LAST_UPDATE = 'relay-drops-last-update';
export const RELAY_TRUNCATES_LIST = 'relay-truncates-list';
export const UNSYNC_REMOVES_USED = 'unsync-removes-used';
export const MACVLAN_ALLMULTI_WHILE_DOWN = 'macvlan-allmulti-while-down';

export const RELAY_FAULTS = {
  [RELAY_DROPS_LAST_UPDATE]: FAULTS[RELAY_DROPS_LAST_UPDATE],
  [RELAY_TRUNCATES_LIST]: FAULTS[RELAY_TRUNCATES_LIST],
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
