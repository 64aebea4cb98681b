// `check` outcomes as result cases: one per (profile, property) unit that ran.
import type { CheckOutcome, UnitOutcome } from '../check/units.ts';
import type { ResultCase } from './types.ts';

function unitCase(u: UnitOutcome): ResultCase {
  const base = {
    suite: `check ${u.profile}`,
    name: u.property,
    profile: u.profile,
    property: u.property,
    runs: u.runs,
    timeMs: u.timeMs,
    ...(u.caseIds ? { caseIds: u.caseIds } : {}),
  };
  const f = u.failure;
  if (!f) return { ...base, status: 'passed' };
  const counterexample = f.scenario
    ? [`interfaces: ${JSON.stringify(f.scenario.interfaces)}`, ...f.scenario.steps.map((s, i) => `step ${i}: ${JSON.stringify(s)}`)]
    : (f.lines ?? []);
  return {
    ...base,
    status: 'failed',
    message: f.message,
    counterexample,
    ...(f.replay !== undefined ? { replay: f.replay } : {}),
    ...(f.fixture !== undefined ? { fixture: f.fixture } : {}),
  };
}

export function checkCases(outcome: CheckOutcome): ResultCase[] {
  return outcome.units.map(unitCase);
}
