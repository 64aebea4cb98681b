// What a backend cannot observe is left out of BOTH sides before they are compared, so that the
// comparison (src/scenario/compare.ts) stays one function for every backend.
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

/**
 * `result` without what `blind` names: the NIC state, the order of dev->mc (sorted by MAC) and the
 * deliveries whose NIC verdict the backend cannot show.
 */
export function withoutBlind(result: SimulateResult, blind: Blindness, scenario?: Scenario): SimulateResult {
  const interfaces: Record<string, InterfaceResult> = {};
  for (const [name, r] of Object.entries(result.interfaces)) {
    const { nic: _nic, ...rest } = r;
    const kept = (blind.nicState ? rest : r) as InterfaceResult;
    interfaces[name] = blind.listOrder ? { ...kept, mc: [...kept.mc].sort((a, b) => compareMac(parseMac(a.mac), parseMac(b.mac))) } : kept;
  }
  const unobservable = blind.unobservable;
  if (!unobservable || !scenario) return { ...result, interfaces };
  const macs = deliveryMacs(scenario);
  const deliveries = Object.fromEntries(
    Object.entries(result.deliveries).filter(([id]) => {
      const m = macs.get(id);
      return m === undefined || unobservable(m.iface, m.mac) === null;
    }),
  );
  return { ...result, interfaces, deliveries };
}
