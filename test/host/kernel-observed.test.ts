// Scenarios whose expected outcome is what a live Linux 6.18 kernel did (`mcast-testbench kernel
// run`, veth in fresh namespaces): each rule the model takes from kernel source and that
// docs/semantics.md did not state before (source-call conflicts, IPv6 leave EINVAL, inet6_mc_check
// ignoring the interface, disable_ipv6 dropping at the IP layer) checked against the real thing.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host.ts';
import type { Delivery, DeviceListEntry, Scenario, StepResult } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';

interface KernelObserved {
  readonly steps: StepResult[];
  readonly deliveries: Record<string, Delivery>;
  readonly interfaces: Record<string, { mc: DeviceListEntry[]; promisc: number; allmulti: number; listOrder: string[] }>;
}

const DIR = fileURLToPath(new URL('./kernel-observed', import.meta.url));
const CASES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => ({ file: f, scenario: JSON.parse(readFileSync(join(DIR, f), 'utf8')) as Scenario & { kernelObserved: KernelObserved } }));

describe('the model against scenarios observed on Linux 6.18', () => {
  it('has cases', () => {
    expect(CASES.length).toBeGreaterThan(0);
  });

  for (const { file, scenario } of CASES) {
    it(`${file}: errnos, deliveries and device lists as the kernel had them`, () => {
      const want = scenario.kernelObserved;
      const got = simulate(scenario);
      expect(got.steps).toEqual(want.steps);
      expect(got.deliveries).toEqual(want.deliveries);
      for (const [name, iface] of Object.entries(want.interfaces)) {
        expect(got.interfaces[name]?.mc, name).toEqual(iface.mc);
        expect(got.interfaces[name]?.promisc, name).toBe(iface.promisc);
        expect(got.interfaces[name]?.allmulti, name).toBe(iface.allmulti);
      }
    });

    it(`${file}: dev->mc in the kernel's list order`, () => {
      const want = scenario.kernelObserved;
      const host = new Host(scenario.interfaces);
      scenario.steps.forEach((s) => host.apply(s));
      for (const [name, iface] of Object.entries(want.interfaces)) {
        expect(host.deviceList(name).map((e) => e.mac), name).toEqual(iface.listOrder);
      }
    });
  }
});
