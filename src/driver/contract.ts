// The generic filter contract every driver must keep, whatever its hash or table size:
//  - own MAC and broadcast always accepted;
//  - after an accepted program: every listed MAC accepted (no loss), PROMISC -> every frame,
//    ALLMULTI -> every multicast frame (what IFF_PROMISC / IFF_ALLMULTI promise in
//    include/uapi/linux/if.h and what ndo_set_rx_mode implementations honour);
//  - a refused program leaves acceptance as it was (with other flags: the previous list is still
//    accepted, whatever the flags did);
//  - acceptance after program(flags, S) depends only on (flags, set of S) ("list" drivers: on
//    the sequence S), not on earlier programs: this catches stale entries and sticky
//    all-multicast without knowing the driver's hash. Refusal too depends only on the request.
//  - the same request gives the same answer; reset gives the same state every time;
//  - a driver naming a built-in `model` answers exactly as that profile (src/profiles/registry.ts).
// The checker reads a script of requests, so a saved transcript replays through the same rules.
import fc from 'fast-check';
import { type ShardSpec, shardCases } from '../check/shard.ts';
import { NO_FAULTS } from '../faults.ts';
import type { NicFilter } from '../nic/filter.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { BROADCAST_MAC, type Mac, isMulticastMac } from '../wire/mac.ts';
import { DEFAULT_OWN_MAC, buildScript, contractRunArb, effectiveOrder, programKey, runTargets } from './contract-runs.ts';
import {
  DriverError,
  type DriverRequest,
  type HelloAnswer,
  type ProgramRequest,
  encodeRequest,
} from './protocol.ts';

export {
  type ContractRun,
  DEFAULT_OWN_MAC,
  OTHER_UNICAST_MAC,
  type ProgramStep,
  buildScript,
  contractRunArb,
  effectiveOrder,
} from './contract-runs.ts';
import type { DriverSession, Exchange } from './session.ts';

/** One broken rule, at the index of the request whose answer broke it. */
export interface ContractViolation {
  readonly rule: string;
  readonly message: string;
  /** Index into the script of the request whose answer broke the rule. */
  readonly at: number;
}

/** A contract violation: the checker stops at the first one. */
export class ContractError extends Error {
  override readonly name = 'ContractError';
  constructor(readonly violation: ContractViolation) {
    super(`${violation.rule}: ${violation.message}`);
  }
}

type StateKey = string;

function describe(state: ProgrammedState): string {
  return state.refusedAt === undefined ? state.label : `${state.label}, then refused program #${state.refusedAt}`;
}

function flagsText(p: { promisc: boolean; allmulti: boolean }): string {
  const flags = [p.promisc ? 'PROMISC' : '', p.allmulti ? 'ALLMULTI' : ''].filter(Boolean);
  return flags.length ? flags.join('|') : 'no flags';
}

interface ProgrammedState {
  readonly key: StateKey;
  /** The accepted program this state comes from; null right after reset. */
  readonly program: ProgramRequest | null;
  /** Flags of the request that produced this state (reset: none). */
  readonly promisc: boolean;
  readonly allmulti: boolean;
  readonly label: string;
  /** Label of the state this one repeats when the same program was sent twice in a row. */
  readonly repeatOf?: string;
  /** Set when a refused program came after the program this state comes from. */
  readonly refusedAt?: number;
}

/**
 * Checks answers one by one, as they come. Holds what was seen for each state key so that a
 * later visit of the same (flags, set) must answer the same.
 */
export class ContractChecker {
  private own: Mac = DEFAULT_OWN_MAC;
  private state: ProgrammedState | null = null;
  private readonly acceptance = new Map<StateKey, Map<Mac, { accept: boolean; at: number; label: string }>>();
  private readonly programOutcome = new Map<StateKey, { ok: boolean; at: number }>();
  private model: NicFilter | null = null;

  constructor(private readonly hello: HelloAnswer) {
    if (hello.model !== null) resolveProfile(hello.model);
  }

  private fail(rule: string, at: number, message: string): never {
    throw new ContractError({ rule, at, message });
  }

  /** Feeds one request and its (validated) answer. Throws ContractError on a violation. */
  observe(at: number, req: DriverRequest, answer: unknown): void {
    switch (req.op) {
      case 'hello':
        return;
      case 'reset': {
        this.own = req.mac;
        this.state = { key: JSON.stringify([req.mac, 'reset']), program: null, promisc: false, allmulti: false, label: `reset #${at}` };
        if (this.hello.model !== null) this.model = resolveProfile(this.hello.model).create(req.mac, NO_FAULTS);
        return;
      }
      case 'program':
        return this.observeProgram(at, req, answer as { ok: boolean; error?: string });
      case 'rx':
        return this.observeRx(at, req.dst, (answer as { accept: boolean }).accept);
    }
  }

  private observeProgram(at: number, req: ProgramRequest, answer: { ok: boolean; error?: string }): void {
    if (this.state === null) this.fail('protocol order', at, 'program before the first reset');
    const key = programKey(this.own, req, effectiveOrder(this.hello));
    const seen = this.programOutcome.get(key);
    if (seen && seen.ok !== answer.ok) {
      this.fail(
        'history independence',
        at,
        `the same program (${flagsText(req)}, ${req.mc.length} addresses) was ${seen.ok ? 'accepted' : 'refused'} at #${seen.at} but is ${answer.ok ? 'accepted' : `refused (${answer.error})`} now`,
      );
    }
    if (!seen) this.programOutcome.set(key, { ok: answer.ok, at });
    if (this.model) {
      const expected = this.model.program({ promisc: req.promisc, allmulti: req.allmulti, mc: req.mc, ...(req.uc ? { uc: req.uc } : {}) });
      if (expected.ok !== answer.ok) {
        this.fail(
          'model',
          at,
          `model ${this.hello.model} ${expected.ok ? 'accepts' : `refuses (${expected.error})`} this program, the driver ${answer.ok ? 'accepted it' : `refused it (${answer.error})`}`,
        );
      }
    }
    if (answer.ok) {
      const previous = this.state;
      const repeat = previous.key === key && previous.program !== null && encodeRequest(previous.program) === encodeRequest(req);
      this.state = {
        key,
        program: req,
        promisc: req.promisc,
        allmulti: req.allmulti,
        label: `program #${at}`,
        ...(repeat ? { repeatOf: previous.repeatOf ?? previous.label } : {}),
      };
    } else if (req.promisc !== this.state.promisc || req.allmulti !== this.state.allmulti) {
      // A refusal with other flags: the flags may or may not have taken effect (DPDK sets them
      // by separate calls, lib/ethdev/rte_ethdev.c), but the list was refused, so the previous
      // list must still be accepted, and a flag's promise holds only where both requests set it.
      const kept = this.state.program;
      this.state = {
        key: `unknown#${at}`,
        program: kept === null ? null : { ...kept, promisc: kept.promisc && req.promisc, allmulti: kept.allmulti && req.allmulti },
        promisc: req.promisc,
        allmulti: req.allmulti,
        label: this.state.label,
        refusedAt: at,
      };
    } else {
      // A refusal with the same flags keeps the state, so the next answers must match it.
      this.state = { ...this.state, refusedAt: at };
    }
  }

  private observeRx(at: number, dst: Mac, accept: boolean): void {
    const state = this.state;
    if (state === null) this.fail('protocol order', at, 'rx before the first reset');
    if (!accept && (dst === this.own || dst === BROADCAST_MAC)) {
      this.fail('station', at, `${dst === this.own ? 'own MAC' : 'broadcast'} ${dst} dropped after ${describe(state)}`);
    }
    const p = state.program;
    if (p && !accept) {
      if (p.promisc) this.fail('promisc', at, `${dst} dropped under PROMISC (${describe(state)})`);
      if (p.allmulti && isMulticastMac(dst)) this.fail('allmulti', at, `multicast ${dst} dropped under ALLMULTI (${describe(state)})`);
      if (p.mc.includes(dst) || (p.uc ?? []).includes(dst)) {
        const list = p.mc.includes(dst) ? `list of ${p.mc.length}` : `unicast list of ${p.uc?.length ?? 0}`;
        this.fail(state.refusedAt === undefined ? 'no loss' : 'refusal keeps state', at, `${dst} is in the programmed ${list} (${describe(state)}, accepted by the driver) but was dropped`);
      }
    }
    if (this.model && this.model.accept(dst) !== accept) {
      this.fail('model', at, `model ${this.hello.model} ${accept ? 'drops' : 'accepts'} ${dst} after ${describe(state)}, the driver ${accept ? 'accepted' : 'dropped'} it`);
    }
    let seen = this.acceptance.get(state.key);
    if (!seen) {
      seen = new Map();
      this.acceptance.set(state.key, seen);
    }
    const before = seen.get(dst);
    if (before && before.accept !== accept) {
      const same =
        (before.label === state.label && (state.refusedAt === undefined || before.at > state.refusedAt)) ||
        before.label === state.repeatOf;
      this.fail(
        same
          ? 'determinism'
          : state.refusedAt !== undefined && before.at < state.refusedAt && before.label === state.label
            ? 'refusal keeps state'
            : state.label.startsWith('reset')
              ? 'reset'
              : 'history independence',
        at,
        `${dst} was ${before.accept ? 'accepted' : 'dropped'} at #${before.at} (after ${before.label}) and is ${accept ? 'accepted' : 'dropped'} now (after ${describe(state)}), with the same ${state.program ? `flags (${flagsText(state.program)}) and address ${effectiveOrder(this.hello)}` : 'state'}`,
      );
    }
    if (!before) seen.set(dst, { accept, at, label: state.label });
  }
}

/** Sends every request of the script, checking each answer. Throws ContractError or DriverError. */
export async function runScript(session: DriverSession, script: readonly DriverRequest[]): Promise<void> {
  const checker = new ContractChecker(session.hello);
  await session.requestAll(script, (i, answer) => checker.observe(i, script[i] as DriverRequest, answer));
}

/** A failure of the contract or of the protocol, with the exchanges that led to it. */
export interface DriverCheckFailure {
  readonly kind: 'violation' | 'driver-error';
  readonly message: string;
  readonly rule: string | null;
  /** Script of the failing run (hello not included). */
  readonly script: readonly DriverRequest[];
  /** What went over the wire in the failing run, up to and including the failure. */
  readonly transcript: readonly Exchange[];
  readonly seed: number;
  readonly numRuns: number;
}

export interface DriverCheckOptions {
  readonly numRuns?: number;
  readonly seed?: number;
  /** Called as each generated run starts (progress display). */
  readonly onRun?: () => void;
  /** Runs only this shard's cases (by case number; src/check/shard.ts shardCases). */
  readonly shard?: ShardSpec;
}

export type DriverCheckResult =
  | { readonly ok: true; readonly numRuns: number; readonly seed: number; readonly requests: number }
  | { readonly ok: false; readonly failure: DriverCheckFailure };

/** Runs one script and says how it ended (never throws a ContractError or DriverError). */
export async function runScriptOutcome(
  session: DriverSession,
  script: readonly DriverRequest[],
): Promise<{ ok: true } | { ok: false; kind: 'violation' | 'driver-error'; rule: string | null; message: string }> {
  try {
    await runScript(session, script);
    return { ok: true };
  } catch (e) {
    if (e instanceof ContractError) return { ok: false, kind: 'violation', rule: e.violation.rule, message: e.message };
    if (e instanceof DriverError) return { ok: false, kind: 'driver-error', rule: null, message: e.message };
    throw e;
  }
}

/**
 * The generic contract as an async fast-check property over random program sequences, against
 * one long-lived session (`reset` starts every run). On failure the shrunk run is replayed once
 * more to capture its exact transcript.
 */
export async function checkDriverContract(session: DriverSession, options: DriverCheckOptions = {}): Promise<DriverCheckResult> {
  const numRuns = options.numRuns ?? 100;
  const seed = options.seed ?? Date.now() ^ (Math.random() * 0x100000000);
  let requests = 0;
  let driverError: DriverError | null = null;
  let lastScript: readonly DriverRequest[] = [];
  const cases = shardCases(options.shard);
  const property = fc.asyncProperty(contractRunArb(runTargets(session.hello)), async (run) => {
    if (driverError) throw driverError;
    if (!cases.take()) return;
    options.onRun?.();
    const script = buildScript(run, effectiveOrder(session.hello));
    lastScript = script;
    session.clearTranscript();
    try {
      await runScript(session, script);
    } catch (e) {
      // A broken driver cannot be shrunk against: stop at the first protocol failure.
      if (e instanceof DriverError) driverError = e;
      cases.failed();
      throw e;
    } finally {
      requests += session.transcript.length;
    }
  });
  const details = await fc.check(property, { numRuns, seed, endOnFailure: false });
  if (!details.failed) return { ok: true, numRuns, seed, requests };
  if (driverError !== null) {
    const err: DriverError = driverError;
    return {
      ok: false,
      failure: { kind: 'driver-error', message: err.message, rule: null, script: lastScript, transcript: session.transcript, seed, numRuns },
    };
  }
  const counterexample = details.counterexample?.[0];
  if (!counterexample) {
    const message = details.errorInstance instanceof Error ? details.errorInstance.message : 'property failed';
    return { ok: false, failure: { kind: 'violation', message, rule: null, script: [], transcript: session.transcript, seed, numRuns } };
  }
  const script = buildScript(counterexample, effectiveOrder(session.hello));
  session.clearTranscript();
  const outcome = await runScriptOutcome(session, script);
  if (outcome.ok) {
    // The driver passed the very run it failed a moment ago: that itself breaks determinism.
    return {
      ok: false,
      failure: {
        kind: 'violation',
        rule: 'determinism',
        message: `determinism: the shrunk run failed once and passed when repeated (${details.errorInstance instanceof Error ? details.errorInstance.message : ''})`,
        script,
        transcript: session.transcript,
        seed,
        numRuns,
      },
    };
  }
  return {
    ok: false,
    failure: { kind: outcome.kind, rule: outcome.rule, message: outcome.message, script, transcript: session.transcript, seed, numRuns },
  };
}

