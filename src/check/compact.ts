// After fast-check's shrinking: a counterexample that grows a device list past a threshold one
// join (or `ip maddr add`) at a time is as long as the threshold, and fast-check cannot turn those
// steps into a `fill`, a step kind of its own. This pass tries exactly that, then drops steps one
// by one and lowers the fill's count, keeping each candidate only while it is a valid scenario
// that still breaks the same kind of invariant. Deterministic, so a printed replay line (seed and
// path) reproduces the compacted counterexample too.
import { SCENARIO_SCHEMA_ID, type AnyStep, type InterfaceSpec } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';
import type { Violation } from './compare.ts';

export interface Counterexample {
  readonly interfaces: InterfaceSpec[];
  readonly steps: AnyStep[];
}

/** Scenarios this pass may replay at most (each a model and an oracle run). */
export const COMPACT_CANDIDATES_MAX = 200;
/** Shorter counterexamples are left as fast-check shrank them. */
export const COMPACT_ABOVE_STEPS = 4;
/** fill's first MAC: 01:00:5e:7e:00:00 on, away from the groups generators join (239.x.y.z low bits). */
const FILL_FIRST = 0x7e0000;

/** A step that adds one entry to `iface`'s device list: a join on it, or `ip maddr add`. */
function growsList(step: AnyStep, iface: string): boolean {
  return (step.op === 'join' && step.iface === iface) || (step.op === 'maddr' && step.add && step.iface === iface);
}

/**
 * The shortest counterexample found from `cx`: `violations(candidate)` replays one (the checker's
 * checkScenario). Returns `cx` itself when nothing shorter still fails the same way.
 */
export function compactCounterexample(cx: Counterexample, violations: (c: Counterexample) => Violation[]): Counterexample {
  const first = violations(cx)[0];
  const kind = first?.kind;
  if (first === undefined || kind === 'error') return cx;
  // Up to the step that broke an invariant: later growth would carry a list past the threshold.
  const cut = { interfaces: cx.interfaces, steps: cx.steps.slice(0, first.stepIndex + 1) };
  if (cut.steps.length <= COMPACT_ABOVE_STEPS) return cx;
  let budget = COMPACT_CANDIDATES_MAX;
  const stillFails = (c: Counterexample): boolean => {
    if (budget-- <= 0) return false;
    try {
      validateScenario({ schema: SCENARIO_SCHEMA_ID, interfaces: c.interfaces, steps: c.steps });
      return violations(c)[0]?.kind === kind;
    } catch {
      return false;
    }
  };
  let best = cut;
  // 1. Each interface's list growth as one fill where the first growing step was.
  for (const spec of cx.interfaces) {
    if (spec.kind !== undefined) continue;
    const growing = best.steps.filter((s) => growsList(s, spec.name)).length;
    if (growing < 2) continue;
    const at = best.steps.findIndex((s) => growsList(s, spec.name));
    const rest = best.steps.filter((s) => !growsList(s, spec.name));
    const fill: AnyStep = { op: 'fill', iface: spec.name, count: growing, first: FILL_FIRST };
    const candidate = { interfaces: best.interfaces, steps: [...rest.slice(0, at), fill, ...rest.slice(at)] };
    if (stillFails(candidate)) best = candidate;
  }
  // 2. Each step left out, last first (later steps are the more likely to be leftovers).
  for (let i = best.steps.length - 1; i >= 0 && best.steps.length > 1; i--) {
    const candidate = { interfaces: best.interfaces, steps: best.steps.filter((_, k) => k !== i) };
    if (stillFails(candidate)) best = candidate;
  }
  // 3. Each fill's count lowered one at a time while it still fails (a threshold is one entry away).
  for (let i = 0; i < best.steps.length; i++) {
    for (;;) {
      const step = best.steps[i];
      if (step?.op !== 'fill' || step.count <= 1) break;
      const candidate = { interfaces: best.interfaces, steps: best.steps.map((s, k) => (k === i ? { ...step, count: step.count - 1 } : s)) };
      if (!stillFails(candidate)) break;
      best = candidate;
    }
  }
  return best.steps.length < cut.steps.length ? best : cx;
}

/**
 * Steps left out one at a time, last first, while `stillFails` holds (the routing property's
 * counterexamples: its fixed router setup has both families' vifs on every interface, most of
 * which a fault does not need). Deterministic; at most COMPACT_CANDIDATES_MAX replays.
 */
export function dropSteps<T>(steps: readonly T[], stillFails: (candidate: readonly T[]) => boolean): readonly T[] {
  let best = steps;
  let budget = COMPACT_CANDIDATES_MAX;
  for (let i = best.length - 1; i >= 0 && best.length > 1 && budget > 0; i--, budget--) {
    const candidate = best.filter((_, k) => k !== i);
    if (stillFails(candidate)) best = candidate;
  }
  return best;
}
