// `mcast-testbench check`: runs the per-profile properties with fc.check, and for a failure
// prints the shrunk step list, the first violation and the replay line, and saves the shrunk
// scenario as a fixture (with the oracle's expectation and the model's observation).
import fc from 'fast-check';
import { InputError } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import { builtinProfileNames, resolveProfile } from '../nic/registry.ts';
import { hasOracleSpec } from '../oracle/index.ts';
import { pluginModulesForWorkers } from '../profile-plugin.ts';
import { saveFixture } from '../scenario/save.ts';
import type { AnyStep, InterfaceSpec, Scenario, Step } from '../scenario/types.ts';
import { SCENARIO_SCHEMA_ID } from '../scenario/types.ts';
import { simulate } from '../simulate.ts';
import { type ModelCase, PROFILE_PROPERTIES, type ProfilePropertyName, propertiesFor } from './properties.ts';
import { routeScenario } from './route-property.ts';
import type { RouteOp } from '../route/types.ts';
import { stepsOfCommands } from './commands.ts';
import { type Violation, checkScenario } from './compare.ts';
import { oracleExpectation } from './expectation.ts';
import { type ShardSpec, shardUnits } from './shard.ts';

export interface CheckOptions {
  /** [] = every builtin profile (builtinProfiles() of src/nic/registry.ts). */
  profiles: string[];
  /** fc.check numRuns per property and profile. */
  runs: number;
  seed?: number;
  /** Replay path printed by a failing run ("model~..." or "scenario~..."); needs `seed`. */
  path?: string;
  faults: FaultSet;
  fixturesDir: string;
  log: (line: string) => void;
  progress: (line: string) => void;
  /** Runs only this shard's (profile, property) units (./shard.ts); needs `seed`. */
  shard?: ShardSpec;
  /** Records an identifier per generated case in UnitOutcome.caseIds. */
  recordCases?: boolean;
  /** Worker threads for the units (./parallel.ts); 1 or absent: this thread. */
  jobs?: number;
  events?: CheckEvents;
}

/** One property on one profile: what `check` runs, reports and shards. */
export interface CheckUnit {
  readonly profile: string;
  readonly property: ProfilePropertyName;
}

export interface UnitOutcome extends CheckUnit {
  readonly ok: boolean;
  /** Generated cases run (shrink candidates not counted). */
  readonly runs: number;
  readonly timeMs: number;
  readonly profileSeed: number;
  readonly caseIds?: readonly string[];
  readonly failure?: CheckFailure;
}

/** What a progress display needs to know while check runs. */
export interface CheckEvents {
  /** Once, before the first unit: the units this run (or shard) will run. */
  plan?(units: readonly CheckUnit[], runsPerUnit: number): void;
  /** Every generated case as it starts (not the shrink candidates). */
  run?(unit: CheckUnit): void;
  /** Every shrink candidate tried after a failure. */
  shrink?(unit: CheckUnit): void;
  unitDone?(outcome: UnitOutcome): void;
}

export interface CheckFailure {
  profile: string;
  property: string;
  message: string;
  /** The run's seed (--seed); the replay line names it with the profile. */
  seed: number;
  /** The seed fast-check ran this profile with: profileSeed(seed, profile). */
  profileSeed: number;
  path: string;
  steps: AnyStep[];
  fixture?: string;
  /** The command line that replays this failure. */
  replay?: string;
  /** model and scenario properties: the shrunk scenario that was saved (or would have been). */
  scenario?: Scenario;
  /** route and relay properties: the shrunk case, one JSON line per step or event. */
  lines?: string[];
}

export interface CheckOutcome {
  ok: boolean;
  failures: CheckFailure[];
  /** The seed the run used (given or drawn). */
  seed: number;
  /** Every unit that ran, in order. */
  units: UnitOutcome[];
}

/** Shrinking stops this long after the first failure: the best counterexample so far is kept. */
export const SHRINK_BUDGET_MS = 20_000;
/** A progress line at most this often. */
export const PROGRESS_INTERVAL_MS = 3_000;
const PATH_SEPARATOR = '~';
/** Violations after the first one that a failure report lists. */
const MORE_VIOLATIONS_SHOWN = 3;

interface ParsedPath {
  readonly property: ProfilePropertyName;
  readonly fcPath: string;
  readonly replayPath?: string;
}

/** fast-check's fc.commands replay path: base-64 run counts, ':', base-64 change bits. */
const COMMANDS_REPLAY_PATH = /^[A-Za-z0-9+/]+:[A-Za-z0-9+/]*$/;

function parsePath(path: string): ParsedPath {
  const bad = (why: string): never => {
    throw new InputError(
      '--path',
      `${JSON.stringify(path)}: ${why}; give a path printed by a failing check, e.g. model${PATH_SEPARATOR}3:0:1 (property ${Object.keys(PROFILE_PROPERTIES).join(' or ')}, then the run path, then for model an optional command replay path)`,
    );
  };
  const parts = path.split(PATH_SEPARATOR);
  const [property, fcPath, replayPath] = parts;
  if (!property || !(property in PROFILE_PROPERTIES)) bad(`unknown property ${JSON.stringify(property ?? '')}`);
  if (!fcPath || !/^\d+(:\d+)*$/.test(fcPath)) bad(`invalid run path ${JSON.stringify(fcPath ?? '')} (numbers separated by ":")`);
  if (parts.length > 3) bad(`too many "${PATH_SEPARATOR}" parts`);
  if (replayPath !== undefined && (property !== 'model' || !COMMANDS_REPLAY_PATH.test(replayPath))) {
    bad(property !== 'model' ? `property ${property} takes no command replay path` : `invalid command replay path ${JSON.stringify(replayPath)}`);
  }
  return { property: property as ProfilePropertyName, fcPath: fcPath as string, ...(replayPath ? { replayPath } : {}) };
}

function resolveProfiles(requested: readonly string[], log: (l: string) => void): string[] {
  if (requested.length > 0) {
    return requested.map((name) => {
      const p = resolveProfile(name).name;
      if (!hasOracleSpec(p)) throw new InputError(name, `the oracle has no spec for profile ${JSON.stringify(p)}: it cannot be checked`);
      return p;
    });
  }
  const names = builtinProfileNames();
  const skipped = names.filter((n) => !hasOracleSpec(n));
  if (skipped.length > 0) log(`skipping ${skipped.join(', ')}: the oracle has no spec for them yet`);
  return names.filter((n) => hasOracleSpec(n));
}

function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** The interfaces and steps of a counterexample, cut after the first step that breaks an invariant. */
function counterexampleScenario(
  property: ProfilePropertyName,
  value: unknown,
): { interfaces: InterfaceSpec[]; steps: AnyStep[]; replayPath?: string } {
  if (property === 'model') {
    const [interfaces, commands] = value as ModelCase;
    const m = /replayPath="([^"]*)"/.exec(String(commands));
    return { interfaces, steps: stepsOfCommands(commands), ...(m?.[1] ? { replayPath: m[1] } : {}) };
  }
  const scenario = value as Scenario;
  return { interfaces: [...scenario.interfaces], steps: [...scenario.steps] };
}

/**
 * fc.commands shrinks the steps but not the interfaces they were generated for: drop each
 * interface no step names, as long as the scenario still breaks an invariant.
 */
function withoutIdleInterfaces(
  cx: { interfaces: InterfaceSpec[]; steps: AnyStep[] },
  options: { profile: string; faults: FaultSet },
): InterfaceSpec[] {
  let interfaces = cx.interfaces;
  const named = new Set(cx.steps.flatMap((s) => ('iface' in s ? [s.iface] : [])));
  for (const idle of cx.interfaces.filter((i) => !named.has(i.name))) {
    // A macvlan's lower stays while the macvlan does.
    if (interfaces.some((i) => i.lower === idle.name)) continue;
    const fewer = interfaces.filter((i) => i !== idle);
    if (fewer.length === 0) break;
    try {
      if (checkScenario({ interfaces: fewer, steps: cx.steps }, options).length > 0) interfaces = fewer;
    } catch {
      // Keep the interface: the smaller scenario does not even run.
    }
  }
  return interfaces;
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

function replayLine(profile: string, seed: number, path: string, faults: FaultSet): string {
  const parts = ['mcast-testbench check --profile', shellQuote(profile), '--seed', String(seed), '--path', shellQuote(path)];
  for (const f of faults) parts.push('--inject-fault', f);
  return parts.join(' ');
}

interface RunState {
  runs: number;
  failedAt: number | null;
  shrinks: number;
  lastProgress: number;
}

export async function runProperty(
  profile: string,
  property: ProfilePropertyName,
  o: CheckOptions,
  seed: number,
  replay: ParsedPath | null,
  caseIds: string[] | null,
): Promise<{ failure: CheckFailure | null; runs: number }> {
  const unit: CheckUnit = { profile, property };
  const state: RunState = { runs: 0, failedAt: null, shrinks: 0, lastProgress: Date.now() };
  const around = (run: () => void): void => {
    const now = Date.now();
    if (state.failedAt !== null) {
      // Past the budget every candidate "passes": fast-check keeps the smallest failure so far.
      if (now - state.failedAt > SHRINK_BUDGET_MS) return;
      state.shrinks++;
      o.events?.shrink?.(unit);
    } else {
      // A path selects one case; fast-check runs the rest of a shrink path's stream after it
      // (and ignores numRuns there): those pass without running.
      if (replay && state.runs >= 1) return;
      state.runs++;
      o.events?.run?.(unit);
    }
    if (now - state.lastProgress >= PROGRESS_INTERVAL_MS) {
      state.lastProgress = now;
      o.progress(
        state.failedAt === null
          ? `${profile} ${property}: ${state.runs}/${o.runs} runs`
          : `${profile} ${property}: shrinking, ${state.shrinks} candidates tried`,
      );
    }
    try {
      run();
    } catch (e) {
      if (state.failedAt === null) state.failedAt = Date.now();
      throw e;
    }
  };
  const prop = PROFILE_PROPERTIES[property]({
    profile,
    faults: o.faults,
    around,
    ...(replay?.replayPath !== undefined ? { replayPath: replay.replayPath } : {}),
  });
  const fcSeed = profileSeed(seed, profile);
  const checked = caseIds ? recordingCases(prop as fc.IProperty<[unknown]>, caseIds, `${profile} ${property} ${fcSeed}`, () => state.failedAt === null) : prop;
  const details = fc.check(checked as fc.IProperty<[unknown]>, {
    // A path selects one case: replay exactly that one, not the runs that follow it.
    numRuns: replay ? 1 : o.runs,
    seed: fcSeed,
    ...(replay ? { path: replay.fcPath, endOnFailure: true } : {}),
  });
  if (replay && state.runs === 0 && !details.failed) {
    // fast-check ran nothing: a path beyond the runs asked for is no replay, and no success.
    throw new InputError('--path', `${JSON.stringify(o.path ?? '')}: selects no case with --seed ${seed} (a shrink step beyond the last); give the --path and --seed printed with a failure`);
  }
  if (!details.failed) {
    o.log(`ok   ${profile} ${property} (${replay ? state.runs : details.numRuns} runs, seed ${seed}, profile seed ${fcSeed})`);
    return { failure: null, runs: state.runs };
  }
  if (details.counterexample === null || details.counterexamplePath === null) {
    const message = details.interrupted ? 'interrupted before any run completed' : `gave up: ${details.numSkips} skipped runs`;
    o.log(`FAIL ${profile} ${property}: ${message}`);
    return { failure: { profile, property, message, seed, profileSeed: fcSeed, path: '', steps: [] }, runs: state.runs };
  }

  if (property === 'route') {
    // A routing scenario: printed step by step with the first disagreement; not saved (replay
    // compares with the oracle step by step, and it does not look at forwarding).
    const path = [property, details.counterexamplePath].join(PATH_SEPARATOR);
    const scenario = routeScenario(details.counterexample[0] as RouteOp[], profile);
    const message = errorText(details.errorInstance);
    o.log(`FAIL ${profile} ${property} (seed ${seed}, profile seed ${fcSeed}): ${message}`);
    o.log(`  interfaces: ${JSON.stringify(scenario.interfaces)}`);
    o.log(`  shrunk routing scenario (${scenario.steps.length} steps, ${details.numShrinks} shrinks):`);
    for (const s of scenario.steps) o.log(`  ${JSON.stringify(s)}`);
    o.log(`  replay: ${replayLine(profile, seed, path, o.faults)}`);
    const replayCommand = replayLine(profile, seed, path, o.faults);
    const lines = [`interfaces: ${JSON.stringify(scenario.interfaces)}`, ...scenario.steps.map((s) => JSON.stringify(s))];
    return { failure: { profile, property, message, seed, profileSeed: fcSeed, path, steps: [...scenario.steps], replay: replayCommand, lines }, runs: state.runs };
  }
  if (property === 'relay') {
    // Interleavings of the relay's actors, not host steps: no scenario to save.
    const path = [property, details.counterexamplePath].join(PATH_SEPARATOR);
    const events = details.counterexample[0] as unknown[];
    const message = errorText(details.errorInstance);
    o.log(`FAIL ${profile} ${property} (seed ${seed}, profile seed ${fcSeed}): ${message}`);
    o.log(`  shrunk interleaving (${events.length} events, ${details.numShrinks} shrinks):`);
    for (const e of events) o.log(`  ${JSON.stringify(e)}`);
    o.log(`  replay: ${replayLine(profile, seed, path, o.faults)}`);
    const lines = events.map((e) => JSON.stringify(e));
    return { failure: { profile, property, message, seed, profileSeed: fcSeed, path, steps: [], replay: replayLine(profile, seed, path, o.faults), lines }, runs: state.runs };
  }
  const shrunk = counterexampleScenario(property, details.counterexample[0]);
  const checkOptions = { profile, faults: o.faults };
  const cx = { ...shrunk, interfaces: withoutIdleInterfaces(shrunk, checkOptions) };
  let violations: Violation[] = [];
  try {
    violations = checkScenario(cx, checkOptions);
  } catch (e) {
    violations = [{ stepIndex: cx.steps.length - 1, kind: 'error', message: `replaying the counterexample threw: ${errorText(e)}` }];
  }
  const first = violations[0];
  const steps = first ? cx.steps.slice(0, first.stepIndex + 1) : cx.steps;
  const message = first
    ? `step ${first.stepIndex}: ${first.kind}: ${first.message}`
    : `the property failed but the shrunk scenario replays cleanly: ${errorText(details.errorInstance)}`;
  const path = [property, details.counterexamplePath, ...(cx.replayPath ? [cx.replayPath] : [])].join(PATH_SEPARATOR);
  // A macvlan has no NIC of its own (src/scenario/validate.ts).
  const interfaces = cx.interfaces.map((i) => (i.kind !== undefined ? i : { ...i, nic: profile }));
  const scenario: Scenario = {
    schema: SCENARIO_SCHEMA_ID,
    description: `check ${property} on ${profile}: ${first ? first.kind : 'failure'} after ${steps.length} step(s) (shrunk counterexample, seed ${seed})`,
    interfaces,
    steps,
  };

  o.log(`FAIL ${profile} ${property} (seed ${seed}, profile seed ${fcSeed}): ${message}`);
  o.log(`  interfaces: ${JSON.stringify(interfaces)}`);
  o.log(`  shrunk counterexample (${steps.length} steps, ${details.numShrinks} shrinks):`);
  for (const s of steps) o.log(`  ${JSON.stringify(s)}`);
  for (const v of violations.slice(1, 1 + MORE_VIOLATIONS_SHOWN)) o.log(`  also: ${v.kind}: ${v.message}`);
  if (violations.length > 1 + MORE_VIOLATIONS_SHOWN) {
    o.log(`  ... and ${violations.length - 1 - MORE_VIOLATIONS_SHOWN} more violation(s) after the same step`);
  }
  o.log(`  replay: ${replayLine(profile, seed, path, o.faults)}`);

  let fixture: string | undefined;
  try {
    const expectation = oracleExpectation(scenario, profile);
    let observed: Scenario['observed'];
    try {
      observed = simulate(scenario, { profile, faults: o.faults });
    } catch (e) {
      o.log(`  (the model's own output could not be recorded: ${errorText(e)})`);
    }
    fixture = saveFixture(o.fixturesDir, `check-${profile}-${property}`, {
      ...scenario,
      ...(expectation ? { expect: expectation.result } : {}),
      meta: {
        profile,
        property,
        seed,
        profileSeed: fcSeed,
        path,
        faults: [...o.faults],
        violation: message,
        ...(expectation
          ? {
              expectNote:
                expectation.omitted.length > 0
                  ? `expect is the oracle's; deliveries ${expectation.omitted.join(', ')} are left out: the NIC may or may not accept them`
                  : "expect is the oracle's",
            }
          : {}),
      },
      ...(observed ? { observed } : {}),
    });
    o.log(`  fixture: ${fixture}`);
  } catch (e) {
    o.log(`  (could not save the fixture: ${errorText(e)})`);
  }
  const failure: CheckFailure = { profile, property, message, seed, profileSeed: fcSeed, path, steps, replay: replayLine(profile, seed, path, o.faults), scenario };
  return { failure: fixture !== undefined ? { ...failure, fixture } : failure, runs: state.runs };
}

/** FNV-1a of a string, as 8 hex digits. */
function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}

/**
 * The property, recording `<prefix> #<run> <hash of the generated value>` for each generated
 * case while `generating()` (the shrink candidates after a failure are not cases of their own).
 * The value is printed after the run: fc.commands shows the commands it ran only then.
 */
function recordingCases<T extends [unknown]>(prop: fc.IProperty<T>, into: string[], prefix: string, generating: () => boolean): fc.IProperty<T> {
  return new Proxy(prop, {
    get(target, key, receiver) {
      if (key === 'run') {
        return (value: T) => {
          const record = generating();
          const result = target.run(value);
          if (record) into.push(`${prefix} #${into.length} ${fnv1a(fc.stringify(value))}`);
          return result;
        };
      }
      const v: unknown = Reflect.get(target, key, receiver);
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}

/**
 * The seed one profile runs with, derived from the run's seed and the profile's name (FNV-1a
 * over both), so that a run over 30 profiles explores 30 different sets of scenarios while
 * `--seed S --profile P` alone reproduces profile P's part of a run with seed S.
 */
export function profileSeed(seed: number, profile: string): number {
  let h = 0x811c9dc5;
  for (const ch of `${seed}/${profile}`) {
    h ^= ch.codePointAt(0) as number;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}

export async function runCheck(options: CheckOptions): Promise<CheckOutcome> {
  if (!Number.isSafeInteger(options.runs) || options.runs < 1) {
    throw new InputError(String(options.runs), '--runs must be a positive integer');
  }
  const replay = options.path !== undefined ? parsePath(options.path) : null;
  if (replay && options.seed === undefined) throw new InputError('--path', `${JSON.stringify(options.path ?? '')}: needs the --seed it was printed with`);
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const profiles = resolveProfiles(options.profiles, options.log);
  if (options.shard && options.seed === undefined) throw new InputError('--shard', `${options.shard.index}/${options.shard.count}: needs --seed (every shard must run with the same seed)`);
  if (options.shard && replay) throw new InputError('--shard', 'a --path replays one case: it cannot be sharded');
  const propertiesOf = (profile: string): ProfilePropertyName[] => (replay ? [replay.property] : propertiesFor(profile));
  const all: CheckUnit[] = profiles.flatMap((profile) => propertiesOf(profile).map((property) => ({ profile, property })));
  const units = options.shard ? shardUnits(all, options.shard) : all;
  const failures: CheckFailure[] = [];
  const outcomes: UnitOutcome[] = [];
  const shardText = options.shard ? `, shard ${options.shard.index}/${options.shard.count}: ${units.length} of ${all.length} (profile, property) units` : '';
  options.log(`check: ${profiles.length} profile(s), ${options.runs} runs per property, seed ${seed}${shardText}${options.faults.size > 0 ? `, injected faults: ${[...options.faults].join(', ')}` : ''}`);
  options.events?.plan?.(units, replay ? 1 : options.runs);
  // A plug-in registered from an object cannot reach a worker thread: those runs stay in this one.
  const jobs = pluginModulesForWorkers() === null ? 1 : (options.jobs ?? 1);
  if (jobs > 1 && !replay && units.length > 1) {
    const { runUnitsInWorkers } = await import('./parallel.ts');
    const done = await runUnitsInWorkers(units, options, seed, jobs);
    const failed = done.flatMap((o) => (o.failure ? [o.failure] : []));
    return { ok: failed.length === 0, failures: failed, seed, units: done };
  }
  for (const { profile, property } of units) {
    const started = Date.now();
    const caseIds = options.recordCases ? [] : null;
    const { failure, runs } = await runProperty(profile, property, options, seed, replay, caseIds);
    if (failure) failures.push(failure);
    const outcome: UnitOutcome = {
      profile,
      property,
      ok: failure === null,
      runs,
      timeMs: Date.now() - started,
      profileSeed: profileSeed(seed, profile),
      ...(caseIds ? { caseIds } : {}),
      ...(failure ? { failure } : {}),
    };
    outcomes.push(outcome);
    options.events?.unitDone?.(outcome);
  }
  return { ok: failures.length === 0, failures, seed, units: outcomes };
}
