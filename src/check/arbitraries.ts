// fast-check arbitraries for scenarios. Steps are generated as "intents" (a kind and a few
// small numbers) that a stateful builder maps to valid steps, so every generated scenario
// passes static validation (docs/semantics.md) while shrinking works on the plain intents.
// The pools are small on purpose: groups that alias one MAC, tables that overflow.
// The parts: ./pools.ts, ./interface-arbitrary.ts, ./intents.ts, ./step-context.ts; this file
// puts them together and is what the rest of the program imports.
import fc from 'fast-check';
import { type InterfaceSpec, type Scenario, SCENARIO_SCHEMA_ID, type Step } from '../scenario/types.ts';
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
): Step[] {
  const ctx = new StepContext(interfaces, ipv6, fillThresholds);
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
  return fc
    .tuple(interfacesArbitrary(options), fc.array(intentArbitrary(), { maxLength: maxSteps, size: 'medium' }))
    .map(([interfaces, intents]) => ({
      schema: SCENARIO_SCHEMA_ID,
      interfaces,
      steps: stepsFromIntents(interfaces, intents, ipv6, options.fillThresholds ?? []),
    }));
}
