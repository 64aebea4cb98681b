// A scenario's trace (./trace-types.ts): the per-step comparison with the first failing step marked.
import { compareScenario } from './compare-step.ts';
import type { FaultSet } from '../faults.ts';
import type { InterfaceSpec, Step } from '../scenario/types.ts';
import type { Trace } from './trace-types.ts';

export function traceScenario(
  scenario: { readonly interfaces: readonly InterfaceSpec[]; readonly steps: readonly Step[] },
  options: { profile?: string; faults?: FaultSet } = {},
): Trace {
  const steps = compareScenario(scenario, options);
  const failingStep = steps.find((s) => s.violations.length > 0 || s.threw !== undefined)?.index ?? null;
  return { ...(options.profile !== undefined ? { profile: options.profile } : {}), interfaces: scenario.interfaces, steps, failingStep };
}
