// Faults of the multicast relay and the stacked devices (issue 12), and of the DPDK application
// under an exception path (issue 24; app-flag-clears-fallback from issue 25, DPDK/grout pull
// request 381), all in the catalog of src/faults.ts: the relay's two and the application's three
// live in src/relay (check runs kni-mc; the fallback-chain property runs
// the application over every DPDK port), the stacked devices' two at one place each in the
// host's macvlan (src/host/interface.ts) and in src/relay/stacked.ts.
import { FAULTS } from '../faults.ts';

export const RELAY_DROPS_LAST_UPDATE = 'relay-drops-last-update';
export const RELAY_TRUNCATES_LIST = 'relay-truncates-list';
export const UNSYNC_REMOVES_USED = 'unsync-removes-used';
export const MACVLAN_ALLMULTI_WHILE_DOWN = 'macvlan-allmulti-while-down';
/** The DPDK application's faults (src/relay/pmd-port.ts); pmd-flush-ignored lives in src/nic/ethdev.ts. */
export const APP_ENOTSUP_FATAL = 'app-enotsup-fatal';
export const APP_ALLMULTI_NEVER_OFF = 'app-allmulti-never-off';
export const APP_FLAG_CLEARS_FALLBACK = 'app-flag-clears-fallback';
/** libvirt's macvtap relay (src/relay/macvtap.ts), before 8cb06b7f3585. */
export const LIBVIRT_MC_OVERFLOW_IGNORED = 'libvirt-mc-overflow-ignored';

export const RELAY_FAULTS = {
  [RELAY_DROPS_LAST_UPDATE]: FAULTS[RELAY_DROPS_LAST_UPDATE],
  [RELAY_TRUNCATES_LIST]: FAULTS[RELAY_TRUNCATES_LIST],
  [UNSYNC_REMOVES_USED]: FAULTS[UNSYNC_REMOVES_USED],
  [MACVLAN_ALLMULTI_WHILE_DOWN]: FAULTS[MACVLAN_ALLMULTI_WHILE_DOWN],
  [APP_ENOTSUP_FATAL]: FAULTS[APP_ENOTSUP_FATAL],
  [APP_ALLMULTI_NEVER_OFF]: FAULTS[APP_ALLMULTI_NEVER_OFF],
  [APP_FLAG_CLEARS_FALLBACK]: FAULTS[APP_FLAG_CLEARS_FALLBACK],
  [LIBVIRT_MC_OVERFLOW_IGNORED]: FAULTS[LIBVIRT_MC_OVERFLOW_IGNORED],
} as const;

export type RelayFaultName = keyof typeof RELAY_FAULTS;
/** What the relay consults; a FaultSet of src/faults.ts with the relay's names also fits. */
export type RelayFaultSet = ReadonlySet<string>;
export const NO_RELAY_FAULTS: RelayFaultSet = new Set<string>();

export function isRelayFaultName(name: string): name is RelayFaultName {
  return Object.hasOwn(RELAY_FAULTS, name);
}
