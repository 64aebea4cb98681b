// Laws of the oracle that follow from kernel rules, checked over random step sequences (small
// runs: two shared cores). Expected values are the rules themselves, not oracle output.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { Oracle } from '../../src/oracle/index.ts';
import type { InterfaceSpec, Step } from '../../src/scenario/types.ts';

const IFACES: InterfaceSpec[] = [
  { name: 'eth0', mac: '02:00:00:00:00:10', ipv6: ['fd00::2/64'] },
  { name: 'eth1', mac: '02:00:00:00:00:11', disableIpv6: true },
];
const SOCKETS = ['a', 'b', 'c'];
const GROUPS4 = ['224.1.1.1', '225.1.1.1', '239.0.0.1', '239.1.1.1', '239.129.1.1', '239.2.2.2'];
const PROFILES = ['accept-all', 'ldd3-nf', 'allmulti-only', 'ldd3-ff:2', 'exact-strict:3', 'hash64', 'tun'];

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({
    op: fc.constant('join' as const),
    socket: fc.constantFrom(...SOCKETS),
    group: fc.constantFrom(...GROUPS4),
    iface: fc.constantFrom('eth0', 'eth1'),
  }),
  fc.record({
    op: fc.constant('leave' as const),
    socket: fc.constantFrom(...SOCKETS),
    group: fc.constantFrom(...GROUPS4),
    iface: fc.constantFrom('eth0', 'eth1'),
  }),
  fc.record({
    op: fc.constant('maddr' as const),
    iface: fc.constantFrom('eth0', 'eth1'),
    mac: fc.constantFrom('01:00:5e:01:01:01', '01:00:5e:7f:00:01', '33:33:00:00:00:01'),
    add: fc.boolean(),
  }),
  fc.record({ op: fc.constantFrom('promisc' as const, 'allmulti' as const), iface: fc.constantFrom('eth0', 'eth1'), on: fc.boolean() }),
);

function fresh(profile: string): Oracle {
  const oracle = new Oracle(IFACES, { profile });
  for (const s of SOCKETS) oracle.apply({ op: 'open', socket: s, family: 'ipv4', bind: '0.0.0.0', port: 5000 });
  return oracle;
}

describe('oracle laws', () => {
  it('closing every socket and undoing maddr/flags restores the interface at creation', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROFILES), fc.array(stepArb, { maxLength: 25 }), (profile, steps) => {
        const oracle = fresh(profile);
        const initial = IFACES.map((i) => oracle.deviceList(i.name));
        for (const step of steps) oracle.apply(step);
        for (const s of SOCKETS) expect(oracle.apply({ op: 'close', socket: s }).error).toBeNull();
        for (const i of IFACES) {
          for (const mac of ['01:00:5e:01:01:01', '01:00:5e:7f:00:01', '33:33:00:00:00:01']) {
            oracle.apply({ op: 'maddr', iface: i.name, mac, add: false });
          }
          oracle.apply({ op: 'promisc', iface: i.name, on: false });
          oracle.apply({ op: 'allmulti', iface: i.name, on: false });
          expect(oracle.counters(i.name)).toEqual({ promisc: 0, allmulti: 0 });
        }
        // dev_addr_lists.c: an entry lives exactly as long as its references; the automatic
        // entries were never released, so they are back in their original order.
        expect(IFACES.map((i) => oracle.deviceList(i.name))).toEqual(initial);
      }),
      { numRuns: 100 },
    );
  });

  it('own MAC and broadcast are always must; under PROMISC everything is must', () => {
    fc.assert(
      fc.property(fc.constantFrom(...PROFILES), fc.array(stepArb, { maxLength: 15 }), (profile, steps) => {
        const oracle = fresh(profile);
        for (const step of steps) oracle.apply(step);
        expect(oracle.classify('eth0', '02:00:00:00:00:10')).toBe('must');
        expect(oracle.classify('eth0', 'ff:ff:ff:ff:ff:ff')).toBe('must');
        oracle.apply({ op: 'promisc', iface: 'eth0', on: true });
        for (const mac of ['02:00:00:00:00:99', '01:00:5e:55:44:33', '33:33:12:34:56:78']) {
          expect(oracle.classify('eth0', mac)).toBe('must');
        }
      }),
      { numRuns: 100 },
    );
  });

  it('every device-list MAC is must where the profile programs the whole list', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('accept-all', 'allmulti-only', 'ldd3-ff:2', 'hash64', 'tun'),
        fc.array(stepArb, { maxLength: 25 }),
        (profile, steps) => {
          const oracle = fresh(profile);
          for (const step of steps) oracle.apply(step);
          for (const i of IFACES) for (const e of oracle.deviceList(i.name)) expect(oracle.classify(i.name, e.mac)).toBe('must');
        },
      ),
      { numRuns: 100 },
    );
  });

  it('refcounts count one per group holding the MAC plus one per global add', () => {
    // 224.1.1.1, 225.1.1.1 and 239.129.1.1 all map to 01:00:5e:01:01:01 (low 23 bits 0x010101);
    // 239.0.0.1 shares 224.0.0.1's MAC. Memberships on one interface by several sockets are one
    // group each.
    fc.assert(
      fc.property(fc.subarray(['224.1.1.1', '225.1.1.1', '239.129.1.1']), fc.subarray(SOCKETS, { minLength: 1 }), fc.boolean(), (groups, socks, global) => {
        const oracle = fresh('accept-all');
        for (const s of socks) for (const g of groups) oracle.apply({ op: 'join', socket: s, group: g, iface: 'eth1' });
        if (global) oracle.apply({ op: 'maddr', iface: 'eth1', mac: '01:00:5e:01:01:01', add: true });
        const entry = oracle.deviceList('eth1').find((e) => e.mac === '01:00:5e:01:01:01');
        const expected = groups.length + (global ? 1 : 0);
        expect(entry?.users ?? 0).toBe(expected);
      }),
      { numRuns: 60 },
    );
  });
});

describe('bad input', () => {
  it('a junk step is an InputError or a result, never another exception', () => {
    const plausible = fc.constantFrom('eth0', 'a', 'ipv4', 'include', '239.1.1.1', 'ff02::1', '10.0.0.9', '01:00:5e:00:00:01', 5000);
    const junk = fc.oneof(plausible, fc.string(), fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.oneof(plausible, fc.string()), { maxLength: 3 }));
    const ops = fc.constantFrom('open', 'join', 'leave', 'close', 'maddr', 'promisc', 'allmulti', 'send', 'frame', 'bogus');
    const field = fc.constantFrom('socket', 'iface', 'group', 'bind', 'port', 'family', 'mode', 'sources', 'mac', 'add', 'on', 'src', 'dst', 'id');
    fc.assert(
      fc.property(ops, fc.dictionary(field, junk, { maxKeys: 6 }), (op, fields) => {
        const oracle = fresh('tun');
        try {
          const result = oracle.apply({ ...fields, op } as unknown as Step);
          expect(result).toHaveProperty('error');
        } catch (e) {
          expect(e).toBeInstanceOf(InputError);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('malformed step fields', () => {
  it('are InputErrors naming the field', () => {
    const oracle = fresh('accept-all');
    const bad: [string, unknown][] = [
      ['mode', { op: 'join', socket: 'a', group: '239.1.1.1', iface: 'eth0', mode: 'bogus', sources: ['10.0.0.9'] }],
      ['on', { op: 'promisc', iface: 'eth0', on: 'yes' }],
      ['add', { op: 'maddr', iface: 'eth0', mac: '01:00:5e:00:00:09', add: 1 }],
      ['port', { op: 'send', id: 'x', iface: 'eth0', src: '10.0.0.9', dst: '239.1.1.1', port: -1 }],
      ['socket', { op: 'close', socket: 7 }],
      ['sources', { op: 'join', socket: 'a', group: '239.1.1.1', iface: 'eth0', mode: 'include', sources: '10.0.0.9' }],
      ['', null],
    ];
    for (const [where, step] of bad) {
      let thrown: unknown;
      try {
        oracle.apply(step as Step);
      } catch (e) {
        thrown = e;
      }
      expect(thrown, JSON.stringify(step)).toBeInstanceOf(InputError);
      expect((thrown as InputError).where).toBe(where);
    }
  });
});
