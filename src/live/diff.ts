// The live differential, written once for every backend (../shared/style.md, packetdrill's
// netdev_ops): fast-check generates scenarios, the backend runs each and reports what it
// observed, the model runs it too, a difference is shrunk by re-running candidates ON THE
// BACKEND, printed side by side and saved as a fixture whose `expect` is the backend's output.
import fc from 'fast-check';
import { scenarioArbitrary } from '../check/arbitraries.ts';
import { FAULTS_NO_FRAME_SHOWS, faultsForProfile } from '../check/fault-catalog.ts';
import { type FaultName, type FaultSet, NO_FAULTS } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import { diffResults } from '../scenario/compare.ts';
import { saveFixture } from '../scenario/save.ts';
import type { Scenario, SimulateResult } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';
import { simulate } from '../simulate.ts';
import type { LiveBackend } from './backend.ts';
import { withoutBlind } from './blindness.ts';
import { LiveBackendError } from './errors.ts';
import { withProbeSends } from './probe-sends.ts';
import { sideBySide } from './side-by-side.ts';

/** Where and how a shrunk difference is saved. */
export interface LiveFixtureOptions {
  readonly dir: string;
  /** File name without `.json`; saveFixture never overwrites (a second one gets `-2`). */
  readonly name: string;
  /** The fixture's description, from the first difference line. */
  readonly describe: (firstDifference: string) => string;
  /** Written into `meta` before seed, faults, shrink path and differences. */
  readonly meta: Readonly<Record<string, JsonValue>>;
}

export interface LiveDiffOptions {
  readonly runs: number;
  readonly seed?: number;
  /** Most intents per scenario (scenarioArbitrary maxSteps). */
  readonly maxSteps?: number;
  /** Exactly this many plain interfaces and no macvlan (a backend with one NIC: the guest); absent: 1 or 2 and a macvlan now and then. */
  readonly interfaces?: 1 | 2;
  /** Device-list sizes a fill intent crosses (scenarioArbitrary fillThresholds). */
  readonly listSizes?: readonly number[];
  /** Device lists stay at about this many entries at most (scenarioArbitrary maxList). */
  readonly maxList?: number;
  /** Faults injected into the model (to prove that a difference is found and shrunk). */
  readonly faults?: FaultSet;
  /**
   * Faults the same observations are also compared against, one model per fault: each is caught
   * at the first generated scenario where its model differs from the backend (no run on the
   * backend of its own, no shrinking). Shows that the campaign would catch each of them.
   */
  readonly sweepFaults?: readonly FaultName[] | 'profile';
  /** Absent: a difference is reported, not saved. `name` may use the seed, known only here. */
  readonly fixture?: (seed: number) => LiveFixtureOptions;
  readonly log?: (line: string) => void;
  /** Called once the seed is chosen, before the first scenario runs. */
  readonly onStart?: (seed: number) => void;
  /** Called after each generated scenario ran on the backend (progress display). */
  readonly onRun?: () => void;
}

export interface LiveDifference {
  readonly scenario: Scenario;
  /** What the backend reported, unfiltered. */
  readonly observed: SimulateResult;
  readonly model: SimulateResult;
  /** diffResults(observed, model) less what the backend is blind to: what the model gets wrong, one line each. */
  readonly differences: readonly string[];
  /** Both outputs row by row (sideBySide), the backend's on the left. */
  readonly sideBySide: string;
  readonly savedTo?: string;
  /** Why the fixture could not be saved (the difference is still reported). */
  readonly saveError?: string;
}

/** One swept fault: the generated scenario (1-based) where its model first differed from the backend, or null. */
export interface SweptFault {
  readonly fault: FaultName;
  readonly caughtAt: number | null;
  /** The first difference line at caughtAt. */
  readonly difference?: string;
  /** Why no frame can show this fault (fault-catalog.ts FAULTS_NO_FRAME_SHOWS): never caught, never missed. */
  readonly noFrameShows?: string;
}

export interface LiveDiffReport {
  readonly label: string;
  readonly runs: number;
  readonly seed: number;
  readonly elapsedMs: number;
  readonly difference?: LiveDifference;
  /** options.sweepFaults, in order, each caught or not in the generated scenarios. */
  readonly sweep?: readonly SweptFault[];
}

/** The model's output for `scenario` under the backend's profile, and the lines where they differ. */
export function compareWithModel(
  backend: Pick<LiveBackend, 'profile' | 'blind'>,
  scenario: Scenario,
  observed: SimulateResult,
  faults: FaultSet = NO_FAULTS,
): { model: SimulateResult; differences: string[] } {
  const model = simulate(scenario, { profile: backend.profile, faults });
  const differences = diffResults(
    withoutBlind(observed, backend.blind, scenario, backend.profile),
    withoutBlind(model, backend.blind, scenario, backend.profile),
  );
  return { model, differences };
}

/** Lets the event loop run (signal handlers included) between two backend runs. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

async function runOn(backend: LiveBackend, scenario: Scenario): Promise<SimulateResult> {
  try {
    return await backend.run(scenario);
  } catch (e) {
    throw new LiveBackendError(backend.label, scenario, e);
  }
}

/**
 * Runs `options.runs` generated scenarios on `backend` and in the model. A backend failure stops
 * the run and is thrown as LiveBackendError (never shrunk); the backend is not disposed here.
 */
export async function runLiveDiff(backend: LiveBackend, options: LiveDiffOptions): Promise<LiveDiffReport> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? Date.now() % 0x7fffffff;
  const started = Date.now();
  options.onStart?.(seed);
  let runsDone = 0;
  let envFailure: unknown;
  const caught = new Map<FaultName, { at: number; difference: string }>();
  // 'profile': the host model's faults and those the catalog names for the backend's profile.
  const sweep = options.sweepFaults === 'profile' ? faultsForProfile(backend.profile) : (options.sweepFaults ?? []);
  const generated = scenarioArbitrary({
    profile: backend.profile,
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(options.interfaces !== undefined ? { interfaces: options.interfaces } : {}),
    ...(options.listSizes !== undefined ? { fillThresholds: options.listSizes } : {}),
    ...(options.maxList !== undefined ? { maxList: options.maxList } : {}),
    ...(backend.interfaces !== undefined ? { given: backend.interfaces } : {}),
    ...(backend.deletesLinks === false ? { linkDel: false } : {}),
  });
  const arbitrary = fc.oneof(generated, generated.map(withProbeSends));
  const details = await fc.check(
    fc.asyncProperty(arbitrary, async (scenario) => {
      // SIGINT/SIGTERM/SIGHUP handlers (src/shutdown.ts) run here, between two backend runs.
      await yieldToEventLoop();
      if (envFailure !== undefined) return true;
      let observed: SimulateResult;
      try {
        // A generated scenario that fails validation is a generator bug: stop and report it.
        validateScenario(scenario);
        observed = await runOn(backend, scenario);
      } catch (e) {
        envFailure = e;
        return true;
      }
      runsDone++;
      options.onRun?.();
      if (runsDone % 50 === 0) log(`${runsDone} scenarios run on ${backend.label}`);
      // Past `runs`, fast-check is shrinking the main difference: candidates are no generated scenarios.
      if (runsDone <= options.runs) {
        for (const fault of sweep) {
          if (caught.has(fault)) continue;
          const d = compareWithModel(backend, scenario, observed, new Set([...(options.faults ?? []), fault])).differences;
          if (d.length > 0) caught.set(fault, { at: runsDone, difference: d[0] as string });
        }
      }
      return compareWithModel(backend, scenario, observed, options.faults).differences.length === 0;
    }),
    { numRuns: options.runs, seed, endOnFailure: false },
  );
  if (envFailure !== undefined) throw envFailure;
  const swept: SweptFault[] = sweep.map((fault) => {
    const c = caught.get(fault);
    const blind = FAULTS_NO_FRAME_SHOWS[fault];
    return c ? { fault, caughtAt: c.at, difference: c.difference } : { fault, caughtAt: null, ...(blind !== undefined ? { noFrameShows: blind } : {}) };
  });
  const report = { label: backend.label, runs: details.numRuns, seed, ...(options.sweepFaults ? { sweep: swept } : {}) };
  if (!details.failed) return { ...report, elapsedMs: Date.now() - started };
  if (!details.counterexample) throw details.errorInstance;
  const [scenario] = details.counterexample;
  const observed = await runOn(backend, scenario);
  const { model, differences } = compareWithModel(backend, scenario, observed, options.faults);
  let savedTo: string | undefined;
  let saveError: string | undefined;
  if (options.fixture && differences.length > 0) {
    const f = options.fixture(seed);
    try {
      savedTo = saveFixture(f.dir, f.name, {
        ...scenario,
        description: f.describe(differences[0] as string),
        expect: withoutBlind(observed, { ...backend.blind, listOrder: false }, scenario, backend.profile),
        observed: model,
        meta: { ...f.meta, seed, faults: [...(options.faults ?? [])], path: details.counterexamplePath, differences },
      });
    } catch (e) {
      // The shrunk difference took minutes on the backend: report it even if the file cannot be written.
      saveError = (e as Error).message;
    }
  }
  const text = sideBySide(backend.observer ?? 'live', observed, 'model', model);
  return {
    ...report,
    difference: { scenario, observed, model, differences, sideBySide: text, ...(savedTo ? { savedTo } : {}), ...(saveError ? { saveError } : {}) },
    elapsedMs: Date.now() - started,
  };
}
