// Interleavings of a relay's actors as a property `check` runs on every relay profile: the host
// changing the rx mode (ndo_set_rx_mode), the KNI kernel thread's passes, the application's
// poll-loop passes, and jiffies (requests time out after KNI_WAIT_RESPONSE_TICKS). Whatever the
// order: at most one request is on the rings, and once quiet the physical NIC admits everything
// the last rx mode requires, and no older list was applied after a newer one.
import fc from 'fast-check';
import type { FaultSet } from '../faults.ts';
import type { NicProfile, RxMode } from '../nic/filter.ts';
import { BROADCAST_MAC, type Mac, isMulticastMac, macFromBytes, parseMac } from '../wire/mac.ts';
import type { RelayDevice, RelayKind, RelayOptions } from './device.ts';
import { createRelay } from './relay-filter.ts';
import { KNI_WAIT_RESPONSE_TICKS } from './request-channel.ts';

export type RelayEvent =
  | { readonly op: 'set'; readonly mode: RxMode }
  | { readonly op: 'kpoll' }
  | { readonly op: 'upoll' }
  | { readonly op: 'ticks'; readonly n: number };

export const RELAY_OWN_MAC = parseMac('02:00:00:00:00:01');
export const RELAY_OTHER_UNICAST = parseMac('02:00:00:00:00:99');
/** A group no generated list holds. */
export const RELAY_STRANGER = parseMac('01:00:5e:7e:00:01');

/** 01:00:5e:01:00:01, 01:00:5e:01:00:02, ... (n up to 65535). */
export function relayGroups(n: number): Mac[] {
  return Array.from({ length: n }, (_, i) => macFromBytes([0x01, 0x00, 0x5e, 0x01, ((i + 1) >> 8) & 0xff, (i + 1) & 0xff]));
}

/**
 * One event. `fits`: the size of list the physical NIC filters exactly (its smallest threshold):
 * a set of at most that many shows a lost or stale list as a loss, where a longer one falls back
 * to all-multicast and hides it.
 */
export function relayEventArb(pool: readonly Mac[], fits?: number): fc.Arbitrary<RelayEvent> {
  const sizes = [fc.subarray([...pool]), fc.subarray([...pool], { minLength: Math.max(0, pool.length - 6) })];
  // A table larger than the pool (vmxnet3's 10,922) holds any subset: no third size.
  if (fits !== undefined && fits > 0 && fits < pool.length) sizes.push(fc.subarray([...pool], { maxLength: fits }));
  const set = fc
    .record({
      // Any subset, one near the pool's size so that lists cross the table's capacity, or one the table holds.
      mc: fc.oneof(...sizes),
      // PROMISC rarely (it hides everything else), ALLMULTI sometimes.
      promisc: fc.integer({ min: 0, max: 5 }).map((n) => n === 0),
      allmulti: fc.integer({ min: 0, max: 3 }).map((n) => n === 0),
    })
    .map((m) => ({ op: 'set' as const, mode: m }));
  return fc.oneof(
    { arbitrary: set, weight: 3 },
    { arbitrary: fc.constant({ op: 'kpoll' as const }), weight: 3 },
    { arbitrary: fc.constant({ op: 'upoll' as const }), weight: 3 },
    // A few jiffies, or about the 3 s a request waits, so that some time out.
    {
      arbitrary: fc
        .oneof(fc.integer({ min: 1, max: 10 }), fc.integer({ min: KNI_WAIT_RESPONSE_TICKS - 5, max: KNI_WAIT_RESPONSE_TICKS + 5 }))
        .map((n) => ({ op: 'ticks' as const, n })),
      weight: 2,
    },
  );
}

/** Applies the events; returns the last rx mode set, or the first broken rule. */
export function playRelay(dev: RelayDevice, events: readonly RelayEvent[]): { last: RxMode; problem: string | null } {
  let last: RxMode = { promisc: false, allmulti: false, mc: [] };
  for (const [i, e] of events.entries()) {
    if (e.op === 'set') {
      dev.setRxMode(e.mode);
      last = e.mode;
    } else if (e.op === 'kpoll') dev.kernelThreadPoll();
    else if (e.op === 'upoll') dev.userLoopPoll();
    else for (let t = 0; t < e.n; t++) dev.tick();
    if (dev.inFlight() > 1) return { last, problem: `${dev.inFlight()} requests on the KNI rings after event ${i}` };
  }
  return { last, problem: null };
}

/**
 * What must hold once the relay is quiet after `last`; null when it does. Owed is what the
 * physical port itself gives when programmed with `last` directly (a reference filter, fresh
 * and fault-free); where the port refuses that list, the relay's all-multicast fallback owes
 * the list, every multicast frame under ALLMULTI and every frame under PROMISC.
 */
export function quietProblem(dev: RelayDevice, last: RxMode, physical: NicProfile): string | null {
  if (!dev.quiet()) return 'not quiet after settle()';
  const reference = physical.create(RELAY_OWN_MAC, new Set());
  const refused = !reference.program(last).ok;
  const owed = (m: Mac): boolean =>
    refused
      ? last.promisc || last.mc.includes(m) || m === RELAY_OWN_MAC || m === BROADCAST_MAC || (last.allmulti && isMulticastMac(m))
      : reference.accept(m);
  for (const m of [...last.mc, RELAY_OWN_MAC, BROADCAST_MAC, RELAY_STRANGER, RELAY_OTHER_UNICAST]) {
    if (owed(m) && !dev.accept(m)) {
      return `loss: ${m} dropped once quiet, though the port ${refused ? 'refused the list (all-multicast owed)' : 'programmed with the last rx mode accepts it'} (${last.mc.length} groups${last.allmulti ? ', ALLMULTI' : ''}${last.promisc ? ', PROMISC' : ''})`;
    }
  }
  const gens = dev.appliedGenerations();
  for (let i = 1; i < gens.length; i++) {
    if ((gens[i] as number) <= (gens[i - 1] as number)) return `list generation ${gens[i]} applied after ${gens[i - 1]}: an older list after a newer one`;
  }
  return null;
}

/** The interleaving property for a relay kind over a physical profile, as `check` runs it. */
export function relayInterleavingProperty(
  kind: RelayKind,
  physical: NicProfile,
  options: { faults?: FaultSet; pool?: number; around?: (run: () => void) => void } & Omit<RelayOptions, 'faults'> = {},
): fc.IPropertyWithHooks<[RelayEvent[]]> {
  const pool = relayGroups(options.pool ?? Math.min(Math.max(...physical.thresholds, 8), 130) + 3);
  const around = options.around ?? ((run: () => void) => run());
  const fits = physical.thresholds.filter((t) => t > 0).reduce((m, t) => Math.min(m, t), Number.POSITIVE_INFINITY);
  return fc.property(fc.array(relayEventArb(pool, Number.isFinite(fits) ? fits : undefined), { maxLength: 30 }), (events) => {
    around(() => {
      const dev = createRelay(kind, physical.create(RELAY_OWN_MAC, options.faults ?? new Set()), options);
      const { last, problem } = playRelay(dev, events);
      if (problem) throw new Error(problem);
      dev.settle();
      const quiet = quietProblem(dev, last, physical);
      if (quiet) throw new Error(quiet);
    });
  });
}
