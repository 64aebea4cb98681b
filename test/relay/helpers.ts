// Builders and the interleaving property shared by the relay tests.
import fc from 'fast-check';
import { expect } from 'vitest';
import { NO_FAULTS } from '../../src/faults.ts';
import type { RxMode } from '../../src/nic/filter.ts';
import { resolveProfile } from '../../src/profiles/registry.ts';
import type { RelayDevice, RelayKind, RelayOptions } from '../../src/relay/device.ts';
import { createRelay } from '../../src/relay/relay-filter.ts';
import { type RelayEvent, relayEventArb } from '../../src/relay/interleavings.ts';
import { type Mac, parseMac } from '../../src/wire/mac.ts';

export const OWN = parseMac('02:00:00:00:00:01');
export const OTHER_UNICAST = parseMac('02:00:00:00:00:99');
export const BROADCAST = parseMac('ff:ff:ff:ff:ff:ff');
/** A group no generated list ever holds. */
export const STRANGER = parseMac('01:00:5e:7e:00:01');

/** 01:00:5e:01:00:01, 01:00:5e:01:00:02, ... (n up to 65535). */
export function groups(n: number): Mac[] {
  return Array.from({ length: n }, (_, i) => {
    const v = i + 1;
    const hi = (v >> 8).toString(16).padStart(2, '0');
    const lo = (v & 0xff).toString(16).padStart(2, '0');
    return parseMac(`01:00:5e:01:${hi}:${lo}`);
  });
}

export function mode(mc: readonly Mac[], flags: { promisc?: boolean; allmulti?: boolean } = {}): RxMode {
  return { promisc: flags.promisc ?? false, allmulti: flags.allmulti ?? false, mc };
}

export function relay(kind: RelayKind, profile: string, options: RelayOptions = {}): RelayDevice {
  return createRelay(kind, resolveProfile(profile).create(OWN, NO_FAULTS), options);
}

/**
 * Exact tables, with how many groups each takes (from the profile files' own constants:
 * exact-strict:N takes N, mlx5 refuses >= 128, dpdk-vf:N takes N), and hash tables.
 */
export const EXACT_CAPACITY: Readonly<Record<string, number>> = { 'exact-strict:4': 4, 'mlx5-dpdk': 127, 'dpdk-vf:16': 16 };
export const HASH_PROFILES = ['ixgbe', 'hash64'] as const;

export type Event = RelayEvent;

/** The generated events of src/relay/interleavings.ts (what `check` runs), over this pool. */
export function eventArb(pool: readonly Mac[]): fc.Arbitrary<Event> {
  return relayEventArb(pool);
}

/** Applies the events; at every point at most one request is on the KNI rings. */
export function play(dev: RelayDevice, events: readonly Event[]): RxMode {
  let last: RxMode = mode([]);
  for (const e of events) {
    switch (e.op) {
      case 'set':
        dev.setRxMode(e.mode);
        last = e.mode;
        break;
      case 'kpoll':
        dev.kernelThreadPoll();
        break;
      case 'upoll':
        dev.userLoopPoll();
        break;
      case 'ticks':
        for (let i = 0; i < e.n; i++) dev.tick();
        break;
    }
    expect(dev.inFlight()).toBeLessThanOrEqual(1);
  }
  return last;
}

/**
 * Once quiet, the physical NIC admits everything the last rx mode requires (no loss), an exact
 * table that can hold the list holds exactly it (no stale or sticky entries, no all-multicast),
 * and the applied SET_MC_LIST generations only ever grew (no older list after a newer one).
 */
export function checkQuiet(dev: RelayDevice, last: RxMode, profile: string, pool: readonly Mac[]): void {
  expect(dev.quiet()).toBe(true);
  for (const m of last.mc) expect(dev.accept(m), `loss of ${m}`).toBe(true);
  expect(dev.accept(OWN)).toBe(true);
  expect(dev.accept(BROADCAST)).toBe(true);
  if (last.allmulti || last.promisc) expect(dev.accept(STRANGER)).toBe(true);
  if (last.promisc) expect(dev.accept(OTHER_UNICAST)).toBe(true);
  const capacity = EXACT_CAPACITY[profile];
  if (capacity !== undefined && !last.promisc && !last.allmulti && last.mc.length <= capacity) {
    expect(dev.accept(STRANGER), 'all-multicast left on').toBe(false);
    for (const m of pool) expect(dev.accept(m), `stale ${m}`).toBe(last.mc.includes(m));
  }
  const gens = dev.appliedGenerations();
  for (let i = 1; i < gens.length; i++) expect(gens[i]!).toBeGreaterThan(gens[i - 1]!);
}

export function poolFor(profile: string): Mac[] {
  return groups((EXACT_CAPACITY[profile] ?? 8) + 3);
}

/** The interleaving property for one relay kind over one physical profile. */
export function quietProperty(kind: RelayKind, profile: string, options: RelayOptions = {}) {
  const pool = poolFor(profile);
  return fc.property(fc.array(eventArb(pool), { maxLength: 30 }), (events) => {
    const dev = relay(kind, profile, options);
    const last = play(dev, events);
    dev.settle();
    checkQuiet(dev, last, profile, pool);
  });
}
