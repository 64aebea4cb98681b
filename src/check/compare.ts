// Step-by-step comparison of the model (src/host) with the oracle (src/oracle): after every
// step the errno, the device list, the flag counters and the NIC's decisions must agree.
import type { Errno } from '../errors.ts';
import { type FaultSet, NO_FAULTS } from '../faults.ts';
import { Host } from '../host/host.ts';
import { Oracle } from '../oracle/index.ts';
export { BUCKET_PROBE_MACS } from '../oracle/probes.ts';
export { FIXED_PROBE_MACS } from './probes.ts';
import type { BurstResult, DeviceListEntry, InterfaceSpec, Scenario, Step } from '../scenario/types.ts';
import type { OwedBurst } from '../oracle/kni-burst.ts';
import { parseIp } from '../wire/ip.ts';
import { BROADCAST_MAC, parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import { type ProbeVerdicts, probeVerdicts, probesFor } from './probes.ts';

export type ViolationKind = 'error' | 'device-list' | 'groups' | 'counters' | 'loss' | 'leak' | 'sockets' | 'fifo-drop';

export interface Violation {
  /** Index of the step after which the invariant broke; -1: right after creating the interfaces. */
  readonly stepIndex: number;
  readonly kind: ViolationKind;
  readonly message: string;
  /** The frame's destination MAC of a leak or loss: failure pages group and bucket by it. */
  readonly mac?: string;
  /** The interface of a leak or loss. */
  readonly iface?: string;
}

export interface CheckScenarioOptions {
  /** Overrides every interface's `nic`, as `simulate --profile` does. */
  readonly profile?: string;
  readonly faults?: FaultSet;
}

type Verdict = 'must' | 'may' | 'must-not';

/**
 * Steps that change neither the device list, nor the flags, nor the NIC: the state checks after
 * them would repeat the previous ones (a step that changed state anyway shows at the next check).
 */
const STATELESS_OPS: ReadonlySet<Step['op']> = new Set(['open', 'send', 'frame']);

/** The two systems under comparison, fresh for one scenario. */
export interface CheckPair {
  readonly host: Host;
  readonly oracle: Oracle;
  readonly interfaces: readonly InterfaceSpec[];
  readonly profileOf: (iface: string) => string;
}

export function createPair(interfaces: readonly InterfaceSpec[], options: CheckScenarioOptions = {}): CheckPair {
  const faults = options.faults ?? NO_FAULTS;
  const hostOptions = options.profile !== undefined ? { profile: options.profile, faults } : { faults };
  const oracleOptions = options.profile !== undefined ? { profile: options.profile } : {};
  return {
    host: new Host(interfaces, hostOptions),
    oracle: new Oracle(interfaces, oracleOptions),
    interfaces,
    profileOf: (name) => options.profile ?? interfaces.find((i) => i.name === name)?.nic ?? 'accept-all',
  };
}

function describeStep(stepIndex: number, step: Step | undefined): string {
  return step === undefined ? 'after creating the interfaces' : `after step ${stepIndex} ${JSON.stringify(step)}`;
}

/** describeStep, made on first use: only a violation quotes it, so JSON of the step is not made after every step. */
function lazyWhere(stepIndex: number, step: Step | undefined): () => string {
  let text: string | undefined;
  return () => (text ??= describeStep(stepIndex, step));
}

function entryKey(e: DeviceListEntry): string {
  return `${e.mac.toLowerCase()} users ${e.users}`;
}

/** The same entries, users and order (MACs compared case-blind). */
function sameEntries(a: readonly DeviceListEntry[], b: readonly DeviceListEntry[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as DeviceListEntry;
    const y = b[i] as DeviceListEntry;
    if (x.users !== y.users || (x.mac !== y.mac && x.mac.toLowerCase() !== y.mac.toLowerCase())) return false;
  }
  return true;
}

function sameGroups(a: readonly { group: string; users: number }[], b: readonly { group: string; users: number }[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as { group: string; users: number };
    const y = b[i] as { group: string; users: number };
    if (x.group !== y.group || x.users !== y.users) return false;
  }
  return true;
}

function multisetDiff(a: readonly string[], b: readonly string[]): string[] {
  const counts = new Map<string, number>();
  for (const x of a) counts.set(x, (counts.get(x) ?? 0) + 1);
  for (const x of b) counts.set(x, (counts.get(x) ?? 0) - 1);
  return [...counts].filter(([, n]) => n > 0).map(([k]) => k).sort();
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** Violations without repeats (a device-list entry that is also a neighbour is probed twice). */
function distinct(violations: readonly Violation[]): Violation[] {
  const seen = new Set<string>();
  return violations.filter((v) => {
    const key = `${v.kind} ${v.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

/** The oracle's rx state a loss or leak message quotes. */
function rxText(c: { promisc: number; allmulti: number }, entries: number): string {
  return `(promiscuity ${c.promisc}, allmulti ${c.allmulti}, ${entries} device-list entries)`;
}

/** Each pair's probes and verdicts per interface, kept between steps (probes.ts probeVerdicts). */
const PROBE_MEMOS = new WeakMap<CheckPair, Map<string, ProbeVerdicts>>();

function probeMemos(pair: CheckPair): Map<string, ProbeVerdicts> {
  let memos = PROBE_MEMOS.get(pair);
  if (memos === undefined) PROBE_MEMOS.set(pair, (memos = new Map()));
  return memos;
}

/** Checks the state invariants (device list, counters, NIC decisions) on every interface. */
export function checkState(pair: CheckPair, stepIndex: number, step?: Step): Violation[] {
  const out: Violation[] = [];
  const where = lazyWhere(stepIndex, step);
  const modelNames = new Set(pair.host.interfaceNames());
  const oracleNames = new Set(pair.oracle.interfaceNames());
  for (const spec of pair.interfaces) {
    const name = spec.name;
    const profile = pair.profileOf(name);
    // A link-del step deleted it: on both sides, nothing left to compare; on one, a difference.
    if (!modelNames.has(name) || !oracleNames.has(name)) {
      if (modelNames.has(name) !== oracleNames.has(name)) {
        out.push({ stepIndex, kind: 'device-list', message: `${name}: ${modelNames.has(name) ? 'the model still has it; the oracle deleted it' : 'the model deleted it; the oracle still has it'} ${where()}` });
      }
      continue;
    }
    let modelList: readonly DeviceListEntry[];
    let oracleList: readonly DeviceListEntry[];
    try {
      modelList = pair.host.deviceList(name);
      oracleList = pair.oracle.deviceList(name);
    } catch (e) {
      out.push({ stepIndex, kind: 'device-list', message: `${name}: reading the device list threw ${where()}: ${errorText(e)}` });
      continue;
    }
    // The common case, the same entries in the same order, needs no keys and no multiset arithmetic.
    const same = sameEntries(modelList, oracleList);
    const modelKeys = same ? [] : modelList.map(entryKey);
    const oracleKeys = same ? [] : oracleList.map(entryKey);
    const extra = same ? [] : multisetDiff(modelKeys, oracleKeys);
    const missing = same ? [] : multisetDiff(oracleKeys, modelKeys);
    if (same) {
      // nothing to report
    } else if (extra.length > 0 || missing.length > 0) {
      const parts = [];
      if (extra.length > 0) parts.push(`model has ${extra.join(', ')} that the oracle does not`);
      if (missing.length > 0) parts.push(`oracle expects ${missing.join(', ')} that the model lacks`);
      out.push({ stepIndex, kind: 'device-list', message: `${name}: device list differs ${where()}: ${parts.join('; ')}` });
    } else {
      // Same entries: the order must agree too, since ndo_set_rx_mode walks dev->mc in list
      // order and order-sensitive filters (drivers/net/tun.c: first 8 exact, the rest hashed;
      // e1000 RAR slots) program different tables from the same set in another order.
      const modelOrder = modelList.map((e) => e.mac.toLowerCase());
      const oracleOrder = oracleList.map((e) => e.mac.toLowerCase());
      if (modelOrder.join(' ') !== oracleOrder.join(' ')) {
        out.push({
          stepIndex,
          kind: 'device-list',
          message: `${name}: device list order differs ${where()}: model [${modelOrder.join(', ')}], oracle [${oracleOrder.join(', ')}]`,
        });
      }
    }

    const modelRecords = pair.host.groups(name);
    const oracleRecords = pair.oracle.groups(name);
    if (!sameGroups(modelRecords, oracleRecords)) {
      const modelGroups = modelRecords.map((g) => `${g.group} users ${g.users}`);
      const oracleGroups = oracleRecords.map((g) => `${g.group} users ${g.users}`);
      const extra = multisetDiff(modelGroups, oracleGroups);
      const missing = multisetDiff(oracleGroups, modelGroups);
      out.push({
        stepIndex,
        kind: 'groups',
        message: `${name}: group records differ ${where()} (/proc/net/igmp, igmp6 users): model has ${extra.join(', ') || 'nothing more'}, oracle expects ${missing.join(', ') || 'nothing more'}`,
      });
    }
    // The same set, without sorting thousands of `ip maddr add`s after every step (the model's
    // are its list's entries, distinct: a repeat would be a device-list difference above).
    const modelGlobals = pair.host.globalMacs(name, 'list');
    const oracleGlobals = pair.oracle.globalMacSet(name);
    if (modelGlobals.length !== oracleGlobals.size || modelGlobals.some((m) => !oracleGlobals.has(m))) {
      const modelGlobal = [...modelGlobals].sort().join(', ');
      const oracleGlobal = pair.oracle.globalMacs(name).join(', ');
      out.push({
        stepIndex,
        kind: 'device-list',
        message: `${name}: global_use differs ${where()} (/proc/net/dev_mcast): model [${modelGlobal}], oracle [${oracleGlobal}]`,
      });
    }

    if (stepIndex === -1) {
      for (const mac of [spec.mac.toLowerCase(), BROADCAST_MAC]) {
        if (pair.oracle.classifyAtOpen(name, mac) === 'must' && !pair.host.nicAcceptsAtOpen(name, parseMac(mac))) {
          out.push({
            stepIndex,
            kind: 'loss',
            iface: name,
            mac,
            message: `${name} (${profile}): NIC drops ${mac} at open, before the first rx-mode call; the oracle says it must accept it`,
          });
        }
      }
    }

    const mc = pair.host.counters(name);
    const oc = pair.oracle.counters(name);
    if (mc.promisc !== oc.promisc || mc.allmulti !== oc.allmulti) {
      out.push({
        stepIndex,
        kind: 'counters',
        message: `${name}: counters differ ${where()}: model promiscuity ${mc.promisc} allmulti ${mc.allmulti}, oracle promiscuity ${oc.promisc} allmulti ${oc.allmulti}`,
      });
    }

    // The oracle's list and neighbours: probes are picked on the oracle's side, never with
    // model code (a MAC only the model lists is a device-list difference, reported above).
    const memos = probeMemos(pair);
    const probes = probeVerdicts(
      memos.get(name),
      pair.oracle.verdictBasis(name),
      () => probesFor(spec.mac.toLowerCase(), oracleList, same ? modelList : null),
      (list) => pair.oracle.classifyAll(name, list),
    );
    memos.set(name, probes);
    const { probeList, verdicts } = probes;
    const accepts = pair.host.nicAcceptsAll(name, probes.probeMacs, probes.keys);
    for (let i = 0; i < probeList.length; i++) {
      const mac = probeList[i] as string;
      const verdict = verdicts[i] as Verdict;
      const accepted = accepts[i] as boolean;
      if (verdict === 'must' && !accepted) {
        out.push({
          stepIndex,
          kind: 'loss',
          iface: name,
          mac,
          message: `${name} (${profile}): NIC drops ${mac} ${where()}; the oracle says it must accept it ${rxText(oc, oracleList.length)}`,
        });
      } else if (verdict === 'must-not' && accepted) {
        out.push({
          stepIndex,
          kind: 'leak',
          iface: name,
          mac,
          message: `${name} (${profile}): NIC accepts ${mac} ${where()}; the oracle says it must not ${rxText(oc, oracleList.length)}`,
        });
      }
    }
  }
  return out.length > 1 ? distinct(out) : out;
}

/** The destination MAC of a datagram to a group (the page buckets it), null for an unparsable address. */
function datagramMac(dst: string): string | null {
  try {
    return groupMac(parseIp(dst)).toLowerCase();
  } catch {
    return null;
  }
}

/** Applies one step to both systems and checks the step's result and then the state. */
export function checkStep(pair: CheckPair, step: Step, stepIndex: number): Violation[] {
  const where = lazyWhere(stepIndex, step);
  let model: { error: Errno | null; delivery?: { nic: boolean; sockets: readonly string[]; burst?: BurstResult } };
  let expected: { error: Errno | null; verdict?: string; sockets?: readonly string[]; burst?: OwedBurst };
  try {
    expected = pair.oracle.apply(step);
  } catch (e) {
    return [{ stepIndex, kind: 'error', message: `the oracle threw ${where()}: ${errorText(e)}` }];
  }
  try {
    model = pair.host.apply(step);
  } catch (e) {
    return [{ stepIndex, kind: 'error', message: `the model threw ${where()}: ${errorText(e)}` }];
  }
  const out: Violation[] = [];
  if (model.error !== expected.error) {
    out.push({
      stepIndex,
      kind: 'error',
      message: `${step.op} gives ${model.error ?? 'success'} in the model but ${expected.error ?? 'success'} in the oracle ${where()}`,
    });
  }
  if (step.op === 'send' || step.op === 'frame') {
    const profile = pair.profileOf(step.iface);
    const d = model.delivery;
    const verdict = expected.verdict as Verdict | undefined;
    if (d === undefined) {
      out.push({ stepIndex, kind: 'sockets', message: `the model reported no delivery for ${step.op} ${step.id} ${where()}` });
    } else {
      const dst = step.op === 'frame' ? step.dst : `the frame for ${step.dst}`;
      const dstMac = step.op === 'frame' ? step.dst.toLowerCase() : datagramMac(step.dst);
      const mac = { iface: step.iface, ...(dstMac !== null ? { mac: dstMac } : {}) };
      if (verdict === 'must' && !d.nic) {
        out.push({ stepIndex, kind: 'loss', ...mac, message: `${step.iface} (${profile}): ${step.id}: NIC dropped ${dst} ${where()}; the oracle says must accept` });
      } else if (verdict === 'must-not' && d.nic) {
        out.push({ stepIndex, kind: 'leak', ...mac, message: `${step.iface} (${profile}): ${step.id}: NIC accepted ${dst} ${where()}; the oracle says must not` });
      }
      if (expected.burst && step.op === 'send') out.push(...burstViolations(d.burst, expected.burst, { stepIndex, ...mac }, `${step.iface} (${profile}): ${step.id}`, where()));
      const want = d.nic ? [...(expected.sockets ?? [])].sort() : [];
      const got = [...d.sockets].sort();
      if (step.op === 'frame' ? got.length > 0 : want.join(',') !== got.join(',')) {
        out.push({
          stepIndex,
          kind: 'sockets',
          message: `${step.id}: delivered to [${got.join(', ')}] but the oracle expects [${(step.op === 'frame' ? [] : want).join(', ')}] (NIC ${d.nic ? 'accepted' : 'dropped'}) ${where()}`,
        });
      }
    }
  }
  return STATELESS_OPS.has(step.op) ? out : [...out, ...checkState(pair, stepIndex, step)];
}

/**
 * A burst on a KNI interface: the port's filter must pass every frame the oracle owes it (a drop
 * there is a loss, whatever the FIFO did), and rx_q must drop exactly the frames it cannot hold
 * ('fifo-drop', its own verdict) and hand the rest to the stack.
 */
export function burstViolations(got: BurstResult | undefined, owed: OwedBurst, at: { stepIndex: number; iface: string; mac?: string }, who: string, where: string): Violation[] {
  const { stepIndex } = at;
  if (!got) return [{ stepIndex, kind: 'sockets', message: `${who}: the model reported no burst result ${where}` }];
  if (owed.filtered === 0 && got.filtered > 0) {
    return [{ ...at, kind: 'loss', message: `${who}: the filter dropped ${got.filtered} of ${got.frames} frames it owed the FIFO ${where}` }];
  }
  if (owed.filtered !== null && owed.filtered > 0) return [];
  const accepted = got.frames - got.filtered;
  if (accepted === 0) return [];
  if (got.fifoDrop !== owed.fifoDrop || got.delivered !== owed.delivered || got.noMbuf !== 0) {
    return [{ stepIndex, kind: 'fifo-drop', message: `${who}: ${got.fifoDrop} dropped at rx_q, ${got.noMbuf} without an mbuf, ${got.delivered} delivered of ${got.frames}; the oracle owes ${owed.fifoDrop} fifo-drop and ${owed.delivered} delivered ${where}` }];
  }
  return [];
}

/**
 * Runs the scenario on a fresh Host and Oracle and returns the violations of the first step
 * (or the initial state) that has any: later steps would only repeat the divergence.
 */
export function checkScenario(scenario: Pick<Scenario, 'interfaces' | 'steps'>, options: CheckScenarioOptions = {}): Violation[] {
  let pair: CheckPair;
  try {
    pair = createPair(scenario.interfaces, options);
  } catch (e) {
    return [{ stepIndex: -1, kind: 'error', message: `creating the interfaces threw: ${errorText(e)}` }];
  }
  const initial = checkState(pair, -1);
  if (initial.length > 0) return initial;
  for (let i = 0; i < scenario.steps.length; i++) {
    const v = checkStep(pair, scenario.steps[i] as Step, i);
    if (v.length > 0) return v;
  }
  return [];
}
