// A relay device as a NicFilter, so that the host model (and the registry) can use e.g. kni-mc
// over mlx5-dpdk like any profile: program() is ndo_set_rx_mode on the virtual device followed
// by the kernel thread and the application running until quiet; accept() is the physical NIC's.
import type { FaultSet } from '../faults.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';
import { type RelayDevice, type RelayKind, type RelayOptions } from './device.ts';
import { KniDevice } from './kni.ts';
import { MacvtapLibvirtDevice, macvtapThresholds } from './macvtap.ts';
import { TapDevice } from './tap.ts';

export function createRelay(kind: RelayKind, physical: NicFilter, options: RelayOptions = {}): RelayDevice {
  switch (kind) {
    case 'kni-stub':
    case 'kni-promisc':
    case 'kni-flags':
    case 'kni-mc':
      return new KniDevice(kind, physical, options);
    case 'tap-stub':
    case 'tap-relay':
    case 'virtio-user-stub':
    case 'virtio-user-relay':
      return new TapDevice(kind, physical, options);
    case 'macvtap-libvirt':
      return new MacvtapLibvirtDevice(physical, options);
  }
}

/** `kind` over `physical`; program() always answers ok (the virtual device takes any list). */
export function relayFilter(kind: RelayKind, physical: NicFilter, options: RelayOptions = {}): NicFilter {
  const dev = createRelay(kind, physical, options);
  return {
    program(mode: RxMode): ProgramResult {
      dev.setRxMode(mode);
      dev.settle();
      return { ok: true };
    },
    accept: (dst: Mac) => dev.accept(dst),
    state: () => dev.state(),
  };
}

/**
 * A NicProfile named `${kind}+${physical.name}` (e.g. "kni-mc+mlx5-dpdk"). The model's FaultSet
 * reaches both the physical filter and the relay (the relay reads only its own names).
 */
export function relayProfile(kind: RelayKind, physical: NicProfile, options: Omit<RelayOptions, 'faults'> = {}): NicProfile {
  return {
    name: `${kind}+${physical.name}`,
    source: `${physical.source}; relayed by src/relay (${kind})`,
    summary: `${kind} exception-path device over ${physical.name}`,
    // The relay adds no table of its own: the physical port's edges are the device's (macvtap-libvirt:
    // and the guest's 64-entry QEMU table in front of them).
    thresholds: kind === 'macvtap-libvirt' ? macvtapThresholds(physical) : physical.thresholds,
    sharesUnicast: physical.sharesUnicast,
    create: (ownMac: Mac, faults: FaultSet) =>
      relayFilter(kind, physical.create(ownMac, faults), { ...options, faults }),
  };
}
