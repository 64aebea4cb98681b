// The exception-path devices ("kni-mc+LOWER", "tap-relay+LOWER", ...: src/relay, issue 12) as
// the oracle sees them: what a correct exception path owes, whatever its kind. The virtual
// device's list must reach the physical port: the lower spec on the device list itself. Where the
// lower table refuses the list (DPDK rte_eth_dev_set_mc_addr_list ENOSPC), a correct relay turns
// the port all-multicast instead of keeping an older list or cutting this one (seed 000): the
// whole list stays `must` and any other multicast frame `may`. The stub and flags-only kinds get
// the same expectation, which is how `check` shows that they lose groups.
// macvtap-libvirt (a virtio-net guest behind a host macvtap, libvirt relaying its rx filter) has a
// table of its own in front of the host NIC: QEMU's MAC table, 64 entries (hw/net/virtio-net.c
// MAC_TABLE_ENTRIES), taken by the secondary unicast entries first. A longer list overflows it and
// query-rx-filter reports multicast-overflow with an empty multicast-table; a correct relay turns
// the host macvtap all-multicast (libvirt 8cb06b7f3585): the lower owes what it owes ALLMULTI with
// an empty list, and the guest's list stays `must` whatever the lower.
import type { FilterSpec } from './spec.ts';
import { station } from './spec.ts';

/** The relay kinds the oracle knows (src/relay/device.ts RELAY_KINDS, written out again here). */
export const RELAY_SPEC_KINDS = ['kni-stub', 'kni-promisc', 'kni-flags', 'kni-mc', 'tap-stub', 'tap-relay', 'virtio-user-stub', 'virtio-user-relay', 'macvtap-libvirt'] as const;

/** hw/net/virtio-net.c: #define MAC_TABLE_ENTRIES 64 (the guest's table in front of macvtap-libvirt). */
const QEMU_MAC_TABLE_ENTRIES = 64;

/** The list length past which the relay itself owes all-multicast (null: only the lower's refusal). */
function relayTableLimit(kind: string, uc: readonly string[]): number | null {
  if (kind !== 'macvtap-libvirt') return null;
  // virtio_net_handle_mac: unicast entries first, unless they overflow the table themselves.
  return QEMU_MAC_TABLE_ENTRIES - (uc.length <= QEMU_MAC_TABLE_ENTRIES ? uc.length : 0);
}

export function relaySpec(kind: string, lower: FilterSpec): FilterSpec {
  const limit = lower.refusesBeyond;
  return {
    name: `${kind}+${lower.name}`,
    source: `${lower.source}; through the ${kind} exception path (a correct relay: seed 000)`,
    refusesBeyond: null,
    acceptance: (input) => {
      const own = relayTableLimit(kind, input.uc ?? []);
      if (own !== null && input.deviceList.length > own) {
        // The guest's table overflowed: the host device takes an empty list and ALLMULTI, and
        // the lower owes what it owes that rx mode; the guest's list stays `must` on top.
        const lowerOwes = lower.acceptance({ ...input, allmulti: true, deviceList: [], programmed: [] });
        return { ...lowerOwes, exact: [...lowerOwes.exact, ...input.deviceList] };
      }
      if (limit !== null && input.deviceList.length > limit) {
        return {
          everything: input.promisc,
          multicast: input.allmulti ? 'must' : 'may',
          exact: [...station(input), ...input.deviceList],
          hashed: null,
        };
      }
      return lower.acceptance({ ...input, programmed: input.deviceList });
    },
  };
}
