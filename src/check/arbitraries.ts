// fast-check arbitraries for scenarios. Steps are generated as "intents" (a kind and a few
// small numbers) that a stateful builder maps to valid steps, so every generated scenario
// passes static validation (docs/semantics.md) while shrinking works on the plain intents.
// The pools are small on purpose: groups that alias one MAC, tables that overflow.
// The parts: ./pools.ts, ./interface-arbitrary.ts, ./intents.ts, ./step-context.ts; this file
// puts them together and is what the rest of the program imports.
import fc from 'fast-check';
import { type AnyStep, type InterfaceSpec, type Scenario, SCENARIO_SCHEMA_ID, type Step } from '../scenario/types.ts';
import { type ScenarioArbitraryOptions, interfacesArbitrary } from './interface-arbitrary.ts';
import { type Intent, intentArbitrary } from './intents.ts';
import { StepContext } from './step-context.ts';

export * from './pools.ts';
export { MACVLAN_NAME, type ScenarioArbitraryOptions, interfacesArbitrary } from './interface-arbitrary.ts';
export { type Intent, type IntentKind, intentArbitrary } from './intents.ts';
export { StepContext } from './step-context.ts';

/** Builds the step list of a scenario from intents, each step valid where it stands. */
export function stepsFromIntents(
  interfaces: readonly InterfaceSpec[],
  intents: readonly Intent[],
  ipv6 = true,
  fillThresholds: readonly number[] = [],
  maxList?: number,
  linkDel = true,
): Step[] {
  const ctx = new StepContext(interfaces, ipv6, fillThresholds, maxList, linkDel);
  const steps: Step[] = [];
  for (const intent of intents) {
    for (const step of ctx.stepsFor(intent)) {
      if (!ctx.validity.accepts(step)) continue;
      ctx.record(step);
      steps.push(step);
    }
  }
  return steps;
}

/** One step that is valid in the given state (no bursts). The state is not changed. */
export function stepArbitrary(ctx: StepContext): fc.Arbitrary<Step> {
  return intentArbitrary({ burst: false })
    .map((i) => ctx.stepsFor(i)[0])
    // A link intent without a stacked interface gives no step.
    .filter((s): s is Step => s !== undefined && ctx.validity.accepts(s));
}

export function scenarioArbitrary(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<Scenario> {
  const maxSteps = options.maxSteps ?? 30;
  const ipv6 = options.ipv6 ?? true;
  const vif = options.stackedVifs
    ? fc.option(fc.record({ at: fc.nat(maxSteps), family: fc.constantFrom('ipv4' as const, 'ipv6' as const) }), { freq: 3 })
    : fc.constant(null);
  return fc
    .tuple(interfacesArbitrary(options), fc.array(intentArbitrary(), { maxLength: maxSteps, size: 'medium' }), vif)
    .map(([interfaces, intents, v]) => {
      const steps: AnyStep[] = stepsFromIntents(interfaces, intents, ipv6, options.fillThresholds ?? [], options.maxList, options.linkDel ?? true);
      const stacked = interfaces.find((i) => i.kind !== undefined);
      if (v && stacked) steps.splice(Math.min(v.at, steps.length), 0, ...stackedVif(stacked.name, v.family));
      return { schema: SCENARIO_SCHEMA_ID, interfaces, steps };
    });
}

/** A routing socket with a vif on a stacked interface: net/ipv4/ipmr.c vif_add -> dev_set_allmulti(dev, 1). */
function stackedVif(iface: string, family: 'ipv4' | 'ipv6'): AnyStep[] {
  const socket = family === 'ipv4' ? 'r4' : 'r6';
  return [
    { op: 'mrt-init', socket, family },
    { op: 'vif-add', socket, vif: 0, iface },
  ];
}
