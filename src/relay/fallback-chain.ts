// The fallback-chain property `check` runs on every DPDK port profile (NicProfile.dpdk): the
// application of an exception path (pmd-port.ts) follows a sequence of rx modes on the port
// through the ethdev calls (src/nic/ethdev.ts). After each one it must never lose a group
// (whatever the PMD refused, the list, ALLMULTI's multicast and PROMISC's everything still
// arrive), and where the PMD takes the mode as asked it must end where a fresh port programmed
// with that mode ends: no all-multicast or old group left over (a leak).
import fc from 'fast-check';
import type { FaultSet } from '../faults.ts';
import { ETHDEV_ERRNO } from '../nic/ethdev.ts';
import type { NicProfile, RxMode } from '../nic/filter.ts';
import { BROADCAST_MAC, type Mac, isMulticastMac } from '../wire/mac.ts';
import { RELAY_OTHER_UNICAST, RELAY_OWN_MAC, RELAY_STRANGER, relayGroups } from './interleavings.ts';
import { PmdPort } from './pmd-port.ts';

/** An rx mode: the empty list (the flush) often, any subset, or one near the pool's size. */
export function chainModeArb(pool: readonly Mac[]): fc.Arbitrary<RxMode> {
  return fc.record({
    mc: fc.oneof(fc.constant([] as Mac[]), fc.subarray([...pool], { maxLength: 3 }), fc.subarray([...pool]), fc.subarray([...pool], { minLength: Math.max(0, pool.length - 3) })),
    promisc: fc.integer({ min: 0, max: 7 }).map((n) => n === 7),
    allmulti: fc.integer({ min: 0, max: 4 }).map((n) => n === 4),
  });
}

function describe(mode: RxMode): string {
  return `${mode.mc.length} groups${mode.allmulti ? ', ALLMULTI' : ''}${mode.promisc ? ', PROMISC' : ''}`;
}

/**
 * What must hold after the application applied `mode` to `port`; null when it does. The
 * reference is a fresh, fault-free port of the same profile given the mode call by call;
 * `earlier` are the groups of the modes before, probed as well.
 */
export function chainProblem(port: PmdPort, mode: RxMode, physical: NicProfile, earlier: readonly Mac[] = []): string | null {
  const reference = physical.create(RELAY_OWN_MAC, new Set());
  const eth = reference.ethdev;
  if (!eth) return `${physical.name} is not a DPDK port (its filter has no ethdev calls)`;
  const flags = [eth.promiscuous(mode.promisc), eth.allmulticast(mode.allmulti)];
  const listResult = eth.setMcAddrList(mode.mc);
  const listTaken = listResult === 0 || (mode.mc.length === 0 && listResult === -ETHDEV_ERRNO.ENOTSUP);
  const asked = listTaken && flags.every((r) => r === 0);
  // The groups of earlier modes too: one left in the table after it left the list is a leak.
  for (const m of new Set([...mode.mc, ...earlier, RELAY_OWN_MAC, BROADCAST_MAC, RELAY_STRANGER, RELAY_OTHER_UNICAST])) {
    const got = port.physical.accept(m);
    const owed = asked ? reference.accept(m) : mode.promisc || mode.mc.includes(m) || m === RELAY_OWN_MAC || m === BROADCAST_MAC || (mode.allmulti && isMulticastMac(m));
    if (owed && !got) return `loss: ${m} dropped (${describe(mode)}; the PMD ${asked ? 'takes this mode' : `refused it: ${listResult}`}; fallback ${String(port.fallbackReason())})`;
    if (asked && got && !reference.accept(m)) return `leak: ${m} accepted, though the PMD takes ${describe(mode)} as asked and then drops it (fallback ${String(port.fallbackReason())})`;
  }
  return null;
}

/** The property for one DPDK port profile, as `check` runs it ("ethdev"). */
export function fallbackChainProperty(
  physical: NicProfile,
  options: { faults?: FaultSet; around?: (run: () => void) => void } = {},
): fc.IPropertyWithHooks<[RxMode[]]> {
  const pool = relayGroups(Math.min(Math.max(...physical.thresholds, 4), 130) + 2);
  const around = options.around ?? ((run: () => void) => run());
  const faults = options.faults ?? new Set();
  return fc.property(fc.array(chainModeArb(pool), { minLength: 1, maxLength: 10 }), (modes) => {
    around(() => {
      const port = new PmdPort(physical.create(RELAY_OWN_MAC, faults), faults);
      const earlier = new Set<Mac>();
      for (const [i, mode] of modes.entries()) {
        port.mirror(mode);
        const problem = chainProblem(port, mode, physical, [...earlier]);
        if (problem) throw new Error(`after set ${i}: ${problem}`);
        for (const m of mode.mc) earlier.add(m);
      }
    });
  });
}
