// Routing inside scenarios: random routing scenarios through simulate (the host model with its
// NIC profiles) against the oracle (src/oracle, which answers route steps with src/oracle/route):
// errors, what routing did with each datagram the NIC passed, replays, and the allmulti each vif
// holds on its device. Plus one hand-written scenario whose expectations are derived by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { routeProblem, routeScenario, routeScenarioOps } from '../../src/check/route-property.ts';
import { IFACES } from '../../src/route/arbitraries.ts';
import type { InterfaceSpec, Step } from '../../src/scenario/types.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { simulate } from '../../src/simulate.ts';

const INTERFACES: InterfaceSpec[] = IFACES.map((name, i) => ({
  name,
  mac: `02:00:00:00:01:0${i}`,
  ipv4: [`10.0.${i}.1/24`],
  ipv6: [`2001:db8:${i}::1/64`],
}));

describe('routing in scenarios: simulate against the oracle', () => {
  // The property `check` runs on every profile (src/check/route-property.ts).
  for (const nic of ['accept-all', 'ldd3-ff:4', 'rtl8139']) {
    it(`${nic}: errors, routed datagrams, replays and allmulti agree`, () => {
      fc.assert(
        fc.property(routeScenarioOps, (ops) => {
          const scenario = routeScenario(ops, nic);
          validateScenario(scenario);
          expect(routeProblem(scenario)).toBeNull();
        }),
        { numRuns: 150 },
      );
    });
  }

  it('a vif puts an exact-filter NIC in all-multicast: an unjoined group reaches routing and is forwarded (hand-derived)', () => {
    const scenario = {
      schema: 'mcast-testbench/scenario@1' as const,
      interfaces: INTERFACES.slice(0, 2).map((i) => ({ ...i, nic: 'ldd3-ff:4' })),
      steps: [
        { op: 'send', id: 'before', iface: 'eth0', src: '10.0.0.2', dst: '239.1.2.3', port: 5000, ttl: 8 },
        { op: 'mrt-init', socket: 'mrouted', family: 'ipv4' },
        { op: 'vif-add', socket: 'mrouted', vif: 0, iface: 'eth0' },
        { op: 'vif-add', socket: 'mrouted', vif: 1, iface: 'eth1' },
        { op: 'mfc-add', socket: 'mrouted', origin: '10.0.0.2', group: '239.1.2.3', parent: 0, ttls: [0, 8] },
        // TTL 8 is not above threshold 8: not forwarded; TTL 9 leaves with 8.
        { op: 'send', id: 'at', iface: 'eth0', src: '10.0.0.2', dst: '239.1.2.3', port: 5000, ttl: 8 },
        { op: 'send', id: 'above', iface: 'eth0', src: '10.0.0.2', dst: '239.1.2.3', port: 5000, ttl: 9 },
        { op: 'mrt-done', socket: 'mrouted' },
      ] as unknown as Step[],
    };
    validateScenario(scenario);
    const out = simulate(scenario);
    expect(out.deliveries['before']).toEqual({ nic: false, sockets: [] });
    expect(out.deliveries['at']).toMatchObject({ nic: true, route: 'forwarded', forwarded: [] });
    expect(out.deliveries['above']).toMatchObject({ nic: true, route: 'forwarded', forwarded: [{ iface: 'eth1', ttl: 8 }] });
    // Closing the routing socket removes its vifs, and with them their allmulti counts.
    expect(out.interfaces['eth0']!.allmulti).toBe(0);
    expect(out.steps[6]!.proc!.ip_mr_cache).toBe(
      'Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n030201EF 0200000A 0          2       88        0  1:8  \n',
    );
  });
  it('daemon calls as steps: a vif by local address, a 100-byte payload in the byte counters, MRT_FLUSH of the entries only (hand-derived)', () => {
    const scenario = {
      schema: 'mcast-testbench/scenario@1' as const,
      interfaces: INTERFACES,
      steps: [
        { op: 'mrt-init', socket: 'pimd', family: 'ipv4' },
        { op: 'vif-add', socket: 'pimd', vif: 0, local: '10.0.0.1', threshold: 1 },
        { op: 'vif-add', socket: 'pimd', vif: 1, local: '10.0.1.1' },
        { op: 'vif-add', socket: 'pimd', vif: 2, iface: 'eth9' },
        { op: 'mfc-add', socket: 'pimd', origin: '10.0.0.2', group: '239.1.2.3', parent: 0, ttls: [0, 1] },
        { op: 'send', id: 'd', iface: 'eth0', src: '10.0.0.2', dst: '239.1.2.3', port: 5000, ttl: 2, payload: 100 },
        { op: 'mrt-flush', socket: 'pimd', flags: 1 },
      ] as unknown as Step[],
    };
    validateScenario(scenario);
    expect(routeProblem(scenario)).toBeNull();
    const out = simulate(scenario);
    expect(out.steps[3]!.error).toBe('EADDRNOTAVAIL'); // no device eth9
    expect(out.deliveries['d']).toMatchObject({ route: 'forwarded', forwarded: [{ iface: 'eth1', ttl: 1 }] });
    // 100 + 8 (UDP) + 20 (IP) = 128 bytes = 0x80 in, on vif 0, and out, on vif 1; Flags 00000, Local the address.
    expect(out.steps[5]!.proc!.ip_mr_vif.split('\n').slice(1, 3)).toEqual([
      ' 0 eth0            128       1         0       0 00000 0100000A 00000000',
      ' 1 eth1              0       0       128       1 00000 0101000A 00000000',
    ]);
    expect(out.steps[5]!.proc!.ip_mr_cache).toContain('       1      128        0');
    // The flush took the entry and left the vifs (and their allmulti counts).
    expect(out.steps[6]!.proc!.ip_mr_cache).toBe('Group    Origin   Iif     Pkts    Bytes    Wrong Oifs\n');
    expect(out.interfaces['eth1']!.allmulti).toBe(1);
  });
});
