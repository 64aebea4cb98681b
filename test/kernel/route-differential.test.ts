// The routing differential on the live kernel (root, iproute2, network namespaces): 50 random
// routing scenarios agree with the model, and a model with a routing fault is told apart.
// Elsewhere it prints `SKIP route differential: <reason>` and skips.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDifference, diffRouteScenario, routeDiff } from '../../src/kernel/route-diff.ts';
import { RouteBench } from '../../src/kernel/route-bench.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { ROUTER_SETUP } from '../../src/route/arbitraries.ts';
import { TTL_THRESHOLD_GE } from '../../src/route/faults.ts';

const reason = kernelModeUnavailable();
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
});
