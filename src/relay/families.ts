// The exception-path devices as profile families of the registry: "kni-mc+LOWER" is the KNI
// device with the fixed relay over the physical profile LOWER; a bare "kni-mc" is over
// RELAY_DEFAULT_LOWER. kni-stub, kni-flags and tap-stub lose joined groups by design (the
// seeds' bug and DPDK's partial fix): `check` runs them only when named, and fails them.
import type { StackedFamily } from '../nic/family.ts';
import type { NicProfile } from '../nic/filter.ts';
import type { RelayKind } from './device.ts';
import { relayProfile } from './relay-filter.ts';

/** A strict 4-entry table (DPDK-style, refusing longer lists): lists outgrow it within a few joins. */
export const RELAY_DEFAULT_LOWER = 'exact-strict:4';

const SOURCES: Readonly<Record<RelayKind, string>> = {
  'kni-stub': 'DPDK kernel/linux/kni/kni_net.c before 19.08 (kni_net_set_rx_mode empty)',
  'kni-flags': 'DPDK 19.11 kernel/linux/kni/kni_net.c (kni_net_set_promiscusity, kni_net_set_allmulti; the list never relayed)',
  'kni-mc': 'seed 000: kni_net_set_rx_mode marks the list; the KNI thread relays it through the sync area to rte_eth_dev_set_mc_addr_list',
  'tap-stub': 'drivers/net/tun.c tun_net_mclist (empty): the tap\'s list never reaches the PMD',
  'tap-relay': 'seed 004: the application mirrors the tap\'s device list into rte_eth_dev_set_mc_addr_list',
};

const SUMMARIES: Readonly<Record<RelayKind, string>> = {
  'kni-stub': 'KNI with the empty ndo_set_rx_mode: the physical port never learns a group (loses by design)',
  'kni-flags': 'KNI relaying PROMISC and ALLMULTI only, never the list (loses by design unless ALLMULTI)',
  'kni-mc': 'KNI relaying the whole list; a list the port refuses or the sync area cannot hold: all multicast',
  'tap-stub': 'TAP exception path without a relay (loses by design)',
  'tap-relay': 'TAP exception path, the application relaying the list; refused: all multicast',
};

function family(kind: RelayKind, inDefaultCheck: boolean): StackedFamily {
  return {
    base: kind,
    source: SOURCES[kind],
    summary: SUMMARIES[kind],
    stacked: { defaultLower: RELAY_DEFAULT_LOWER, inDefaultCheck },
    over: (lower: NicProfile) => ({ ...relayProfile(kind, lower), stacked: { kind, lower } }),
  };
}

export const RELAY_FAMILIES: readonly StackedFamily[] = [
  family('kni-stub', false),
  family('kni-flags', false),
  family('kni-mc', true),
  family('tap-stub', false),
  family('tap-relay', true),
];
