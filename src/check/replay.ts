// Replaying a scenario: the model's result against the scenario's `expect`, and the step-by-step
// model-versus-oracle comparison, unless the fixture's meta says `"oracle": false` (a fixture
// that records a known divergence, e.g. a kernel-version difference the oracle does not model).
import type { FaultSet } from '../faults.ts';
import { diffResults } from '../scenario/compare.ts';
import type { Scenario } from '../scenario/types.ts';
import { simulate } from '../simulate.ts';
import { checkScenario } from './compare.ts';

export interface ReplayOptions {
  /** Overrides the NIC profile of every interface. */
  readonly profile?: string;
  readonly faults?: FaultSet;
}

/** True unless meta.oracle is exactly false. */
export function usesOracle(scenario: Scenario): boolean {
  return scenario.meta?.['oracle'] !== false;
}

/** The problems found, one line each; [] when the scenario replays cleanly. */
export function replayScenario(scenario: Scenario, options: ReplayOptions = {}): string[] {
  const run = { ...(options.profile !== undefined ? { profile: options.profile } : {}), ...(options.faults ? { faults: options.faults } : {}) };
  const problems: string[] = [];
  if (scenario.expect) {
    problems.push(...diffResults(scenario.expect, simulate(scenario, run)).map((d) => `expect: ${d}`));
  }
  if (usesOracle(scenario)) {
    for (const v of checkScenario(scenario, run)) problems.push(`oracle: step ${v.stepIndex}: ${v.kind}: ${v.message}`);
  }
  return problems;
}
