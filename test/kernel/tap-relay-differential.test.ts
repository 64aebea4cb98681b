// The TAP exception path on the live kernel (issue 12): a real tap in a namespace, this process as
// the DPDK application relaying the tap's /proc/net/dev_mcast list into a port profile and writing
// the frames the port accepts into the tap; compared with the model's tap-relay over the same
// port. Elsewhere it prints `SKIP tap relay differential: <reason>` and skips.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../../src/check/arbitraries.ts';
import { kernelFeatureMissing } from '../../src/kernel/features.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { TapRelayBench, modelTapRelay, tapRelayDifference } from '../../src/kernel/tap-relay-bench.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const reason = kernelModeUnavailable() ?? kernelFeatureMissing('macvlan');
if (reason) console.log(`SKIP tap relay differential: ${reason}`);

describe.skipIf(reason !== null)('tap relay differential (live kernel)', () => {
  let bench: TapRelayBench;
  beforeAll(() => {
    bench = new TapRelayBench();
  });
  afterAll(() => bench?.dispose());

  for (const port of ['exact-strict:4', 'mlx5-dpdk', 'hash64']) {
    it(`over ${port}: 25 random one-interface scenarios deliver the same datagrams as the model's tap-relay`, () => {
      const arb = scenarioArbitrary({ interfaces: 1, macvlan: false, maxSteps: 20 });
      fc.assert(
        fc.property(arb, (scenario) => {
          const d = tapRelayDifference(scenario, bench.run(scenario, port), modelTapRelay(scenario, port));
          expect(d === null ? null : `${d.what}: kernel ${JSON.stringify(d.kernel)}, model ${JSON.stringify(d.model)}`).toBeNull();
        }),
        { numRuns: 25, seed: 2026 },
      );
    });
  }

  it("an application that does not relay (tap-stub) loses the joined group: the model's tap-relay tells them apart", () => {
    const scenario: Scenario = {
      schema: 'mcast-testbench/scenario@1',
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:0a', ipv4: ['10.99.0.10/24'], disableIpv6: true }],
      steps: [
        { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
        { op: 'join', socket: 's1', group: '239.1.1.1', iface: 'eth0' },
        { op: 'send', id: 'd1', iface: 'eth0', src: '10.99.0.1', dst: '239.1.1.1', port: 5000 },
      ],
    };
    const relayed = bench.run(scenario, 'exact-strict:4');
    expect(relayed.deliveries['d1']).toEqual({ nic: true, sockets: ['s1'] });
    expect(tapRelayDifference(scenario, relayed, modelTapRelay(scenario, 'exact-strict:4'))).toBeNull();
    const stub = bench.run(scenario, 'exact-strict:4', 'tap-stub');
    expect(stub.deliveries['d1']).toEqual({ nic: false, sockets: [] });
    expect(tapRelayDifference(scenario, stub, modelTapRelay(scenario, 'exact-strict:4'))?.what).toBe('delivery of d1');
    expect(tapRelayDifference(scenario, stub, modelTapRelay(scenario, 'exact-strict:4', 'tap-stub'))).toBeNull();
  });
});
