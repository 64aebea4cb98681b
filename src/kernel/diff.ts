// `kernel diff`: fast-check scenarios run on the live kernel and in the model; a difference is
// shrunk by re-running candidates ON THE KERNEL (the property itself runs the kernel), printed
// side by side and saved as a fixture whose `expect` is the kernel's output.
import { release } from 'node:os';
import fc from 'fast-check';
import { scenarioArbitrary } from '../check/arbitraries.ts';
import { diffResults } from '../scenario/compare.ts';
import { type FaultSet, NO_FAULTS } from '../faults.ts';
import { saveFixture } from '../scenario/save.ts';
import type { InterfaceResult, Scenario, SimulateResult } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';
import { simulate } from '../simulate.ts';
import { withProbeSends } from './probe-sends.ts';
import { KernelBench } from './runner.ts';

/** The profile of a veth: no receive filter (drivers/net/veth.c). */
export const KERNEL_DIFF_PROFILE = 'accept-all';

export interface KernelDiffOptions {
  readonly runs: number;
  readonly seed?: number;
  /** Most intents per scenario (scenarioArbitrary maxSteps). */
  readonly maxSteps?: number;
  /** Where a shrunk difference is saved; absent: not saved. */
  readonly fixturesDir?: string;
  readonly log?: (line: string) => void;
  /** Called after each generated scenario ran on the kernel (progress display). */
  readonly onRun?: () => void;
  /** Faults injected into the model (to prove that a difference is found and shrunk). */
  readonly faults?: FaultSet;
}

export interface KernelDifference {
  readonly scenario: Scenario;
  readonly kernel: SimulateResult;
  readonly model: SimulateResult;
  /** diffResults(kernel, model): what the model gets wrong, one line each. */
  readonly differences: readonly string[];
  readonly savedTo?: string;
  /** Why the fixture could not be saved (the difference is still reported). */
  readonly saveError?: string;
}

export interface KernelDiffReport {
  readonly runs: number;
  readonly seed: number;
  readonly kernelRelease: string;
  readonly difference?: KernelDifference;
  readonly elapsedMs: number;
}

/**
 * The kernel result without `nic`: veth has no filter state to read back, and the order of
 * dev->mc depends on when the DAD work items ran, so fixtures and comparisons leave it out.
 */
export function withoutNic(result: SimulateResult): SimulateResult {
  const interfaces: Record<string, InterfaceResult> = {};
  for (const [name, r] of Object.entries(result.interfaces)) {
    const { nic: _nic, ...rest } = r;
    interfaces[name] = rest as InterfaceResult;
  }
  return { ...result, interfaces };
}

/** Lines that differ between the model's and the kernel's output. */
export function compareWithModel(
  scenario: Scenario,
  kernel: SimulateResult,
  faults: FaultSet = NO_FAULTS,
): { model: SimulateResult; differences: string[] } {
  const model = simulate(scenario, { profile: KERNEL_DIFF_PROFILE, faults });
  return { model, differences: diffResults(withoutNic(kernel), model) };
}

/**
 * Both outputs as aligned rows (one per step, device-list MAC, counter and delivery), `|` where
 * they agree and `*` where they differ.
 */
export function sideBySide(leftTitle: string, left: SimulateResult, rightTitle: string, right: SimulateResult): string {
  const rows: [string, string, string][] = [];
  const n = Math.max(left.steps.length, right.steps.length);
  const step = (r: SimulateResult, i: number): string => {
    const s = r.steps[i];
    return s ? `${s.op} ${s.error ?? 'ok'}` : '-';
  };
  for (let i = 0; i < n; i++) rows.push([`step ${i}`, step(left, i), step(right, i)]);
  for (const name of [...new Set([...Object.keys(left.interfaces), ...Object.keys(right.interfaces)])].sort()) {
    const l = left.interfaces[name];
    const r = right.interfaces[name];
    const users = (x: InterfaceResult | undefined, mac: string): string => {
      const e = x?.mc.find((m) => m.mac === mac);
      return e ? `users ${e.users}` : '-';
    };
    const macs = [...new Set([...(l?.mc ?? []), ...(r?.mc ?? [])].map((e) => e.mac))].sort();
    for (const mac of macs) rows.push([`${name} ${mac}`, users(l, mac), users(r, mac)]);
    rows.push([`${name} promiscuity`, String(l?.promisc ?? '-'), String(r?.promisc ?? '-')]);
    rows.push([`${name} allmulti`, String(l?.allmulti ?? '-'), String(r?.allmulti ?? '-')]);
  }
  const delivery = (r: SimulateResult, id: string): string => {
    const d = r.deliveries[id];
    return d ? `nic ${d.nic ? 'accept' : 'drop'} [${d.sockets.join(', ')}]` : '-';
  };
  for (const id of [...new Set([...Object.keys(left.deliveries), ...Object.keys(right.deliveries)])]) {
    rows.push([`delivery ${id}`, delivery(left, id), delivery(right, id)]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(leftTitle.length, ...rows.map((r) => r[1].length));
  const head = `${''.padEnd(w0)}   ${leftTitle.padEnd(w1)}   ${rightTitle}`;
  return [head, ...rows.map(([k, a, b]) => `${k.padEnd(w0)}   ${a.padEnd(w1)} ${a === b ? '|' : '*'} ${b}`)].join('\n');
}

/** Lets the event loop run (signal handlers included) between two kernel runs. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

export async function runKernelDiff(options: KernelDiffOptions): Promise<KernelDiffReport> {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? Date.now() % 0x7fffffff;
  const kernelRelease = release();
  const started = Date.now();
  const bench = new KernelBench();
  try {
    // The namespaces exist now: a caller (or a test about to signal the run) can rely on it.
    log(`kernel diff: namespaces ready, running ${options.runs} scenarios (seed ${seed})`);
    let runsDone = 0;
    // An environment failure must not be shrunk as if it were a difference: stop and rethrow.
    let envFailure: unknown;
    const generated = scenarioArbitrary({ profile: KERNEL_DIFF_PROFILE, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
    const arbitrary = fc.oneof(generated, generated.map(withProbeSends));
    const details = await fc.check(
      fc.asyncProperty(arbitrary, async (scenario) => {
        // SIGINT/SIGTERM/SIGHUP handlers (src/shutdown.ts) run here, between two kernel runs.
        await yieldToEventLoop();
        if (envFailure !== undefined) return true;
        let kernel: SimulateResult;
        try {
          // A generated scenario that fails validation is a generator bug: stop and report it.
          validateScenario(scenario);
          kernel = bench.run(scenario);
        } catch (e) {
          envFailure = e;
          return true;
        }
        runsDone++;
        options.onRun?.();
        if (runsDone % 50 === 0) log(`${runsDone} scenarios run on the kernel`);
        return compareWithModel(scenario, kernel, options.faults).differences.length === 0;
      }),
      { numRuns: options.runs, seed, endOnFailure: false },
    );
    if (envFailure !== undefined) throw envFailure;
    if (!details.failed) return { runs: details.numRuns, seed, kernelRelease, elapsedMs: Date.now() - started };
    if (!details.counterexample) throw details.errorInstance;
    const [scenario] = details.counterexample;
    const kernel = bench.run(scenario);
    const { model, differences } = compareWithModel(scenario, kernel, options.faults);
    let savedTo: string | undefined;
    let saveError: string | undefined;
    if (options.fixturesDir && differences.length > 0) {
      try {
        savedTo = saveFixture(options.fixturesDir, `kernel-diff-${seed}`, {
        ...scenario,
        description: `kernel diff: the model differs from Linux ${kernelRelease}: ${differences[0]}`,
        expect: withoutNic(kernel),
        observed: model,
        meta: { source: 'mcast-testbench kernel diff', kernel: kernelRelease, seed, faults: [...(options.faults ?? [])], path: details.counterexamplePath, differences },
        });
      } catch (e) {
        // The shrunk difference took minutes on the kernel: report it even if the file cannot be written.
        saveError = (e as Error).message;
      }
    }
    return {
      runs: details.numRuns,
      seed,
      kernelRelease,
      difference: { scenario, kernel, model, differences, ...(savedTo ? { savedTo } : {}), ...(saveError ? { saveError } : {}) },
      elapsedMs: Date.now() - started,
    };
  } finally {
    bench.dispose();
  }
}
