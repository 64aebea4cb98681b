// What a backend cannot observe is left out of BOTH sides before they are compared, so that the
// comparison (src/scenario/compare.ts) stays one function for every backend.
import { oracleExpectation } from '../check/expectation.ts';
import { InputError } from '../errors.ts';
import type { InterfaceResult, Scenario, SimulateResult } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { compareMac, parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import type { Blindness } from './backend.ts';

/** The destination MAC of every send and frame step, by delivery id (a send's is its group's MAC). */
function deliveryMacs(scenario: Scenario): Map<string, { iface: string; mac: string }> {
  const out = new Map<string, { iface: string; mac: string }>();
  for (const step of scenario.steps) {
    if (step.op === 'send') out.set(step.id, { iface: step.iface, mac: groupMac(parseIp(step.dst)) });
    else if (step.op === 'frame') out.set(step.id, { iface: step.iface, mac: parseMac(step.dst) });
  }
  return out;
}

/** The send and frame ids whose NIC verdict the oracle calls `may` for `profile` (src/check/expectation.ts). */
export function mayDeliveries(scenario: Scenario, profile: string): ReadonlySet<string> {
  const expectation = oracleExpectation(scenario, profile);
  if (expectation === null) throw new InputError(profile, `the oracle cannot run this scenario on profile ${JSON.stringify(profile)}: its may frames cannot be told apart`);
  return new Set(expectation.omitted);
}

/**
 * `result` without what `blind` names: the NIC state, the order of dev->mc (sorted by MAC) and the
 * deliveries whose NIC verdict the backend cannot show or the profile leaves open (`profile`
 * needed for `mayFrames`).
 */
export function withoutBlind(result: SimulateResult, blind: Blindness, scenario?: Scenario, profile?: string): SimulateResult {
  const interfaces: Record<string, InterfaceResult> = {};
  for (const [name, r] of Object.entries(result.interfaces)) {
    const { nic: _nic, ...rest } = r;
    const kept = (blind.nicState ? rest : r) as InterfaceResult;
    interfaces[name] = blind.listOrder ? { ...kept, mc: [...kept.mc].sort((a, b) => compareMac(parseMac(a.mac), parseMac(b.mac))) } : kept;
  }
  if (blind.deviceState) for (const name of Object.keys(interfaces)) delete interfaces[name];
  const unobservable = blind.unobservable;
  const judgesMay = blind.mayFrames === true && profile !== undefined;
  const seen = blind.receivers
    ? { ...result, interfaces, deliveries: Object.fromEntries(Object.entries(result.deliveries).map(([id, d]) => [id, { ...d, sockets: [] }])) }
    : { ...result, interfaces };
  if ((!unobservable && !judgesMay) || !scenario) return seen;
  const macs = deliveryMacs(scenario);
  const open = judgesMay ? mayDeliveries(scenario, profile) : new Set<string>();
  const deliveries = Object.fromEntries(
    Object.entries(seen.deliveries).filter(([id]) => {
      if (open.has(id)) return false;
      const m = macs.get(id);
      return m === undefined || !unobservable || unobservable(m.iface, m.mac) === null;
    }),
  );
  return { ...seen, deliveries };
}
