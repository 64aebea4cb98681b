// The QEMU NIC models the guest differential runs, with the 6.1 module that drives each (insmod
// order: dependencies first, read from each module's modinfo "depends") and the model profile
// it is compared with.

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
}

export const GUEST_NICS: readonly GuestNic[] = [
  // e1000_hw.c e1000_set_mac_type: 82540EM; mc_filter_type stays 0 (e1000_main.c e1000_sw_init never sets it).
  { name: 'e1000', device: 'e1000', modules: ['e1000'], profile: 'e1000:0' },
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
  { name: 'ne2k_pci', device: 'ne2k_pci', modules: ['8390', 'ne2k-pci'], profile: null },
  { name: 'rtl8139', device: 'rtl8139', modules: ['mii', '8139cp'], profile: null },
  {
    name: 'virtio-net-pci',
    device: 'virtio-net-pci',
    modules: ['virtio_ring', 'virtio', 'virtio_pci_modern_dev', 'virtio_pci_legacy_dev', 'virtio_pci', 'failover', 'net_failover', 'virtio_net'],
    profile: 'virtio-qemu',
  },
  { name: 'e1000e', device: 'e1000e', modules: ['e1000e'], profile: null },
  { name: 'vmxnet3', device: 'vmxnet3', modules: ['vmxnet3'], profile: null },
];

export function guestNic(name: string): GuestNic | undefined {
  return GUEST_NICS.find((n) => n.name === name);
}
