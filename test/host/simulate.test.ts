// simulate(): output shape (src/scenario/types.ts) and bad input as InputError, never a crash.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import type { Scenario, Step } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { ETH0, ETH1 } from './helpers.ts';

function scenario(steps: Step[], interfaces = [ETH0]): Scenario {
  return { schema: 'mcast-testbench/scenario@1', interfaces, steps };
}

describe('simulate', () => {
  it('steps carry op and errno; mc is sorted by MAC; deliveries are keyed by id with sorted sockets', () => {
    const r = simulate(
      scenario([
        { op: 'open', socket: 'zeta', family: 'ipv4', bind: '0.0.0.0', port: 9 },
        { op: 'open', socket: 'alpha', family: 'ipv4', bind: '0.0.0.0', port: 9 },
        { op: 'join', socket: 'zeta', group: '224.1.1.1', iface: 'eth0' },
        { op: 'join', socket: 'zeta', group: '224.1.1.1', iface: 'eth0' },
        { op: 'send', id: 'm1', iface: 'eth0', src: '192.0.2.1', dst: '224.1.1.1', port: 9 },
        { op: 'frame', id: 'f1', iface: 'eth0', dst: '01:00:5e:00:00:fb' },
        { op: 'promisc', iface: 'eth0', on: true },
      ]),
    );
    expect(r.steps).toEqual([
      { op: 'open', error: null },
      { op: 'open', error: null },
      { op: 'join', error: null },
      { op: 'join', error: 'EADDRINUSE' },
      { op: 'send', error: null },
      { op: 'frame', error: null },
      { op: 'promisc', error: null },
    ]);
    // Sorted by the 12 hex digits: 01:00:5e:… before 33:33:…
    expect(r.interfaces.eth0?.mc).toEqual([
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '01:00:5e:01:01:01', users: 1 },
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '33:33:ff:00:00:02', users: 1 },
    ]);
    expect(r.interfaces.eth0?.promisc).toBe(1);
    expect(r.interfaces.eth0?.allmulti).toBe(0);
    expect(r.deliveries).toEqual({ m1: { nic: true, sockets: ['alpha', 'zeta'] }, f1: { nic: true, sockets: [] } });
  });

  it('options.profile overrides each interface nic', () => {
    const r = simulate(scenario([{ op: 'frame', id: 'f', iface: 'eth0', dst: '01:00:5e:00:00:fb' }], [{ ...ETH0, nic: 'accept-all' }]), {
      profile: 'exact-strict:8',
    });
    expect(r.deliveries.f).toEqual({ nic: false, sockets: [] });
  });

  it('interfaces are reported by name, each with its own list', () => {
    const r = simulate(scenario([{ op: 'maddr', iface: 'eth1', mac: '01:00:5e:00:00:fb', add: true }], [ETH0, ETH1]));
    expect(Object.keys(r.interfaces)).toEqual(['eth0', 'eth1']);
    expect(r.interfaces.eth1?.mc.map((e) => e.mac)).toContain('01:00:5e:00:00:fb');
    expect(r.interfaces.eth0?.mc.map((e) => e.mac)).not.toContain('01:00:5e:00:00:fb');
  });

  it.each([
    [[{ op: 'open', socket: 's', family: 'ipv4', bind: '0.0.0.0', port: 1 }, { op: 'join', socket: 's', group: '224.1.1', iface: 'eth0' }], '/steps/1/group'],
    [[{ op: 'join', socket: 's', group: '224.1.1.1', iface: 'eth7' }], '/steps/0/iface'],
    [[{ op: 'open', socket: 's', family: 'ipv4', bind: '::', port: 1 }], '/steps/0/bind'],
    [[{ op: 'open', socket: 's', family: 'ipv4', bind: '0.0.0.0', port: 70000 }], '/steps/0/port'],
    [[{ op: 'open', socket: 's', family: 'ipv6', bind: '::', port: 1 }, { op: 'join', socket: 's', group: '224.1.1.1', iface: 'eth0' }], '/steps/1/group'],
    [[{ op: 'maddr', iface: 'eth0', mac: '01:00:5e', add: true }], '/steps/0/mac'],
    [[{ op: 'send', id: 'x', iface: 'eth0', src: '192.0.2.1', dst: '10.0.0.1', port: 1 }], '/steps/0/dst'],
    [[{ op: 'frame', id: 'x', iface: 'eth0', dst: '01:00:5e:00:00:01' }, { op: 'frame', id: 'x', iface: 'eth0', dst: '01:00:5e:00:00:01' }], '/steps/1/id'],
    [[{ op: 'reboot' }], '/steps/0/op'],
    [[{ op: 'promisc', iface: 'eth0', on: 'yes' }], '/steps/0/on'],
    [[{ op: 'maddr', iface: 'eth0', mac: '01:00:5e:00:00:09', add: 1 }], '/steps/0/add'],
    [[{ op: 'open', socket: 's', family: 'ipv4', bind: '0.0.0.0', port: 0 }], '/steps/0/port'],
  ])('bad step %# is an InputError naming %s', (steps, where) => {
    let caught: unknown;
    try {
      simulate(scenario(steps as Step[]));
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(InputError);
    expect((caught as InputError).where).toBe(where);
  });

  it.each([
    [[{ ...ETH0, mac: '01:00:5e:00:00:01' }], '/interfaces/0/mac'],
    [[{ ...ETH0, mac: 'zz' }], '/interfaces/0/mac'],
    [[ETH0, ETH0], '/interfaces/1/name'],
    [[{ ...ETH0, ipv4: ['10.0.0.1'] }], '/interfaces/0/ipv4/0'],
    [[{ ...ETH0, ipv6: ['10.0.0.1/24'] }], '/interfaces/0/ipv6/0'],
    [[{ ...ETH0, nic: 'no-such-nic' }], '/interfaces/0/nic'],
  ])('bad interface %# is an InputError naming %s', (interfaces, where) => {
    expect(() => simulate(scenario([], interfaces as never))).toThrow(InputError);
    try {
      simulate(scenario([], interfaces as never));
    } catch (e) {
      expect((e as InputError).where).toBe(where);
    }
  });

  test.prop([fc.array(fc.record({ op: fc.constantFrom('open', 'join', 'leave', 'close', 'maddr', 'promisc', 'allmulti', 'send', 'frame', 'x'), socket: fc.anything(), group: fc.anything(), iface: fc.constantFrom('eth0', 'eth1', 7), family: fc.anything(), bind: fc.anything(), port: fc.anything(), mode: fc.anything(), sources: fc.anything(), mac: fc.anything(), add: fc.anything(), on: fc.anything(), id: fc.anything(), src: fc.anything(), dst: fc.anything() }, { requiredKeys: ['op'] }), { maxLength: 6 })], { numRuns: 150 })(
    'junk steps give a result or an InputError, never another exception',
    (steps) => {
      try {
        const r = simulate(scenario(steps as unknown as Step[]));
        expect(r.steps.length).toBe(steps.length);
      } catch (e) {
        expect(e).toBeInstanceOf(InputError);
      }
    },
  );
});
