// What `kernel diff` and `guest diff` say to the live core (src/live/diff.ts) and print of its
// difference the same way: the backend and the fixture names are theirs, the rest is shared.
import type { Cli } from '../cli.ts';
import type { LiveDiffOptions, LiveDifference, LiveFixtureOptions } from '../../live/diff.ts';

export interface LiveDiffCliOptions {
  readonly runs: number;
  readonly seed?: number;
  readonly maxSteps?: number;
}

/** runs, seed and maxSteps as given; a fixture only where a directory is (a faulty model's differences are saved on request only). */
export function liveDiffRunOptions(
  options: LiveDiffCliOptions,
  fixturesDir: string | undefined,
  fixture: (seed: number) => Omit<LiveFixtureOptions, 'dir'>,
): Pick<LiveDiffOptions, 'runs' | 'seed' | 'maxSteps' | 'fixture'> {
  return {
    runs: options.runs,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.maxSteps !== undefined ? { maxSteps: options.maxSteps } : {}),
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
