// The QEMU NIC models the guest differential runs, with the 6.1 module that drives each (insmod
// order: dependencies first, read from each module's modinfo "depends") and the model profile
// it is compared with.
import { VMXNET3_MC_TABLE_MAX } from '../nic/catalog/vmxnet3.ts';

/** The first list length whose vmxnet3 table (6 bytes a group) is past KMALLOC_MAX_CACHE_SIZE (8192). */
const VMXNET3_ATOMIC_PAGES_FROM = Math.floor(8192 / 6) + 1;

export interface GuestNic {
  /** The name `guest diff --nic` takes. */
  readonly name: string;
  /** QEMU 7.2's -device model. */
  readonly device: string;
  readonly modules: readonly string[];
  /** The model's profile; null: no profile equals it yet (the NIC boots, nothing is compared). */
  readonly profile: string | null;
  /**
   * Device-list sizes at which the emulated NIC cannot show what the driver programmed: a
   * multicast frame probed while dev->mc holds `from`..`to` entries (and neither PROMISC nor
   * ALLMULTI is on) is left out of the comparison, with `reason`.
   */
  readonly blindBetween?: { readonly from: number; readonly to: number; readonly reason: string };
  /** The emulated NIC cannot show unicast verdicts (e.g. it ignores the station address the driver writes): why. */
  readonly unicastBlind?: string;
  /**
   * QEMU's e1000 and e1000e look every destination up in the MTA after the RARs, unicast ones
   * too (hw/net/e1000x_common.c e1000x_rx_group_filter: no multicast test before the MTA), where
   * the 8254x / 82574 and the profile hash multicast only. A unicast frame whose MTA vector (octets
   * 5:4 >> `shift`, mc_filter_type 0) is a vector of a dev->mc entry is left out, with `reason`
   * (on e1000, whose first groups sit in RARs, this leaves out a few frames QEMU would show).
   * test/guest/scenarios.ts unicastMtaScenario shows the difference (found by a two-NIC e1000e campaign).
   */
  readonly unicastMtaBlind?: { readonly shift: number; readonly reason: string };
}

const QEMU_UNICAST_MTA = {
  shift: 4,
  reason: "QEMU's e1000x_rx_group_filter (hw/net/e1000x_common.c) tests unicast destinations against the MTA too; the chip and the profile hash only groups",
} as const;

export const GUEST_NICS: readonly GuestNic[] = [
  // e1000_hw.c e1000_set_mac_type: 82540EM; mc_filter_type stays 0 (e1000_main.c e1000_sw_init never sets it).
  { name: 'e1000', device: 'e1000', modules: ['e1000'], profile: 'e1000:0', unicastMtaBlind: QEMU_UNICAST_MTA },
  { name: 'e100', device: 'i82559er', modules: ['mii', 'e100'], profile: 'e100' },
  {
    name: 'tulip',
    device: 'tulip',
    modules: ['tulip'],
    profile: 'tulip',
    // tulip_core.c set_rx_mode: > 14 groups -> build_setup_frame_hash, > 1000 -> AcceptAllMulticast.
    // QEMU hw/net/tulip.c tulip_setup_frame reads any 192-byte setup frame as 16 perfect
    // addresses (tulip_setup_filter_addr) and has no hash filter.
    blindBetween: { from: 15, to: 1000, reason: "QEMU's tulip has no hash filter: a hash setup frame is read as 16 perfect addresses (hw/net/tulip.c tulip_setup_frame)" },
  },
  { name: 'pcnet', device: 'pcnet', modules: ['mii', 'pcnet32'], profile: 'pcnet32' },
  // lib8390.c make_mc_bits: bits[crc >> 29] |= 1 << ((crc >> 26) & 7), crc = ether_crc; no count
  // limit; ALLMULTI/PROMISC fill the filter. QEMU hw/net/ne2000.c ne2000_receive: net_crc32 >> 26.
  // The same filter as hash64 (ether_crc >> 26, 64 bits, no limit).
  {
    name: 'ne2k_pci',
    device: 'ne2k_pci',
    modules: ['8390', 'ne2k-pci'],
    profile: 'hash64',
    // Seen in the guest: frames to the scenario's MAC (set with `ip link set address`, written to
    // PAR0-5 by lib8390.c __NS8390_init) are dropped.
    unicastBlind: "QEMU's ne2000 matches unicast frames against its address PROM (the -device mac), not the PAR registers the driver writes (hw/net/ne2000.c ne2000_receive)",
  },
  // 8139cp.c __cp_set_rx_mode: the 8139too rule (ether_crc >> 26 into MAR, > multicast_filter_limit 32 -> all).
  { name: 'rtl8139', device: 'rtl8139', modules: ['mii', '8139cp'], profile: 'rtl8139' },
  {
    name: 'virtio-net-pci',
    device: 'virtio-net-pci',
    modules: ['virtio_ring', 'virtio', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_pci', 'failover', 'net_failover', 'virtio_net'],
    profile: 'virtio-qemu',
  },
  // e1000e netdev.c e1000e_set_rx_mode -> e1000e_write_mc_addr_list: every group in the 4096-bit
  // MTA (mac.c e1000_hash_mc_addr, mc_filter_type 0), none in RARs; 14 RARs for dev->uc: `e1000e`.
  { name: 'e1000e', device: 'e1000e', modules: ['e1000e'], profile: 'e1000e', unicastMtaBlind: QEMU_UNICAST_MTA },
  // vmxnet3_drv.c vmxnet3_set_mc: an exact list while it fits the u16 mfTableLen (10,922 groups),
  // then ALL_MULTI: the `vmxnet3` profile. Its table comes from kmalloc(GFP_ATOMIC); past 8 KiB
  // (KMALLOC_MAX_CACHE_SIZE, include/linux/slab.h) that is a page allocation of order 1 or more,
  // which may fail, and the driver then sets ALL_MULTI too ("failed to copy mcast list").
  {
    name: 'vmxnet3',
    device: 'vmxnet3',
    modules: ['vmxnet3'],
    profile: 'vmxnet3',
    blindBetween: {
      from: VMXNET3_ATOMIC_PAGES_FROM,
      to: VMXNET3_MC_TABLE_MAX,
      reason: "vmxnet3_copy_mc's kmalloc(GFP_ATOMIC) of more than 8 KiB may fail and the driver then sets ALL_MULTI (seen once at 4,098 groups after other scenarios in the same boot; that scenario alone, and lists of 4,000 to 10,922 groups, got the exact table)",
    },
    // Seen in the guest (seed 21, scenarios 2, 16, 20): frames to the MAC set with `ip link set
    // address` are dropped; the cause in hw/net/vmxnet3.c (its MAC after the driver's device reset) is not yet pinned down.
    unicastBlind: "QEMU's vmxnet3 drops frames to the station address set after boot (seen in the guest; hw/net/vmxnet3.c not yet read for the cause)",
  },
];

export function guestNic(name: string): GuestNic | undefined {
  return GUEST_NICS.find((n) => n.name === name);
}
