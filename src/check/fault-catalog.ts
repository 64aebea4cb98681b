// The fault catalog as documentation: each fault of src/faults.ts, the profile where `check`
// catches it (test/faults/ (catalog.ts, part-1 and part-2) proves it), and a README-ready Markdown table.
import { toolCommand } from '../command-line.ts';
import { FAULTS, type FaultName } from '../faults.ts';

/**
 * The profile whose checks expose each fault. Faults of the host model show on any profile
 * (accept-all); NIC faults need a profile that has the broken mechanism.
 */
export const FAULT_PROFILES: Readonly<Record<FaultName, readonly string[]>> = {
  'ipv4-map-24bit': ['accept-all'],
  'ipv6-map-24bit': ['accept-all'],
  'shared-mac-removed': ['accept-all'],
  'no-allmulti-on-overflow': ['ldd3-ff:4'],
  'sticky-allmulti': ['ldd3-ff:4'],
  'ignore-promisc': ['ldd3-ff:4'],
  'hash-low-bits': ['hash64', 'tun'],
  'refcount-not-decremented': ['accept-all'],
  'no-solicited-node': ['accept-all'],
  'igmp-msf-11': ['accept-all'],
  'sfcount-exclude-kept': ['accept-all'],
  'delivery-any-iface': ['accept-all'],
  'e1000-filter-type-1': ['e1000:0'],
  'tulip-perfect-15': ['tulip'],
  'qemu-table-65': ['virtio-qemu'],
  'pcnet32-ladrf-be-crc': ['pcnet32'],
  'vmxnet3-mftablelen-wrap': ['vmxnet3'],
  'rxconfig-zero-at-open': ['rtl8139'],
  'group-users-on-eaddrinuse': ['accept-all'],
  'ttl-threshold-ge': ['accept-all'],
  'ttl-255-forwarded': ['accept-all'],
  'unres-fifth-queued': ['accept-all'],
  'unres-forward-after-expiry': ['accept-all'],
  'unres-replay-reordered': ['accept-all'],
  'vif-no-allmulti': ['accept-all'],
  'mfc-keyed-by-sg': ['accept-all'],
  'relay-drops-last-update': ['kni-mc+exact-strict:4'],
  'relay-truncates-list': ['kni-mc+exact-strict:4', 'tap-relay+exact-strict:4'],
  // Half the generated runs stack a macvlan on eth0, with link up/down steps.
  'unsync-removes-used': ['accept-all'],
  'macvlan-allmulti-while-down': ['accept-all'],
  // A vif on the generated macvlan (src/check/arbitraries.ts stackedVifs) meets a filtering lower.
  'stacked-allmulti-user-only': ['ldd3-ff:4'],
  // The fallback-chain property (src/relay/fallback-chain.ts) on a port without the list op, and on
  // strict tables whose lists empty or fit again.
  'app-enotsup-fatal': ['virtio-dpdk', 'i40e-dpdk'],
  'pmd-flush-ignored': ['exact-strict:4', 'enic-dpdk'],
  'app-allmulti-never-off': ['virtio-dpdk', 'exact-strict:4'],
  'allmulti-flag-only': ['allmulti-only'],
  'ctrl-mac-bad-length': ['virtio-qemu'],
  'app-flag-clears-fallback': ['virtio-dpdk', 'exact-strict:4'],
  // smc911x has no profile of its own: hash64 is the same 64-bit table (ether_crc >> 26, word n >> 5, bit n & 31).
  'smc911x-hash-register-bit1': ['hash64'],
  // QEMU's sungem has no profile of its own: pcnet32 is QEMU's other ether_crc_le hash (ladr_match).
  'qemu-hash-zlib-crc': ['pcnet32'],
  // A guest's list past QEMU's 64 entries (the profile's threshold 64): libvirt before 8cb06b7f3585.
  'libvirt-mc-overflow-ignored': ['macvtap-libvirt+ldd3-ff:4'],
};

/**
 * Faults no frame on the wire can show, with the reason: a live sweep reports them as such,
 * never as missed. `check` catches them by reading the NIC's registers, which only the model has.
 */
export const FAULTS_NO_FRAME_SHOWS: Readonly<Partial<Record<FaultName, string>>> = {
  // src/nic/catalog/rtl8139.ts: 8139too's rtl8139_hw_start writes RxConfig and calls rtl8139_set_rx_mode itself.
  'rxconfig-zero-at-open':
    'its window is inside ndo_open, before the rx-mode call the driver makes there (and __dev_open again after it, net/core/dev.c): no frame arrives in it',
};

/** Where each fault lives, for the table. */
const FAULT_LAYER: Readonly<Record<FaultName, 'host model' | 'NIC profile' | 'relay' | 'routing' | 'stacked device' | 'DPDK application' | 'DPDK PMD'>> = {
  'ipv4-map-24bit': 'host model',
  'ipv6-map-24bit': 'host model',
  'shared-mac-removed': 'host model',
  'no-allmulti-on-overflow': 'NIC profile',
  'sticky-allmulti': 'NIC profile',
  'ignore-promisc': 'NIC profile',
  'hash-low-bits': 'NIC profile',
  'refcount-not-decremented': 'host model',
  'no-solicited-node': 'host model',
  'igmp-msf-11': 'host model',
  'sfcount-exclude-kept': 'host model',
  'delivery-any-iface': 'host model',
  'e1000-filter-type-1': 'NIC profile',
  'tulip-perfect-15': 'NIC profile',
  'qemu-table-65': 'NIC profile',
  'pcnet32-ladrf-be-crc': 'NIC profile',
  'vmxnet3-mftablelen-wrap': 'NIC profile',
  'rxconfig-zero-at-open': 'NIC profile',
  'group-users-on-eaddrinuse': 'host model',
  'ttl-threshold-ge': 'routing',
  'ttl-255-forwarded': 'routing',
  'unres-fifth-queued': 'routing',
  'unres-forward-after-expiry': 'routing',
  'unres-replay-reordered': 'routing',
  'vif-no-allmulti': 'routing',
  'mfc-keyed-by-sg': 'routing',
  'relay-drops-last-update': 'relay',
  'relay-truncates-list': 'relay',
  'unsync-removes-used': 'stacked device',
  'stacked-allmulti-user-only': 'stacked device',
  'macvlan-allmulti-while-down': 'stacked device',
  'app-enotsup-fatal': 'DPDK application',
  'pmd-flush-ignored': 'DPDK PMD',
  'app-allmulti-never-off': 'DPDK application',
  'allmulti-flag-only': 'NIC profile',
  'ctrl-mac-bad-length': 'NIC profile',
  'app-flag-clears-fallback': 'DPDK application',
  'smc911x-hash-register-bit1': 'NIC profile',
  'qemu-hash-zlib-crc': 'NIC profile',
  'libvirt-mc-overflow-ignored': 'relay',
};

/**
 * The faults a live campaign against `profile` should catch (`--sweep-faults`): the host model's,
 * which show on any NIC, and those whose catalog entry names this profile.
 */
export function faultsForProfile(profile: string): FaultName[] {
  return (Object.keys(FAULTS) as FaultName[]).filter((f) => FAULT_LAYER[f] === 'host model' || FAULT_PROFILES[f].includes(profile));
}

export interface FaultCatalogRow {
  readonly name: FaultName;
  readonly description: string;
  readonly layer: string;
  readonly profiles: readonly string[];
  /** The command that shows the fault being caught. */
  readonly command: string;
}

export function faultCatalog(): FaultCatalogRow[] {
  return (Object.keys(FAULTS) as FaultName[]).map((name) => {
    const profiles = FAULT_PROFILES[name];
    return {
      name,
      description: FAULTS[name],
      layer: FAULT_LAYER[name],
      profiles,
      command: toolCommand(['check', '--profile', profiles[0] as string, '--inject-fault', name, '--seed', '1']),
    };
  });
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|');
}

/** The catalog as a Markdown table for README/docs. */
export function faultCatalogMarkdown(): string {
  const lines = [
    '| fault | what it breaks | where | caught on | try it |',
    '| --- | --- | --- | --- | --- |',
    ...faultCatalog().map(
      (r) =>
        `| \`${r.name}\` | ${cell(r.description)} | ${r.layer} | ${r.profiles.map((p) => `\`${p}\``).join(', ')} | \`${r.command}\` |`,
    ),
  ];
  return `${lines.join('\n')}\n`;
}
