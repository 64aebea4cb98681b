// Runs the model and the oracle in lockstep over a scenario and records, after each step, what
// a failure page shows (./trace.ts). Violations come from src/check/compare.ts's checkStep on a
// second pair, so the page flags exactly what `check` and `replay` flag.
import { type CheckPair, type Violation, checkState, checkStep, createPair } from '../check/compare.ts';
import type { FaultSet } from '../faults.ts';
import type { InterfaceSpec, Step } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { groupMac } from '../wire/mapping.ts';
import { acceptanceJson, probeBucket } from './filter-state.ts';
import type { InterfaceState, LayerVerdict, OracleVerdict, StepTrace, ViolationFacts } from './trace-types.ts';

/** Leaked or lost MACs bucketed per interface and kind: a few show the pattern, the count says the rest. */
const PROBES_PER_KIND = 3;

const text = (e: unknown): string => (e instanceof Error ? e.message : String(e));

function interfaceStates(pair: CheckPair, violations: readonly Violation[] = []): InterfaceState[] {
  // A link-del step deletes interfaces: the page shows those both sides still have.
  const model = new Set(pair.host.interfaceNames());
  const oracle = new Set(pair.oracle.interfaceNames());
  return pair.interfaces.filter((spec) => model.has(spec.name) && oracle.has(spec.name)).map((spec) => {
    const { promisc, allmulti } = pair.host.counters(spec.name);
    const oc = pair.oracle.counters(spec.name);
    const nic = pair.host.nicState(spec.name);
    const acceptance = pair.oracle.expectedFilter(spec.name);
    const taken = new Map<string, number>();
    const probes = violations.flatMap((v) => {
      if (v.iface !== spec.name || v.mac === undefined) return [];
      const n = taken.get(v.kind) ?? 0;
      taken.set(v.kind, n + 1);
      return n < PROBES_PER_KIND ? [probeBucket(v.mac, v.kind, acceptance, nic)] : [];
    });
    return {
      name: spec.name,
      deviceList: pair.host.deviceList(spec.name).map((e) => `${e.mac.toLowerCase()} ×${e.users}`),
      oracleDeviceList: pair.oracle.deviceList(spec.name).map((e) => `${e.mac.toLowerCase()} ×${e.users}`),
      promisc,
      allmulti,
      oraclePromisc: oc.promisc,
      oracleAllmulti: oc.allmulti,
      nic,
      oracleFilter: acceptanceJson(acceptance),
      probes,
    };
  });
}

const lines = (vs: readonly Violation[]): string[] => vs.map((v) => `${v.kind}: ${v.message}`);
const facts = (vs: readonly Violation[]): ViolationFacts[] =>
  vs.map((v) => ({ kind: v.kind, ...(v.mac !== undefined ? { mac: v.mac } : {}), ...(v.iface !== undefined ? { iface: v.iface } : {}) }));

function wireMac(step: Step & { op: 'send' | 'frame' }): string {
  if (step.op === 'frame') return step.dst;
  try {
    return groupMac(parseIp(step.dst));
  } catch {
    return '?';
  }
}

function frameLayers(
  pair: CheckPair,
  step: Step & { op: 'send' | 'frame' },
  model: { nic: boolean; sockets: readonly string[] } | undefined,
  expected: { verdict?: string; sockets?: readonly string[] },
): LayerVerdict[] {
  const verdict = expected.verdict as OracleVerdict | undefined;
  const nic = model?.nic ?? false;
  const layers: LayerVerdict[] = [{ layer: 'wire', model: `${wireMac(step)} on ${step.iface}`, oracle: 'arrives', wrong: false }];
  layers.push({
    layer: 'filter',
    model: nic ? 'accepted' : 'dropped',
    oracle: verdict ?? '?',
    ...(verdict ? { verdict } : {}),
    wrong: (verdict === 'must' && !nic) || (verdict === 'must-not' && nic),
  });
  if (step.op === 'send') {
    let users = 0;
    try {
      users = pair.oracle.groupUsers(step.iface, step.dst);
    } catch {
      users = 0;
    }
    const modelMember = pair.host.groups(step.iface).some((g) => g.group === step.dst);
    layers.push({
      layer: 'IP',
      model: !nic ? 'not reached' : modelMember ? `member of ${step.dst}` : `not a member of ${step.dst}`,
      oracle: users > 0 ? `member (${users} user${users === 1 ? '' : 's'})` : 'not a member',
      wrong: false,
    });
    const want = nic ? [...(expected.sockets ?? [])].sort() : [];
    const got = [...(model?.sockets ?? [])].sort();
    layers.push({
      layer: 'socket',
      model: got.length > 0 ? got.join(', ') : 'none',
      oracle: want.length > 0 ? `must: ${want.join(', ')}` : 'must-not: none',
      verdict: want.length > 0 ? 'must' : 'must-not',
      wrong: want.join(',') !== got.join(','),
    });
  }
  return layers;
}

export function compareScenario(
  scenario: { readonly interfaces: readonly InterfaceSpec[]; readonly steps: readonly Step[] },
  options: { profile?: string; faults?: FaultSet },
): StepTrace[] {
  const pairOptions = { ...(options.profile !== undefined ? { profile: options.profile } : {}), ...(options.faults ? { faults: options.faults } : {}) };
  const shown = createPair(scenario.interfaces, pairOptions);
  const judged = createPair(scenario.interfaces, pairOptions);
  // Step -1: what the fresh interfaces hold (a NIC that drops the kernel's own groups fails here).
  const atCreation = checkState(judged, -1);
  const out: StepTrace[] = [
    { index: -1, step: null, modelError: null, oracleError: null, interfaces: interfaceStates(shown, atCreation), violations: lines(atCreation), issues: facts(atCreation) },
  ];
  for (const [index, step] of scenario.steps.entries()) {
    const found = checkStep(judged, step, index);
    const violations = lines(found);
    const issues = facts(found);
    let model: ReturnType<CheckPair['host']['apply']>;
    let expected: ReturnType<CheckPair['oracle']['apply']>;
    try {
      expected = shown.oracle.apply(step);
      model = shown.host.apply(step, `/steps/${index}`);
    } catch (e) {
      out.push({ index, step, modelError: null, oracleError: null, interfaces: [], violations, issues, threw: text(e) });
      break;
    }
    out.push({
      index,
      step,
      modelError: model.error,
      oracleError: expected.error,
      interfaces: interfaceStates(shown, found),
      ...(step.op === 'send' || step.op === 'frame'
        ? { frame: { id: step.id, iface: step.iface, layers: frameLayers(shown, step, model.delivery, expected) } }
        : {}),
      violations,
      issues,
    });
  }
  return out;
}
