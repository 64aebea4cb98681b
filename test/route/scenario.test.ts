// Routing inside scenarios: random routing scenarios through simulate (the host model with its
// NIC profiles) against the oracle (src/oracle, which answers route steps with src/oracle/route):
// errors, what routing did with each datagram the NIC passed, replays, and the allmulti each vif
// holds on its device. Plus one hand-written scenario whose expectations are derived by hand.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Oracle } from '../../src/oracle/index.ts';
import { IFACES, ROUTER_SETUP, forwardBurst, queueBurst, routeOps } from '../../src/route/arbitraries.ts';
import type { RouteOp } from '../../src/route/types.ts';
import type { AnyStep, InterfaceSpec, Scenario, Step } from '../../src/scenario/types.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { simulate } from '../../src/simulate.ts';

const INTERFACES: InterfaceSpec[] = IFACES.map((name, i) => ({
  name,
  mac: `02:00:00:00:01:0${i}`,
  ipv4: [`10.0.${i}.1/24`],
  ipv6: [`2001:db8:${i}::1/64`],
}));

/** RouteOp -> scenario step (MRT_ASSERT rides on mrt-init; close is mrt-done with close). */
function toStep(op: RouteOp): AnyStep | null {
  switch (op.op) {
    case 'mrt-assert':
      return null;
    case 'close':
      return { op: 'mrt-done', socket: op.socket, close: true };
    case 'vif-add':
      return op.register ? { op: 'vif-add', socket: op.socket, vif: op.vif, register: true } : op.iface === 'nosuch' ? null : { ...op };
    case 'send':
      return { op: 'send', id: op.id, iface: op.iface, src: op.src, dst: op.group, port: 5000, ttl: op.ttl };
    default:
      return { ...op } as AnyStep;
  }
}

function scenarioOf(ops: readonly RouteOp[], nic: string): Scenario {
  const steps = ops.flatMap((o) => {
    const s = toStep(o);
    return s ? [s] : [];
  });
  return { schema: 'mcast-testbench/scenario@1', interfaces: INTERFACES.map((i) => ({ ...i, nic })), steps: steps as Step[] };
}

const scenarios = fc.oneof(
  routeOps(30),
  routeOps(30).map((o) => [...ROUTER_SETUP, ...o]),
  queueBurst.map((o) => [...ROUTER_SETUP, ...o]),
  forwardBurst.map((o) => [...ROUTER_SETUP, ...o]),
);

describe('routing in scenarios: simulate against the oracle', () => {
  for (const nic of ['accept-all', 'ldd3-ff:4', 'rtl8139']) {
    it(`${nic}: errors, routed datagrams, replays and allmulti agree`, () => {
      fc.assert(
        fc.property(scenarios, (ops) => {
          const scenario = scenarioOf(ops, nic);
          validateScenario(scenario);
          const out = simulate(scenario);
          const oracle = new Oracle(scenario.interfaces);
          scenario.steps.forEach((step, i) => {
            const where = `step ${i} ${JSON.stringify(step)}`;
            const want = oracle.apply(step);
            const got = out.steps[i]!;
            expect(got.error, where).toBe(want.error);
            if (step.op === 'send') {
              const d = out.deliveries[step.id]!;
              if (want.verdict === 'must') expect(d.nic, where).toBe(true);
              if (d.nic && want.routed) {
                expect({ route: d.route, forwarded: d.forwarded, upcalls: d.upcalls }, where).toEqual({
                  route: want.routed.verdict,
                  forwarded: want.routed.forwarded.map((c) => ({ iface: c.iface, ttl: c.ttl })),
                  upcalls: want.routed.upcalls,
                });
              }
            }
            if ((step as AnyStep).op === 'mfc-add' && want.error === null) {
              expect(got.replayed, where).toEqual(
                (want.replayed ?? []).map((r) => ({ id: r.id, forwarded: r.forwarded.map((c) => ({ iface: c.iface, ttl: c.ttl })), upcalls: r.upcalls })),
              );
            }
          });
          for (const iface of IFACES) expect(out.interfaces[iface]!.allmulti, iface).toBe(oracle.counters(iface).allmulti);
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
});
