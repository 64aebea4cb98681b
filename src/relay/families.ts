// The exception-path devices as profile families of the registry: "kni-mc+LOWER" is the KNI
// device with the fixed relay over the physical profile LOWER; a bare "kni-mc" is over
// RELAY_DEFAULT_LOWER. Each KNI kind is what a range of DPDK releases did (RELEASES), so a user
// picks the DPDK they run. kni-stub, kni-promisc, kni-flags, tap-stub and virtio-user-stub lose
// joined groups by design: `check` runs them only when named, and fails them.
// virtio-user-relay passes, and is left out of the default run to keep it short. macvtap-libvirt
// (a guest behind a host macvtap, libvirt relaying) stands on a kernel NIC, ldd3-ff:4.
import type { StackedFamily } from '../nic/family.ts';
import type { NicProfile } from '../nic/filter.ts';
import type { RelayKind } from './device.ts';
import { relayProfile } from './relay-filter.ts';

/** A strict 4-entry table (DPDK-style, refusing longer lists): lists outgrow it within a few joins. */
export const RELAY_DEFAULT_LOWER = 'exact-strict:4';

const SOURCES: Readonly<Record<RelayKind, string>> = {
  'kni-stub': 'DPDK kernel/linux/kni/kni_net.c (kni_net_set_rx_mode empty up to 18.11); rte_kni_common.h before RTE_KNI_REQ_CHANGE_PROMISC: no flag relayed either',
  'kni-promisc': 'DPDK rte_kni_common.h requests ending at RTE_KNI_REQ_CHANGE_PROMISC; kni_net.c kni_net_set_rx_mode empty, the hook removed in 19.08',
  'kni-flags': 'DPDK 19.11 kernel/linux/kni/kni_net.c (kni_net_set_promiscusity, kni_net_set_allmulti: RTE_KNI_REQ_CHANGE_ALLMULTI; the list never relayed)',
  'kni-mc': 'seed 000: kni_net_set_rx_mode marks the list; the KNI thread relays it through the sync area to rte_eth_dev_set_mc_addr_list',
  'tap-stub': 'drivers/net/tun.c tun_net_mclist (empty): the tap\'s list never reaches the PMD',
  'tap-relay': 'seed 004: the application mirrors the tap\'s device list into rte_eth_dev_set_mc_addr_list',
  'virtio-user-stub':
    'DPDK doc/guides/howto/virtio_user_as_exception_path.rst; drivers/net/virtio/virtio_user/virtio_user_dev.c (CTRL_RX / CTRL_MAC answered 0, not applied); linux drivers/net/tun.c tun_net_mclist',
  'virtio-user-relay': 'the fix: the application follows the tap (RTM_NEWMULTICAST / RTM_DELMULTICAST, RTM_NEWLINK, /proc/net/dev_mcast) and programs the port',
  'macvtap-libvirt':
    'libvirt src/qemu/qemu_domain.c qemuDomainSyncRxFilter (syncNicRxFilterMulticast, syncNicRxFilterMultiMode; 8cb06b7f3585: multicast-overflow -> ALLMULTI); qemu hw/net/virtio-net.c virtio_net_handle_mac (MAC_TABLE_ENTRIES 64, multi_overflow), virtio_net_query_rxfilter',
};

const SUMMARIES: Readonly<Record<RelayKind, string>> = {
  'kni-stub': 'KNI with the empty ndo_set_rx_mode and no flag relayed: the physical port never learns a group (loses by design)',
  'kni-promisc': 'KNI relaying PROMISC only (RTE_KNI_REQ_CHANGE_PROMISC), never ALLMULTI or the list (loses by design)',
  'kni-flags': 'KNI relaying PROMISC and ALLMULTI only, never the list (loses by design unless ALLMULTI)',
  'kni-mc': 'KNI relaying the whole list; a list the port refuses or the sync area cannot hold: all multicast',
  'tap-stub': 'TAP exception path without a relay (loses by design)',
  'tap-relay': 'TAP exception path, the application relaying the list; refused: all multicast',
  'virtio-user-stub': 'virtio-user exception path (vhost-net tap): the tap\'s list never reaches the port (loses by design)',
  'virtio-user-relay': 'virtio-user exception path, the application following the tap\'s list by netlink; refused: all multicast',
  'macvtap-libvirt': 'a virtio-net guest behind a host macvtap, libvirt (trustGuestRxFilters) relaying its table; past QEMU\'s 64 entries: ALLMULTI',
};

/** The DPDK releases each kind is (KNI was removed in 23.11). */
export const RELEASES: Readonly<Record<RelayKind, string>> = {
  'kni-stub': 'DPDK up to 17.11 (before RTE_KNI_REQ_CHANGE_PROMISC)',
  'kni-promisc': 'DPDK 18.02 to 19.08 (19.08 removed the empty set_rx_mode hook: same behaviour)',
  'kni-flags': 'DPDK 19.11 to 23.07 (KNI removed in 23.11)',
  'kni-mc': 'no DPDK release: the fix this testbench proposes (seed 000)',
  'tap-stub': 'any DPDK with a TAP exception path whose application does not relay',
  'tap-relay': 'an application-side fix, any DPDK',
  'virtio-user-stub': 'every DPDK with virtio-user as exception path (the howto) to today: virtio_user_dev.c still answers CTRL_RX / CTRL_MAC with 0',
  'virtio-user-relay': 'an application-side fix, any DPDK',
  'macvtap-libvirt': 'libvirt from 8cb06b7f3585 on (the first release carrying it not checked); before it, an overflowed guest table left the macvtap without ALLMULTI (fault libvirt-mc-overflow-ignored)',
};

/** macvtap-libvirt stands on a kernel NIC driver (the host's), not a DPDK table that refuses lists. */
export const MACVTAP_DEFAULT_LOWER = 'ldd3-ff:4';

function family(kind: RelayKind, inDefaultCheck: boolean, defaultLower = RELAY_DEFAULT_LOWER): StackedFamily {
  return {
    base: kind,
    source: SOURCES[kind],
    summary: SUMMARIES[kind],
    releases: RELEASES[kind],
    stacked: { defaultLower, inDefaultCheck },
    over: (lower: NicProfile) => ({ ...relayProfile(kind, lower), stacked: { kind, lower } }),
  };
}

export const RELAY_FAMILIES: readonly StackedFamily[] = [
  family('kni-stub', false),
  family('kni-promisc', false),
  family('kni-flags', false),
  family('kni-mc', true),
  family('tap-stub', false),
  family('tap-relay', true),
  family('virtio-user-stub', false),
  // Its mirroring is tap-relay's (tap.ts), which the default check runs; named, it runs in full
  // (test/relay/check-profiles.test.ts runs it over the DPDK ports).
  family('virtio-user-relay', false),
  // A guest's virtio-net relayed by libvirt to a host macvtap (issue 25 item 8): the fixed libvirt
  // passes; fault libvirt-mc-overflow-ignored is the one before 8cb06b7f3585.
  family('macvtap-libvirt', true, MACVTAP_DEFAULT_LOWER),
];
