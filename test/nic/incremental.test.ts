// The incremental programming path (src/nic/rx-view.ts): for random sequences of device-list
// adds, deletes, purges and flag changes, with several changes between program calls at times,
// a filter programmed the way the host programs it (changes, count, head; src/netdev/device-list.ts
// rxModeOf) answers every probe and shows the same state as a filter of the same profile given
// the same calls with the plain full list.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { FaultName, FaultSet } from '../../src/faults.ts';
import { DeviceList, rxModeOf } from '../../src/netdev/device-list.ts';
import type { NicProfile, RxMode } from '../../src/nic/filter.ts';
import { builtinProfiles, resolveProfile } from '../../src/profiles/registry.ts';
import { type Mac, parseMac } from '../../src/wire/mac.ts';
import { BROADCAST, OTHER_UNICAST, OWN } from './helpers.ts';

const hex = (n: number): string => n.toString(16).padStart(2, '0');
/** 72 multicast MACs (IPv4 and IPv6 mapped; past virtio's 64-entry table) and 3 unicast ones (`ip maddr add` takes any). */
const POOL: Mac[] = [
  ...Array.from({ length: 48 }, (_, i) => parseMac(`01:00:5e:${hex(i % 3)}:${hex((i * 37) & 0xff)}:${hex(i)}`)),
  ...Array.from({ length: 24 }, (_, i) => parseMac(`33:33:ff:00:${hex(i >> 2)}:${hex(i * 11)}`)),
  parseMac('02:00:00:00:01:01'),
  parseMac('02:00:00:00:01:02'),
  parseMac('04:00:00:00:01:03'),
];
const PROBES: Mac[] = [...POOL, OWN, BROADCAST, OTHER_UNICAST, parseMac('01:00:5e:7f:00:01'), parseMac('33:33:00:00:00:fb')];

/** The faults that live in filters. */
const FILTER_FAULTS: FaultName[] = [
  'ignore-promisc',
  'hash-low-bits',
  'smc911x-hash-register-bit1',
  'qemu-hash-zlib-crc',
  'no-allmulti-on-overflow',
  'sticky-allmulti',
  'e1000-filter-type-1',
  'tulip-perfect-15',
  'qemu-table-65',
  'rxconfig-zero-at-open',
  'relay-drops-last-update',
  'relay-truncates-list',
  'libvirt-mc-overflow-ignored',
];

const PROFILES: NicProfile[] = [
  ...builtinProfiles(),
  ...['e1000:1', 'e1000:2', 'e1000:3', 'exact-strict:0', 'exact-strict:16', 'ldd3-ff:1', 'kni-mc+tun', 'tap-relay+e1000:0', 'kni-flags', 'tap-stub'].map(
    (name) => resolveProfile(name),
  ),
];

type Op =
  | { readonly kind: 'add' | 'del' | 'purge'; readonly i: number }
  | { readonly kind: 'flags'; readonly promisc: boolean; readonly allmulti: boolean }
  | { readonly kind: 'program' };

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 6, arbitrary: fc.record({ kind: fc.constant('add' as const), i: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('del' as const), i: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('purge' as const), i: fc.nat({ max: POOL.length - 1 }) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('flags' as const), promisc: fc.boolean(), allmulti: fc.boolean() }) },
  { weight: 6, arbitrary: fc.constant({ kind: 'program' as const }) },
);

function run(profile: NicProfile, faults: FaultSet, ops: readonly Op[]): void {
  const list = new DeviceList();
  const incremental = profile.create(OWN, faults);
  const reference = profile.create(OWN, faults);
  let flags = { promisc: false, allmulti: false };
  for (const o of ops) {
    if (o.kind === 'add') list.add(POOL[o.i] as Mac);
    else if (o.kind === 'del') list.del(POOL[o.i] as Mac);
    else if (o.kind === 'purge') list.purge(POOL[o.i] as Mac);
    else if (o.kind === 'flags') flags = { promisc: o.promisc, allmulti: o.allmulti };
    else {
      const full: RxMode = { ...flags, mc: list.addrs() };
      const got = incremental.program(rxModeOf('test', list, flags.promisc, flags.allmulti));
      expect(got).toEqual(reference.program(full));
      expect(incremental.state()).toEqual(reference.state());
      // One assertion over every probe (a vitest expect per probe cost most of this file's time).
      expect(PROBES.map((probe) => [probe, incremental.accept(probe)])).toEqual(PROBES.map((probe) => [probe, reference.accept(probe)]));
    }
  }
}

describe('incremental rx-mode programming equals programming with the full list', () => {
  it.each(PROFILES.map((p) => [p.name, p] as const))('%s', (_name, profile) => {
    fc.assert(
      fc.property(fc.subarray(FILTER_FAULTS), fc.array(op, { maxLength: 160 }), (faults, ops) => {
        run(profile, new Set(faults), ops);
      }),
      { numRuns: 60 },
    );
  });

  it('a long run of adds then deletes from the head crosses every threshold the same way', () => {
    for (const profile of PROFILES) {
      const ops: Op[] = [];
      for (let i = 0; i < POOL.length; i++) ops.push({ kind: 'add', i }, { kind: 'program' });
      for (let i = 0; i < POOL.length; i++) ops.push({ kind: 'del', i }, { kind: 'program' });
      run(profile, new Set(), ops);
    }
  });
});
