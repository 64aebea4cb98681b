// What `kernel diff` and `guest diff` say to the live core (src/live/diff.ts) and print of its
// difference the same way: the backend and the fixture names are theirs, the rest is shared.
import type { Cli } from '../cli.ts';
import type { LiveDiffOptions, LiveDifference, LiveDiffReport, LiveFixtureOptions } from '../../live/diff.ts';
import type { ResultCase } from '../../results/types.ts';

export interface LiveDiffCliOptions {
  readonly runs: number;
  readonly seed?: number;
  readonly maxSteps?: number;
  readonly maxList?: number;
}

/** runs, seed, maxSteps and maxList as given; a fixture only where a directory is (a faulty model's differences are saved on request only). */
export function liveDiffRunOptions(
  options: LiveDiffCliOptions,
  fixturesDir: string | undefined,
  fixture: (seed: number) => Omit<LiveFixtureOptions, 'dir'>,
): Pick<LiveDiffOptions, 'runs' | 'seed' | 'maxSteps' | 'maxList' | 'fixture'> {
  return {
    runs: options.runs,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
    ...(options.maxList !== undefined ? { maxList: options.maxList } : {}),
    ...(fixturesDir !== undefined ? { fixture: (seed: number) => ({ dir: fixturesDir, ...fixture(seed) }) } : {}),
  };
}

/** The shrunk difference: its lines, its steps as JSON, both outputs side by side, where it was saved. */
export function printLiveDifference(cli: Cli, d: LiveDifference, where: string, replayCommand: (savedTo: string) => string): void {
  cli.out(`DIFFERENCE (shrunk ${where} to ${d.scenario.steps.length} steps):`);
  for (const line of d.differences) cli.out(`  ${line}`);
  cli.out(JSON.stringify({ interfaces: d.scenario.interfaces, steps: d.scenario.steps }, null, 1));
  cli.out(d.sideBySide);
  if (d.savedTo) cli.out(`saved: ${replayCommand(d.savedTo)}`);
  if (d.saveError) cli.out(`(could not save the fixture: ${d.saveError})`);
}

/** The help of `--max-list` (kernel diff, guest diff). */
export const MAX_LIST_HELP =
  "device lists grow to about n entries at most: fills cross the profile's thresholds below n, and one past n stops at about n (default: past every threshold)";

/** The help of `--sweep-faults` (kernel diff, guest diff). */
export const SWEEP_FAULTS_HELP =
  "also compare each observation with the model under every catalog fault for the profile (the host model's and the profile's own): where each is first caught, with no extra runs";

/** The fault sweep's lines and one result case per fault: passed where caught, skipped where no scenario showed it. */
export function printSweep(cli: Cli, suite: string, report: LiveDiffReport): ResultCase[] {
  const sweep = report.sweep;
  if (!sweep) return [];
  const caught = sweep.filter((s) => s.caughtAt !== null).length;
  const blind = sweep.filter((s) => s.noFrameShows !== undefined).length;
  cli.out(`fault sweep: ${caught} of ${sweep.length - blind} faults caught in ${report.runs} scenarios${blind > 0 ? ` (and ${blind} no frame can show)` : ''}`);
  const width = Math.max(0, ...sweep.map((s) => s.fault.length));
  return sweep.map((s) => {
    const line =
      s.caughtAt !== null
        ? `caught at scenario ${s.caughtAt}: ${s.difference ?? ''}`
        : s.noFrameShows !== undefined
          ? `no frame can show it: ${s.noFrameShows}`
          : `not shown by the ${report.runs} scenarios`;
    cli.out(`  ${s.fault.padEnd(width)}  ${line}`);
    return { suite, name: `fault ${s.fault}`, status: s.caughtAt !== null ? 'passed' : 'skipped', timeMs: 0, runs: s.caughtAt ?? report.runs, message: line };
  });
}
