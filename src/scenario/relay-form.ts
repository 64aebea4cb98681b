// The exception-path interface form: `{ "name": "vEth0", "kind": "kni-mc", "lower": "port0" }` over
// `{ "name": "port0", "mac": ..., "nic": "mlx5-dpdk" }` is the KNI (or tap) device vEth0 whose
// multicast reaches the DPDK port port0 only through the relay. The model runs it as one
// interface: vEth0 with `nic` "kni-mc+mlx5-dpdk" (src/relay/families.ts), and a frame that arrives
// at port0 arrives at vEth0's port. validateScenario has checked the form (src/scenario/validate.ts).
import type { AnyStep, InterfaceSpec, Scenario } from './types.ts';
import { isRelayKind } from './types.ts';

/** The scenario with every relay interface merged with its port; others are returned as they are. */
export function expandRelayInterfaces(scenario: Scenario): Scenario {
  const relays = scenario.interfaces.filter((i) => isRelayKind(i.kind));
  if (relays.length === 0) return scenario;
  const byPort = new Map(relays.map((r) => [r.lower as string, r]));
  const interfaces = scenario.interfaces.flatMap((spec): InterfaceSpec[] => {
    if (byPort.has(spec.name)) return [];
    if (!isRelayKind(spec.kind)) return [spec];
    const port = scenario.interfaces.find((p) => p.name === spec.lower);
    const { kind, lower: _lower, ...own } = spec;
    return [{ ...own, nic: `${kind}+${port?.nic ?? 'accept-all'}` }];
  });
  const steps = scenario.steps.map((step): AnyStep => {
    if ((step.op === 'send' || step.op === 'frame') && byPort.has(step.iface)) return { ...step, iface: byPort.get(step.iface)!.name };
    return step;
  });
  return { ...scenario, interfaces, steps };
}
