// The exception-path devices ("kni-mc+LOWER", "tap-relay+LOWER", ...: src/relay, issue 12) as
// the oracle sees them: what a correct exception path owes, whatever its kind. The virtual
// device's list must reach the physical port: the lower spec on the device list itself. Where the
// lower table refuses the list (DPDK rte_eth_dev_set_mc_addr_list ENOSPC), a correct relay turns
// the port all-multicast instead of keeping an older list or cutting this one (seed 000): the
// whole list stays `must` and any other multicast frame `may`. The stub and flags-only kinds get
// the same expectation, which is how `check` shows that they lose groups.
import type { FilterSpec } from './spec.ts';
import { station } from './spec.ts';

/** The relay kinds the oracle knows (src/relay/device.ts RELAY_KINDS, written out again here). */
export const RELAY_SPEC_KINDS = ['kni-stub', 'kni-promisc', 'kni-flags', 'kni-mc', 'tap-stub', 'tap-relay', 'virtio-user-stub', 'virtio-user-relay'] as const;

export function relaySpec(kind: string, lower: FilterSpec): FilterSpec {
  const limit = lower.refusesBeyond;
  return {
    name: `${kind}+${lower.name}`,
    source: `${lower.source}; through the ${kind} exception path (a correct relay: seed 000)`,
    refusesBeyond: null,
    acceptance: (input) => {
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
