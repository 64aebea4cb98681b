// End to end: the host model (joins, leaves, flags, sends) runs with the driver under test as
// its NIC. The host's state never depends on the NIC's answers (only each delivery's `nic` flag
// does), so the host runs synchronously with a recording NIC that logs every program() and
// accept(); each interface's log is then replayed against the driver (reset first, one NIC at a
// time: NICs are independent) through the contract checker, and the driver's answers decide
// which deliveries happen. Deliveries are compared with the oracle: the frame verdict (when
// the driver names a model the oracle has a spec for) and the receiving sockets.
import fc from 'fast-check';
import { scenarioArbitrary } from '../check/arbitraries.ts';
import { type ShardSpec, shardCases } from '../check/shard.ts';
import { NO_FAULTS } from '../faults.ts';
import { Host } from '../host/host.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../nic/filter.ts';
import { Oracle, hasOracleSpec } from '../oracle/index.ts';
import type { JsonValue, Scenario, Step } from '../scenario/types.ts';
import { BROADCAST_MAC, type Mac, bitNeighbours } from '../wire/mac.ts';
import { runTargets } from './contract-runs.ts';

/** The largest threshold an end-to-end fill crosses (mlx5-dpdk's 127). */
export const E2E_FILL_MAX = 130;
import { ContractChecker, ContractError } from './contract.ts';
import { DriverError, type DriverRequest } from './protocol.ts';
import type { DriverSession, Exchange } from './session.ts';

/** Newest list entries probed (with their neighbours) after a program at a threshold's edge. */
const THRESHOLD_PROBE_ENTRIES = 2;

/** One NIC's calls as the host made them. `step` is the scenario step that caused the call. */
interface NicLog {
  readonly ownMac: Mac;
  readonly requests: DriverRequest[];
  /** For each rx request: its index in `requests` and the step that received the frame. */
  readonly frames: { readonly request: number; readonly step: number }[];
}

/**
 * A NicFilter that records and accepts everything, so the host computes every delivery. A
 * program whose list is within one of a threshold is followed by probes of its own (station,
 * broadcast, the list's newest entries and their one-bit neighbours), so the driver's table is
 * looked at on both sides of every edge, not only where a datagram happens to arrive.
 */
class RecordingNic implements NicFilter {
  constructor(
    private readonly log: NicLog,
    private readonly currentStep: () => number,
    private readonly thresholds: readonly number[],
  ) {}

  program(mode: RxMode): ProgramResult {
    const uc = mode.uc !== undefined && mode.uc.length > 0 ? { uc: [...mode.uc] } : {};
    this.log.requests.push({ op: 'program', promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc], ...uc });
    const n = mode.mc.length;
    if (this.thresholds.some((t) => Math.abs(n - t) <= 1)) {
      const newest = mode.mc.slice(-THRESHOLD_PROBE_ENTRIES);
      const probes = new Set<Mac>([this.log.ownMac, BROADCAST_MAC, ...newest, ...newest.flatMap(bitNeighbours)]);
      for (const dst of probes) this.log.requests.push({ op: 'rx', dst });
    }
    return { ok: true };
  }

  accept(dst: Mac): boolean {
    this.log.frames.push({ request: this.log.requests.length, step: this.currentStep() });
    this.log.requests.push({ op: 'rx', dst });
    return true;
  }

  state(): JsonValue {
    return null;
  }
}

/**
 * Runs the scenario on the host with recording NICs, in interface order. `unicastFilter`: the
 * host treats the driver as advertising IFF_UNICAST_FLT (dev->uc in `program`, no promiscuity
 * for an up macvlan), as it does only for a driver whose protocol carries `uc`.
 */
function record(scenario: Scenario, thresholds: readonly number[], unicastFilter: boolean): { logs: NicLog[]; sockets: Map<number, readonly string[]> } {
  const logs: NicLog[] = [];
  let step = -1;
  const profile: NicProfile = {
    name: 'driver-under-test',
    source: 'docs/driver-protocol.md',
    summary: 'the driver under test, recorded',
    thresholds: [],
    sharesUnicast: false,
    unicastFilter,
    create(ownMac: Mac): NicFilter {
      const log: NicLog = { ownMac, requests: [{ op: 'reset', mac: ownMac }], frames: [] };
      logs.push(log);
      return new RecordingNic(log, () => step, thresholds);
    },
  };
  const host = new Host(scenario.interfaces, { nicProfile: profile, faults: NO_FAULTS });
  const sockets = new Map<number, readonly string[]>();
  scenario.steps.forEach((s, i) => {
    step = i;
    const r = host.apply(s);
    if (r.delivery) sockets.set(i, r.delivery.sockets);
  });
  return { logs, sockets };
}

export interface EndToEndFailure {
  readonly kind: 'violation' | 'driver-error';
  readonly message: string;
  readonly rule: string | null;
  readonly scenario: Scenario;
  /** The driver requests of the NIC where it failed (reset first); empty for delivery mismatches. */
  readonly script: readonly DriverRequest[];
  readonly transcript: readonly Exchange[];
}

/**
 * One scenario end to end. Returns null when every delivery matches the oracle and the driver
 * keeps the contract on what the host programmed.
 */
export async function runEndToEnd(session: DriverSession, scenario: Scenario): Promise<EndToEndFailure | null> {
  const targets = runTargets(session.hello);
  const { logs, sockets } = record(scenario, targets.thresholds, targets.unicastFilter === true);
  // The step -> driver verdict for every frame the host received.
  const verdicts = new Map<number, boolean>();
  for (const log of logs) {
    session.clearTranscript();
    const checker = new ContractChecker(session.hello);
    const answers: boolean[] = [];
    try {
      await session.requestAll(log.requests, (i, answer) => {
        checker.observe(i, log.requests[i] as DriverRequest, answer);
        if ('accept' in answer) answers[i] = answer.accept;
      });
    } catch (e) {
      if (e instanceof ContractError || e instanceof DriverError) {
        const violation = e instanceof ContractError;
        return {
          kind: violation ? 'violation' : 'driver-error',
          message: e.message,
          rule: violation ? e.violation.rule : null,
          scenario,
          script: log.requests,
          transcript: session.transcript,
        };
      }
      throw e;
    }
    for (const f of log.frames) verdicts.set(f.step, answers[f.request] as boolean);
  }
  const model = session.hello.model;
  // A protocol-1 adapter of an IFF_UNICAST_FLT model is run, and judged, as a device without
  // the flag: it gets exactly the verdicts it got before `uc` existed (docs/driver-protocol.md).
  const oracle = new Oracle(scenario.interfaces, model !== null && hasOracleSpec(model) ? { profile: model, unicastFilter: targets.unicastFilter === true } : {});
  const checkVerdict = model !== null && hasOracleSpec(model);
  for (let i = 0; i < scenario.steps.length; i++) {
    const step = scenario.steps[i] as Step;
    const expected = oracle.apply(step);
    if (step.op !== 'send' && step.op !== 'frame') continue;
    const accepted = verdicts.get(i);
    if (accepted === undefined) continue; // the host rejected the step before the NIC saw it
    const fail = (rule: string, message: string): EndToEndFailure => ({
      kind: 'violation',
      rule,
      message: `${rule}: step ${i} (${step.op} ${step.id} to ${step.dst} on ${step.iface}): ${message}`,
      scenario,
      script: [],
      transcript: [],
    });
    if (checkVerdict && expected.verdict === 'must' && !accepted) return fail('loss', `the oracle says model ${model} must accept it; the driver dropped it`);
    if (checkVerdict && expected.verdict === 'must-not' && accepted) return fail('leak', `the oracle says model ${model} must drop it; the driver accepted it`);
    const got = accepted ? [...(sockets.get(i) ?? [])] : [];
    const want = accepted ? [...(expected.sockets ?? [])] : [];
    if (JSON.stringify(got) !== JSON.stringify(want)) {
      return fail('sockets', `delivered to [${got.join(', ')}], the oracle expects [${want.join(', ')}]`);
    }
  }
  return null;
}

export interface EndToEndCheckOptions {
  readonly numRuns?: number;
  readonly seed?: number;
  readonly maxSteps?: number;
  /** Called as each generated scenario starts (progress display). */
  readonly onRun?: () => void;
  /** Runs only this shard's scenarios (by case number; src/check/shard.ts shardCases). */
  readonly shard?: ShardSpec;
}

export type EndToEndResult =
  | { readonly ok: true; readonly numRuns: number; readonly seed: number }
  | { readonly ok: false; readonly seed: number; readonly failure: EndToEndFailure };

/** Random scenarios (src/check/arbitraries.ts) end to end against the driver, shrunk on failure. */
export async function checkDriverEndToEnd(session: DriverSession, options: EndToEndCheckOptions = {}): Promise<EndToEndResult> {
  const numRuns = options.numRuns ?? 50;
  // The scenarios this shard took (all of them unsharded): what its results report.
  let ran = 0;
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x100000000);
  let driverError: EndToEndFailure | null = null;
  const targets = runTargets(session.hello);
  // End to end, every `ip maddr add` of a fill programs the driver with the whole list (as
  // __dev_set_rx_mode does): a fill to t costs t^2/2 addresses over the protocol. The contract
  // sends lists around every threshold in one request each; here fills stop at E2E_FILL_MAX.
  const fillThresholds = targets.thresholds.filter((t) => t <= E2E_FILL_MAX);
  const arb = scenarioArbitrary({ maxSteps: options.maxSteps ?? 20, fillThresholds });
  const cases = shardCases(options.shard);
  const property = fc.asyncProperty(arb, async (scenario) => {
    if (driverError) throw new Error(driverError.message);
    if (!cases.take()) return;
    ran++;
    options.onRun?.();
    const failure = await runEndToEnd(session, scenario);
    if (failure?.kind === 'driver-error') driverError = failure;
    if (failure) {
      cases.failed();
      throw new Error(failure.message);
    }
  });
  const details = await fc.check(property, { numRuns, seed, endOnFailure: false });
  if (!details.failed) return { ok: true, numRuns: ran, seed };
  if (driverError) return { ok: false, seed, failure: driverError };
  const scenario = details.counterexample?.[0];
  const again = scenario ? await runEndToEnd(session, scenario) : null;
  const message = details.errorInstance instanceof Error ? details.errorInstance.message : 'property failed';
  return {
    ok: false,
    seed,
    failure: again ?? { kind: 'violation', rule: 'determinism', message: `determinism: the shrunk scenario failed once and passed when repeated (${message})`, scenario: scenario as Scenario, script: [], transcript: [] },
  };
}
