// The routing differential on the live kernel (root, iproute2, network namespaces): 50 random
// routing scenarios agree with the model, and a model with a routing fault is told apart.
// Elsewhere it prints `SKIP route differential: <reason>` and skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDifference, diffRouteScenario, routeDiff } from '../../src/kernel/route-diff.ts';
import { RouteBench } from '../../src/kernel/route-bench.ts';
import { kernelFeatureMissing } from '../../src/kernel/features.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { ROUTER_SETUP } from '../../src/route/arbitraries.ts';
import { TTL_THRESHOLD_GE } from '../../src/route/faults.ts';
import type { RouteOp } from '../../src/route/types.ts';

const reason = kernelModeUnavailable() ?? kernelFeatureMissing('ip_mroute', 'ip6_mroute');
if (reason) console.log(`SKIP route differential: ${reason}`);

describe.skipIf(reason !== null)('route differential (live kernel)', () => {
  let bench: RouteBench;
  beforeAll(() => {
    bench = new RouteBench();
  });
  afterAll(() => bench?.dispose());

  it('50 random routing scenarios: the model agrees with the kernel', () => {
    const report = routeDiff(bench, { runs: 50, seed: 1013 });
    expect(report.difference === null ? null : describeDifference(report.difference)).toBeNull();
    expect(report.runs).toBe(50);
  });

  it('a datagram at exactly the threshold is not forwarded by the kernel, so a >= model differs', () => {
    const scenario = [
      ...ROUTER_SETUP,
      { op: 'mfc-add', socket: 'r4', origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 3, 4] },
      { op: 'send', id: 'd0', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 4, length: 44 },
    ] as const;
    expect(diffRouteScenario(bench, scenario)).toBeNull();
    const d = diffRouteScenario(bench, scenario, new Set([TTL_THRESHOLD_GE]));
    expect(d?.what).toBe('copies');
    expect(d?.kernel).toEqual(['d0 eth1 ttl 3']);
    expect(d?.model).toEqual(['d0 eth1 ttl 3', 'd0 eth2 ttl 3']);
  });

  it('deleting a router interface takes its vifs: the kernel and the model agree, a model that keeps them differs', () => {
    const scenario = [
      ...ROUTER_SETUP,
      { op: 'mfc-add', socket: 'r4', origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 1, 1] },
      { op: 'link-del', iface: 'eth2' },
      { op: 'send', id: 'd0', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 4, length: 44 },
      { op: 'vif-add', socket: 'r4', vif: 5, iface: 'eth2' },
    ] as const;
    expect(diffRouteScenario(bench, scenario)).toBeNull();
    // The bench brought eth2 back with its ifindex: the same scenario runs again and agrees.
    expect(diffRouteScenario(bench, scenario)).toBeNull();
    // What the kernel did, by hand: d0 leaves only on eth1, eth2's vifs are gone from /proc, and
    // the vif-add naming the gone device is EADDRNOTAVAIL.
    try {
      const results = scenario.map((o) => bench.apply(o));
      expect(results[results.length - 2]?.copies.map((c) => `${c.id} ${c.iface} ttl ${c.ttl}`)).toEqual(['d0 eth1 ttl 3']);
      expect(results[results.length - 1]?.error).toBe('EADDRNOTAVAIL');
      const state = bench.state();
      expect(state.proc.ip_mr_vif).not.toContain('eth2');
      expect(state.proc.ip6_mr_vif).not.toContain('eth2');
      expect(state.allmulti['eth2']).toBeUndefined();
    } finally {
      bench.reset();
    }
  });

  it('MRT_PIM 4: a datagram on the wrong vif gives WRONGVIF and WRVIFWHOLE upcalls, also for a non-output arrival vif; the model agrees byte for byte', () => {
    for (const family of ['ipv4', 'ipv6'] as const) {
      const v4 = family === 'ipv4';
      const socket = v4 ? 'r4' : 'r6';
      const scenario: RouteOp[] = [
        ...ROUTER_SETUP,
        { op: 'mrt-pim', socket, value: 4 },
        v4
          ? { op: 'mfc-add', socket, origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 0, 1] }
          : { op: 'mfc-add', socket, origin: '2001:db8::2', group: 'ff05::1', parent: 0, oifs: [2] },
        // Arrives on eth1 (vif 1, not an output): only PIM mode asserts for it.
        { op: 'send', id: 'd0', iface: 'eth1', src: v4 ? '10.0.0.2' : '2001:db8::2', group: v4 ? '239.1.1.1' : 'ff05::1', ttl: 4, length: v4 ? 44 : 64 },
      ];
      expect(diffRouteScenario(bench, scenario)).toBeNull();
      try {
        const last = scenario.map((o) => bench.apply(o)).at(-1);
        const types = (last?.upcalls ?? []).map((u) => (u.family === 'ipv4' ? u.raw[8] : u.raw[1]));
        expect(types.sort()).toEqual([2, 4]); // IGMPMSG_WRONGVIF, IGMPMSG_WRVIFWHOLE (MRT6MSG_WRONGMIF, MRT6MSG_WRMIFWHOLE)
      } finally {
        bench.reset();
      }
    }
  });
});
