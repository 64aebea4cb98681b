// `kernel diff`: fast-check scenarios run on the live kernel and in the model; a difference is
// shrunk by re-running candidates ON THE KERNEL (the property itself runs the kernel), printed
// side by side and saved as a fixture whose `expect` is the kernel's output.
import { release } from 'node:os';
import fc from 'fast-check';
import { scenarioArbitrary } from '../check/arbitraries.ts';
import { diffResults } from '../scenario/compare.ts';
import { saveFixture } from '../scenario/save.ts';
import type { InterfaceResult, Scenario, SimulateResult } from '../scenario/types.ts';
import { validateScenario } from '../scenario/validate.ts';
import { simulate } from '../simulate.ts';
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
}

export interface KernelDifference {
  readonly scenario: Scenario;
  readonly kernel: SimulateResult;
  readonly model: SimulateResult;
  /** diffResults(kernel, model): what the model gets wrong, one line each. */
  readonly differences: readonly string[];
  readonly savedTo?: string;
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
export function compareWithModel(scenario: Scenario, kernel: SimulateResult): { model: SimulateResult; differences: string[] } {
  const model = simulate(scenario, { profile: KERNEL_DIFF_PROFILE });
  return { model, differences: diffResults(withoutNic(kernel), model) };
}

/** Two JSON texts in columns, `|` where the lines agree and `*` where they differ. */
export function sideBySide(leftTitle: string, left: unknown, rightTitle: string, right: unknown): string {
  const l = JSON.stringify(left, null, 1).split('\n');
  const r = JSON.stringify(right, null, 1).split('\n');
  const width = Math.max(leftTitle.length, ...l.map((x) => x.length)) + 2;
  const rows = [`${leftTitle.padEnd(width)}   ${rightTitle}`];
  for (let i = 0; i < Math.max(l.length, r.length); i++) {
    const a = l[i] ?? '';
    const b = r[i] ?? '';
    rows.push(`${a.padEnd(width)} ${a === b ? '|' : '*'} ${b}`);
  }
  return rows.join('\n');
}

export function runKernelDiff(options: KernelDiffOptions): KernelDiffReport {
  const log = options.log ?? (() => {});
  const seed = options.seed ?? Date.now() % 0x7fffffff;
  const kernelRelease = release();
  const started = Date.now();
  const bench = new KernelBench();
  try {
    let runsDone = 0;
    // An environment failure must not be shrunk as if it were a difference: stop and rethrow.
    let envFailure: unknown;
    const arbitrary = scenarioArbitrary({ profile: KERNEL_DIFF_PROFILE, ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}) });
    const details = fc.check(
      fc.property(arbitrary, (scenario) => {
        if (envFailure !== undefined) return true;
        validateScenario(scenario);
        let kernel: SimulateResult;
        try {
          kernel = bench.run(scenario);
        } catch (e) {
          envFailure = e;
          return true;
        }
        runsDone++;
        if (runsDone % 50 === 0) log(`${runsDone} scenarios run on the kernel`);
        return compareWithModel(scenario, kernel).differences.length === 0;
      }),
      { numRuns: options.runs, seed, endOnFailure: false },
    );
    if (envFailure !== undefined) throw envFailure;
    if (!details.failed) return { runs: details.numRuns, seed, kernelRelease, elapsedMs: Date.now() - started };
    if (!details.counterexample) throw details.errorInstance;
    const [scenario] = details.counterexample;
    const kernel = bench.run(scenario);
    const { model, differences } = compareWithModel(scenario, kernel);
    let savedTo: string | undefined;
    if (options.fixturesDir && differences.length > 0) {
      savedTo = saveFixture(options.fixturesDir, `kernel-diff-${seed}`, {
        ...scenario,
        description: `kernel diff: the model differs from Linux ${kernelRelease}: ${differences[0]}`,
        expect: withoutNic(kernel),
        observed: model,
        meta: { source: 'mcast-testbench kernel diff', kernel: kernelRelease, seed, path: details.counterexamplePath, differences },
      });
    }
    return {
      runs: details.numRuns,
      seed,
      kernelRelease,
      difference: { scenario, kernel, model, differences, ...(savedTo ? { savedTo } : {}) },
      elapsedMs: Date.now() - started,
    };
  } finally {
    bench.dispose();
  }
}
