// The fault catalog: deliberate bugs that can be injected into the model to prove that
// `check` catches them (each must fail with a shrunk counterexample of a few steps).

export const FAULTS = {
  'ipv4-map-24bit': 'IPv4 group -> MAC keeps 24 low bits instead of 23 (ip_eth_mc_map)',
  'ipv6-map-24bit': 'IPv6 group -> MAC keeps 24 low bits instead of 32 (ipv6_eth_mc_map)',
  'shared-mac-removed': 'leaving one of two groups that share a MAC removes the MAC from the device list',
  'no-allmulti-on-overflow': 'an exact table that overflows keeps the first N entries instead of going all-multicast',
  'sticky-allmulti': 'all-multicast mode stays on after the device list shrinks back below the table size',
  'ignore-promisc': 'the NIC filter ignores IFF_PROMISC',
  'hash-low-bits': 'hash bucket from the low 6 CRC bits instead of the high 6 (ether_crc >> 26)',
  'refcount-not-decremented': 'leaving a group does not drop its device-list reference',
  'no-solicited-node': 'the solicited-node group of an IPv6 address is not joined',
  'igmp-msf-11': 'an IPv4 membership takes an 11th source (igmp_max_msf is 10)',
  'sfcount-exclude-kept': "an EXCLUDE membership that leaves keeps its count in the interface's merged filter, so the mode never switches back to INCLUDE",
  'delivery-any-iface': "IPv4 delivery uses the socket's newest membership of the group on any interface, not the one of the arrival interface",
  'e1000-filter-type-1': 'e1000:0 hashes groups into the MTA with mc_filter_type 1 ([46:35]) instead of 0 ([47:36])',
  'tulip-perfect-15': 'tulip keeps 15 groups in the perfect setup frame (losing its broadcast entry) instead of switching to the hash table',
  'qemu-table-65': "QEMU virtio-net's MAC table takes 65 entries before multi_overflow (MAC_TABLE_ENTRIES is 64)",
  'vmxnet3-mftablelen-wrap': 'vmxnet3 stores a list longer than 10,922 groups in the u16 mfTableLen without the size check: the device reads (bytes mod 65536) / 6 entries instead of going all-multicast',
  'pcnet32-ladrf-be-crc': 'pcnet32 picks the LADRF bit from the big-endian ether_crc >> 26 instead of ether_crc_le >> 26',
  'rxconfig-zero-at-open': 'rtl8139 starts with RxConfig 0: broadcast and its own MAC dropped until the first rx-mode call',
  'group-users-on-eaddrinuse': "a duplicate join (EADDRINUSE) still raises the interface group's users count",
  'relay-drops-last-update':
    'kni-mc: a device-list change made while a request is on the KNI rings is not marked dirty, so the PMD keeps the older list',
  'ttl-threshold-ge': 'ip_mr_forward sends on a vif when the TTL is >= its threshold instead of > (a TTL equal to the threshold leaks)',
  'ttl-255-forwarded': 'ipmr_update_thresholds keeps a vif given TTL 255 as an output (threshold 254) instead of "not an output"',
  'unres-fifth-queued': 'ipmr_cache_unresolved queues a fifth datagram on an unresolved entry (qlen > 4 instead of qlen > 3)',
  'unres-forward-after-expiry': 'unresolved entries never expire: datagrams older than 10 s are still forwarded when the entry is added',
  'unres-replay-reordered': 'ipmr_cache_resolve replays the queued datagrams newest first instead of in arrival order',
  'vif-no-allmulti': "vif_add does not raise the device's allmulti count (and vif_delete does not lower it)",
  'mfc-keyed-by-sg':
    'MFC entries keyed by (S,G) alone: MRT_ADD_MFC_PROXY for a second input vif replaces the entry of the first instead of adding one per parent, so deleting the first route fails (ENOENT) and the second is gone with it',
  'relay-truncates-list':
    'kni-mc / tap-relay: a list the sync area or the PMD table cannot hold is cut to what fits instead of falling back to all-multicast',
  'unsync-removes-used': "stacked: dev_mc_unsync drops the lower's entry whole, even while another device still holds it",
  'stacked-allmulti-user-only': "a macvlan passes only its user flag's allmulti to the lower, not the kernel's own count (a vif on it): the lower stays filtered and a router on the macvlan loses every group it does not hold",
  'macvlan-allmulti-while-down': "stacked: a down macvlan's ALLMULTI / PROMISC change is counted on the lower device",
  'app-enotsup-fatal':
    'DPDK application: -ENOTSUP from rte_eth_dev_set_mc_addr_list is taken as fatal: the port is never programmed again (no all-multicast fallback)',
  'pmd-flush-ignored': 'DPDK PMD: rte_eth_dev_set_mc_addr_list(port, NULL, 0) answers 0 and keeps the table, so removed groups stay',
  'app-allmulti-never-off':
    'DPDK application: all-multicast turned on as the fallback for a refused list is never turned off when the list fits again or empties',
  'allmulti-flag-only':
    'an all-or-none filter (allmulti-only) turns all-multicast on for IFF_ALLMULTI only, not for a non-empty device list: every joined group is dropped',
  'ctrl-mac-bad-length':
    "virtio-qemu: the guest driver's VIRTIO_NET_CTRL_MAC_TABLE_SET gives a multicast length other than 4 + 6 x entries: QEMU answers VIRTIO_NET_ERR and keeps its previous MAC table",
  'app-flag-clears-fallback':
    "DPDK application: a change of the user's ALLMULTI flag is written to the port as asked, turning off the all-multicast a refused list still needs",
  'qemu-hash-zlib-crc':
    "a QEMU device model (pcnet32 here) looks a multicast destination up with zlib's crc32(~0, dst, 6) (seed and result complemented) instead of ether_crc_le: the bucket it tests is not the one the driver set",
  'smc911x-hash-register-bit1':
    'a 64-bit hash filter (hash64) picks the register of a group from bit 1 of its position ether_crc >> 26 instead of bit 5: half the groups land in the wrong 32-bit word',
  'libvirt-mc-overflow-ignored':
    "macvtap-libvirt: libvirt's syncNicRxFilterMultiMode ignores the guest's multicast-overflow (QEMU's 64-entry table overflowed, its multicast-table empty): the host macvtap takes the empty table without ALLMULTI and the guest receives no multicast",
} as const;

export type FaultName = keyof typeof FAULTS;
export type FaultSet = ReadonlySet<FaultName>;
export const NO_FAULTS: FaultSet = new Set<FaultName>();

export function isFaultName(name: string): name is FaultName {
  return Object.hasOwn(FAULTS, name);
}
