// Laws of the host model over random step sequences (small runs; `check` does the heavy lifting
// against the oracle). Expected values come from the laws, not from running the model twice.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../src/faults.ts';
import type { Step } from '../../src/scenario/types.ts';
import { ETH0, ETH1, host } from './helpers.ts';

// A few groups that alias pairwise (224.1.1.1 / 225.1.1.1 / 232.1.1.1 share 01:00:5e:01:01:01;
// 239.0.0.1 shares 224.0.0.1's MAC; ff02::1:ff00:2 is the kernel's solicited-node group).
const V4_GROUPS = ['224.1.1.1', '225.1.1.1', '232.1.1.1', '239.0.0.1', '224.0.0.1', '239.255.255.250'];
const V6_GROUPS = ['ff02::1', 'ff02::1:ff00:2', 'ff05::1:3', 'ff01::7', 'ff3e::8000:1'];
const V4_SOURCES = ['192.0.2.1', '192.0.2.2', '192.0.2.3'];
const V6_SOURCES = ['2001:db8::a', '2001:db8::b'];
const SOCKETS = [
  { socket: 'a', family: 'ipv4' as const },
  { socket: 'b', family: 'ipv4' as const },
  { socket: 'c', family: 'ipv6' as const },
  { socket: 'd', family: 'ipv6' as const },
];
const MACS = ['01:00:5e:01:01:01', '01:00:5e:7f:00:01', '33:33:00:00:00:01', '33:33:ff:00:00:02'];

const membershipStep: fc.Arbitrary<Step> = fc
  .record({
    s: fc.constantFrom(...SOCKETS),
    i: fc.nat(100),
    iface: fc.constantFrom('eth0', 'eth1'),
    kind: fc.constantFrom('join', 'join', 'include', 'exclude', 'leave'),
    n: fc.integer({ min: 1, max: 2 }),
  })
  .map(({ s, i, iface, kind, n }) => {
    const groups = s.family === 'ipv4' ? V4_GROUPS : V6_GROUPS;
    const sources = s.family === 'ipv4' ? V4_SOURCES : V6_SOURCES;
    const group = groups[i % groups.length]!;
    if (kind === 'leave') return { op: 'leave', socket: s.socket, group, iface };
    if (kind === 'join') return { op: 'join', socket: s.socket, group, iface };
    return { op: 'join', socket: s.socket, group, iface, mode: kind, sources: sources.slice(i % 2, (i % 2) + n) };
  });

const deviceStep: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('maddr' as const), iface: fc.constantFrom('eth0', 'eth1'), mac: fc.constantFrom(...MACS), add: fc.boolean() }),
  fc.record({ op: fc.constantFrom('promisc' as const, 'allmulti' as const), iface: fc.constantFrom('eth0', 'eth1'), on: fc.boolean() }),
);

const steps = fc.array(fc.oneof({ weight: 4, arbitrary: membershipStep }, { weight: 1, arbitrary: deviceStep }), { maxLength: 25 });

function openAll(): Step[] {
  return SOCKETS.map(({ socket, family }) => ({ op: 'open', socket, family, bind: family === 'ipv4' ? '0.0.0.0' : '::', port: 5000 }));
}

describe('host laws', () => {
  test.prop([steps], { numRuns: 100 })('closing every socket, deleting global addresses and clearing the flags restores the fresh interface', (seq) => {
    restoresFresh(seq, []);
  });

  it('that law fails under refcount-not-decremented and shared-mac-removed', () => {
    for (const fault of ['refcount-not-decremented', 'shared-mac-removed'] as const) {
      const out = fc.check(fc.property(steps, (seq) => restoresFresh(seq, [fault])), { numRuns: 300, seed: 42 });
      expect(out.failed, fault).toBe(true);
    }
  });
});

/** Runs the steps, then undoes everything a user can undo; the device list must be the fresh one. */
function restoresFresh(seq: Step[], faults: FaultName[]): void {
  const fresh = host({ interfaces: [ETH0, ETH1] });
  const h = host({ interfaces: [ETH0, ETH1], faults });
  for (const s of [...openAll(), ...seq]) h.apply(s);
  for (const { socket } of SOCKETS) expect(h.apply({ op: 'close', socket }).error).toBeNull();
  for (const iface of ['eth0', 'eth1']) {
    // A global reference is one per MAC, so one delete each is enough; ENOENT where none was added.
    for (const mac of MACS) h.apply({ op: 'maddr', iface, mac, add: false });
    h.apply({ op: 'promisc', iface, on: false });
    h.apply({ op: 'allmulti', iface, on: false });
    expect(h.deviceList(iface)).toEqual(fresh.deviceList(iface));
    expect(h.counters(iface)).toEqual({ promisc: 0, allmulti: 0 });
  }
}

describe('host laws, continued', () => {
  test.prop([steps], { numRuns: 100 })('the NIC always last saw the flags and the whole device list, in list order', (seq) => {
    const h = host({ interfaces: [ETH0, ETH1] });
    for (const s of [...openAll(), ...seq]) {
      h.apply(s);
      for (const iface of ['eth0', 'eth1']) {
        const c = h.counters(iface);
        expect(h.rxMode(iface)).toEqual({
          promisc: c.promisc > 0,
          allmulti: c.allmulti > 0,
          mc: h.deviceList(iface).map((e) => e.mac),
        });
      }
    }
  });

  test.prop([steps], { numRuns: 100 })('counters are 0 or 1 (one user flag each) and every entry has a positive refcount', (seq) => {
    const h = host({ interfaces: [ETH0, ETH1] });
    for (const s of [...openAll(), ...seq]) h.apply(s);
    for (const iface of ['eth0', 'eth1']) {
      const c = h.counters(iface);
      expect([0, 1]).toContain(c.promisc);
      expect([0, 1]).toContain(c.allmulti);
      const list = h.deviceList(iface);
      for (const e of list) expect(e.users).toBeGreaterThan(0);
      expect(new Set(list.map((e) => e.mac)).size).toBe(list.length);
    }
  });
});
