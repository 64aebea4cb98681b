// One property on one profile with fc.check: progress while it runs, and for a failure the shrunk
// step list, the first violation, the replay line and the fixture (with the oracle's expectation
// and the model's observation).
import fc from 'fast-check';
import { displayPath } from '../command-line.ts';
import { InputError } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import { saveFixture } from '../scenario/save.ts';
import type { AnyStep, InterfaceSpec, Scenario } from '../scenario/types.ts';
import { SCENARIO_SCHEMA_ID } from '../scenario/types.ts';
import { simulate } from '../simulate.ts';
import { validateScenario } from '../scenario/validate.ts';
import type { RouteOp } from '../route/types.ts';
import { stepsOfCommands } from './commands.ts';
import { compactCounterexample, dropSteps } from './compact.ts';
import { type Violation, checkScenario } from './compare.ts';
import { oracleExpectation } from './expectation.ts';
import { type ModelCase, PROFILE_PROPERTIES, type ProfilePropertyName } from './properties.ts';
import { PATH_SEPARATOR, type ParsedPath, replayLine } from './replay-path.ts';
import { routeProblem, routeScenario } from './route-property.ts';
import { type CheckFailure, type CheckOptions, type CheckUnit, profileSeed } from './units.ts';

/** Shrinking stops this long after the first failure: the best counterexample so far is kept. */
export const SHRINK_BUDGET_MS = 20_000;
/** A progress line at most this often. */
export const PROGRESS_INTERVAL_MS = 3_000;
/** Violations after the first one that a failure report lists. */
const MORE_VIOLATIONS_SHOWN = 3;

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
    const shrunk = routeScenario(details.counterexample[0] as RouteOp[], profile);
    // The router setup's steps a fault does not need are left out (deterministic: the replay
    // line gives the same scenario).
    const problemOf = (steps: readonly AnyStep[]): string | null => {
      try {
        const candidate = { ...shrunk, steps: [...steps] };
        validateScenario(candidate);
        return routeProblem(candidate, o.faults);
      } catch {
        return null;
      }
    };
    // The same kind of disagreement (routed, replayed, error, ...; the end's allmulti count).
    const kindOf = (problem: string): string => /\}: (\w+)/.exec(problem)?.[1] ?? (/: allmulti /.test(problem) ? 'allmulti' : problem);
    const kind = kindOf(problemOf(shrunk.steps) ?? errorText(details.errorInstance));
    const scenario = { ...shrunk, steps: [...dropSteps(shrunk.steps, (steps) => { const p = problemOf(steps); return p !== null && kindOf(p) === kind; })] };
    const message = problemOf(scenario.steps) ?? errorText(details.errorInstance);
    o.log(`FAIL ${profile} ${property} (seed ${seed}, profile seed ${fcSeed}): ${message}`);
    o.log(`  interfaces: ${JSON.stringify(scenario.interfaces)}`);
    o.log(`  shrunk routing scenario (${scenario.steps.length} steps, ${details.numShrinks} shrinks${scenario.steps.length < shrunk.steps.length ? `, then ${shrunk.steps.length - scenario.steps.length} setup steps it does not need left out` : ''}):`);
    for (const s of scenario.steps) o.log(`  ${JSON.stringify(s)}`);
    o.log(`  replay: ${replayLine(profile, seed, path, o.faults)}`);
    const replayCommand = replayLine(profile, seed, path, o.faults);
    const lines = [`interfaces: ${JSON.stringify(scenario.interfaces)}`, ...scenario.steps.map((s) => JSON.stringify(s))];
    return { failure: { profile, property, message, seed, profileSeed: fcSeed, path, steps: [...scenario.steps], replay: replayCommand, lines }, runs: state.runs };
  }
  if (property === 'relay' || property === 'ethdev') {
    // Interleavings of the relay's actors, or the rx modes an application gives a DPDK port,
    // not host steps: no scenario to save.
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
  const lean = { ...shrunk, interfaces: withoutIdleInterfaces(shrunk, checkOptions) };
  const compact = compactCounterexample(lean, (c) => checkScenario(c, checkOptions));
  const cx = { ...lean, ...compact };
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
    o.log(`  fixture: ${displayPath(fixture)}`);
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
