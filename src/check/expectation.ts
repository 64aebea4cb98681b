// The oracle's expected result of a scenario in the simulate output shape, for the `expect` of
// fixtures that `check` saves. Deliveries whose NIC verdict is 'may' have no single right
// answer and are left out (listed in `omitted`); `nic` state is not the oracle's to predict.
import type { Errno } from '../errors.ts';
import { Oracle } from '../oracle/index.ts';
import type { Delivery, InterfaceResult, Scenario, SimulateResult, StepResult } from '../scenario/types.ts';

export interface OracleExpectation {
  readonly result: SimulateResult;
  /** send/frame ids left out of `deliveries` because the verdict was 'may'. */
  readonly omitted: readonly string[];
}

/** Runs the scenario through the oracle alone; null if the oracle cannot run it. */
export function oracleExpectation(scenario: Pick<Scenario, 'interfaces' | 'steps'>, profile?: string): OracleExpectation | null {
  let oracle: Oracle;
  try {
    oracle = new Oracle(scenario.interfaces, profile !== undefined ? { profile } : {});
  } catch {
    return null;
  }
  const steps: StepResult[] = [];
  const deliveries: Record<string, Delivery> = {};
  const omitted: string[] = [];
  for (const step of scenario.steps) {
    let r: { error: Errno | null; verdict?: string; sockets?: readonly string[] };
    try {
      r = oracle.apply(step);
    } catch {
      return null;
    }
    steps.push({ op: step.op, error: r.error });
    if (step.op === 'send' || step.op === 'frame') {
      if (r.verdict === 'must') {
        deliveries[step.id] = { nic: true, sockets: step.op === 'send' ? [...(r.sockets ?? [])].sort() : [] };
      } else if (r.verdict === 'must-not') {
        deliveries[step.id] = { nic: false, sockets: [] };
      } else {
        omitted.push(step.id);
      }
    }
  }
  const interfaces: Record<string, InterfaceResult> = {};
  const existing = new Set(oracle.interfaceNames());
  // A link-del step deletes interfaces: the result lists those that exist at the end.
  for (const spec of scenario.interfaces.filter((s) => existing.has(s.name))) {
    const mc = oracle
      .deviceList(spec.name)
      .map((e) => ({ mac: e.mac.toLowerCase(), users: e.users }))
      .sort((a, b) => (a.mac < b.mac ? -1 : a.mac > b.mac ? 1 : 0));
    const { promisc, allmulti } = oracle.counters(spec.name);
    // `nic` is left out on purpose: replay compares it only when the expectation names it.
    interfaces[spec.name] = { mc, promisc, allmulti } as Omit<InterfaceResult, 'nic'> as InterfaceResult;
  }
  return { result: { steps, interfaces, deliveries }, omitted };
}
