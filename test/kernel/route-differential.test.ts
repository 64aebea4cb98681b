// The routing differential on a live kernel: random routing scenarios agree with the model, and a
// model with a routing fault is told apart. It runs on this machine's kernel when it has IPv4 and
// IPv6 multicast routing (root, iproute2, namespaces), else in the QEMU guest (Debian's 6.1, one
// boot for the file: docs/guest.md), else it prints `SKIP route differential: <both reasons>`.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { describeDifference, diffRouteScenario, forKernel, routeDiff } from '../../src/kernel/route-diff.ts';
import { RouteBench } from '../../src/kernel/route-bench.ts';
import { kernelPlace, openKernelHost } from '../../src/guest/kernel-place.ts';
import { ROUTER_SETUP } from '../../src/route/arbitraries.ts';
import { TTL_THRESHOLD_GE } from '../../src/route/faults.ts';
import type { RouteOp } from '../../src/route/types.ts';
import type { KernelHost } from '../../src/sys/kernel-host.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const FEATURES = ['ip_mroute', 'ip6_mroute'] as const;
const place = kernelPlace(FEATURES);
if (place.where === 'none') console.log(`SKIP route differential: ${place.reason}`);
else if (place.where === 'guest') console.log(`route differential: in the QEMU guest (${place.hostReason})`);
/** Scenarios per run: a count, never a time; fewer in the guest (TCG), as docs/guest.md says. */
const RUNS = place.where === 'guest' ? 40 : 50;

describe.skipIf(place.where === 'none').sequential(`route differential (${place.where === 'guest' ? 'QEMU guest' : 'live kernel'})`, () => {
  let host: KernelHost;
  let bench: RouteBench;
  beforeAll(async () => {
    host = await openKernelHost(place, FEATURES);
    bench = await RouteBench.create(host);
  }, HANG_BOUND_MS);
  afterAll(async () => {
    await bench?.dispose();
    await host?.dispose();
  }, HANG_BOUND_MS);

  it(`${RUNS} random routing scenarios: the model agrees with the kernel`, async () => {
    const report = await routeDiff(bench, { runs: RUNS, seed: 1013 });
    expect(report.difference === null ? null : describeDifference(report.difference)).toBeNull();
    expect(report.runs).toBe(RUNS);
  }, HANG_BOUND_MS);

  it('a datagram at exactly the threshold is not forwarded by the kernel, so a >= model differs', async () => {
    const scenario = [
      ...ROUTER_SETUP,
      { op: 'mfc-add', socket: 'r4', origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 3, 4] },
      { op: 'send', id: 'd0', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 4, length: 44 },
    ] as const;
    expect(await diffRouteScenario(bench, scenario)).toBeNull();
    const d = await diffRouteScenario(bench, scenario, new Set([TTL_THRESHOLD_GE]));
    expect(d?.what).toBe('copies');
    expect(d?.kernel).toEqual(['d0 eth1 ttl 3']);
    expect(d?.model).toEqual(['d0 eth1 ttl 3', 'd0 eth2 ttl 3']);
  }, HANG_BOUND_MS);

  it('deleting a router interface takes its vifs: the kernel and the model agree, a model that keeps them differs', async () => {
    const scenario = [
      ...ROUTER_SETUP,
      { op: 'mfc-add', socket: 'r4', origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 1, 1] },
      { op: 'link-del', iface: 'eth2' },
      { op: 'send', id: 'd0', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 4, length: 44 },
      { op: 'vif-add', socket: 'r4', vif: 5, iface: 'eth2' },
    ] as const;
    expect(await diffRouteScenario(bench, scenario)).toBeNull();
    // The bench brought eth2 back with its ifindex: the same scenario runs again and agrees.
    expect(await diffRouteScenario(bench, scenario)).toBeNull();
    // What the kernel did, by hand: d0 leaves only on eth1, eth2's vifs are gone from /proc, and
    // the vif-add naming the gone device is EADDRNOTAVAIL.
    try {
      const results = await bench.applyAll(scenario);
      expect(results[results.length - 2]?.copies.map((c) => `${c.id} ${c.iface} ttl ${c.ttl}`)).toEqual(['d0 eth1 ttl 3']);
      expect(results[results.length - 1]?.error).toBe('EADDRNOTAVAIL');
      const state = await bench.state();
      expect(state.proc.ip_mr_vif).not.toContain('eth2');
      expect(state.proc.ip6_mr_vif).not.toContain('eth2');
      expect(state.allmulti['eth2']).toBeUndefined();
    } finally {
      await bench.reset();
    }
  }, HANG_BOUND_MS);

  it('MRT_PIM 4: a datagram on the wrong vif gives WRONGVIF and WRVIFWHOLE upcalls, also for a non-output arrival vif; the model agrees byte for byte', async () => {
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
      expect(await diffRouteScenario(bench, scenario)).toBeNull();
      try {
        const last = (await bench.applyAll(scenario)).at(-1);
        const types = (last?.upcalls ?? []).map((u) => (u.family === 'ipv4' ? u.raw[8] : u.raw[1]));
        expect(types.sort()).toEqual([2, 4]); // IGMPMSG_WRONGVIF, IGMPMSG_WRVIFWHOLE (MRT6MSG_WRONGMIF, MRT6MSG_WRMIFWHOLE)
      } finally {
        await bench.reset();
      }
    }
  }, HANG_BOUND_MS);

  it('real time: a queued datagram is replayed after a 0.7 s tick and expired after a 10.5 s one, as the model says (in the guest: its clock is the wall clock, no icount)', async () => {
    for (const [ms, copies] of [
      [500, ['d0 eth1 ttl 3', 'd0 eth2 ttl 3']],
      [10_001, []],
    ] as const) {
      const scenario: RouteOp[] = [
        ...ROUTER_SETUP,
        { op: 'send', id: 'd0', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 4, length: 44 },
        { op: 'tick', ms },
        { op: 'mfc-add', socket: 'r4', origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 1, 1] },
      ];
      expect(await diffRouteScenario(bench, scenario, undefined, true)).toBeNull();
      try {
        const last = (await bench.applyAll(forKernel(scenario, true))).at(-1);
        expect(last?.copies.map((c) => `${c.id} ${c.iface} ttl ${c.ttl}`).sort()).toEqual(copies);
      } finally {
        await bench.reset();
      }
    }
  }, HANG_BOUND_MS);
  it('daemon calls (issue 23): a vif by local address, proxy entries per parent, MRT_FLUSH of static vifs, getsockopt; the kernel as written by hand, the model agrees', async () => {
    const sg = { origin: '10.0.0.2', group: '239.1.1.1' };
    const scenario: RouteOp[] = [
      { op: 'mrt-init', socket: 'r4', family: 'ipv4' },
      { op: 'mrt-open', socket: 's4', family: 'ipv4' },
      { op: 'vif-add', socket: 'r4', vif: 0, local: '10.0.0.1', threshold: 200 },
      { op: 'vif-add', socket: 'r4', vif: 1, iface: 'eth1' },
      { op: 'vif-add', socket: 's4', vif: 2, local: '10.0.2.1' }, // static: added by a socket that is not the mroute socket
      { op: 'vif-add', socket: 'r4', vif: 3, local: '10.9.9.9' }, // nobody's address
      { op: 'mfc-add', socket: 'r4', ...sg, parent: 0, ttls: [0, 1, 1], proxy: true },
      { op: 'mfc-add', socket: 'r4', ...sg, parent: 1, ttls: [1, 0, 1], proxy: true },
      // The latest entry of the (S,G) (parent 1): from eth0 the datagram is on the wrong vif.
      { op: 'send', id: 'd0', iface: 'eth0', src: sg.origin, group: sg.group, ttl: 4, length: 144 },
      { op: 'mfc-del', socket: 'r4', ...sg, parent: 1, proxy: true },
      { op: 'send', id: 'd1', iface: 'eth0', src: sg.origin, group: sg.group, ttl: 4, length: 144 },
      { op: 'mrt-assert', socket: 'r4', on: true },
      { op: 'mrt-get', socket: 's4', option: 'assert' },
      { op: 'mrt-get', socket: 'r4', option: 'version' },
      { op: 'mrt-flush', socket: 's4', flags: 8 },
    ];
    expect(await diffRouteScenario(bench, scenario)).toBeNull();
    try {
      const results = await bench.applyAll(scenario);
      expect(results.map((r) => r.error)).toEqual([null, null, null, null, null, 'EADDRNOTAVAIL', null, null, null, null, null, null, null, null, null]);
      expect(results[8]?.copies).toEqual([]);
      expect(results[10]?.copies.map((c) => `${c.id} ${c.iface} ttl ${c.ttl}`).sort()).toEqual(['d1 eth1 ttl 3', 'd1 eth2 ttl 3']);
      expect([results[12]?.value, results[13]?.value]).toEqual([1, 0x0305]);
      const state = await bench.state();
      // vif 2 (static) flushed; vif 0 by address: Flags 00000, Local 10.0.0.1 as /proc prints it;
      // d1's 144 bytes in (d0 came in on the wrong vif: counted by the entry, not the vif).
      expect(state.proc.ip_mr_vif.split('\n').slice(1, 3)).toEqual([
        ' 0 eth0            144       1         0       0 00000 0100000A 00000000',
        ` 1 eth1              0       0       144       1 00008 ${(bench.ifindex.get('eth1') ?? 0).toString(16).toUpperCase().padStart(8, '0')} 00000000`,
      ]);
    } finally {
      await bench.reset();
    }
  }, HANG_BOUND_MS);
});
