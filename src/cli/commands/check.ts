// `check`: the properties (model against oracle, per NIC profile) with fast-check; failures are
// shrunk, printed and saved as fixtures by src/check/runner.ts.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type Cli, EXIT } from '../cli.ts';
import { checkProfileName, collect, faultSet, positiveInteger, seedValue } from '../options.ts';
import { checkOutputDirectory } from '../../scenario/save.ts';
import { InputError } from '../../errors.ts';
import { writeResults } from '../../results/output.ts';
import { checkCases } from '../../results/from-check.ts';
import { ResultsCollector } from '../../results/types.ts';
import { stderrProgress } from './results-options.ts';
import { type DriverCliOptions, addDriverOptions, driverSourceFrom } from './driver-options.ts';
import { type ResultsCliOptions, addResultsOptions, resultsOutputsFrom } from './results-options.ts';
import { InvalidArgumentError } from 'commander';
import { parseShard, type ShardSpec } from '../../check/shard.ts';
import { displayPath, toolCommand } from '../../command-line.ts';

/** commander argParser for --shard i/n. */
function shardArg(value: string): ShardSpec {
  const s = parseShard(value);
  if ('error' in s) throw new InvalidArgumentError(`${s.error}.`);
  return s;
}

/** Runs per profile when --runs is not given. */
export const DEFAULT_RUNS = 200;

/** Worker threads by default: one per CPU this process may use (os.availableParallelism). */
export const DEFAULT_JOBS = availableParallelism();

interface CheckCommandOptions extends DriverCliOptions, ResultsCliOptions {
  jobs: number;
  shard?: ShardSpec;
  html?: string;
  profile?: string[];
  runs: number;
  seed?: number;
  path?: string;
  fixtures?: string;
  injectFault?: string[];
}

/**
 * Where counterexamples go without --fixtures: fixtures/ of the working directory, or the folder
 * $MCAST_TESTBENCH_FIXTURES names (a CI job's artifact folder; a test pasting printed commands).
 */
function defaultFixtures(): string {
  const env = process.env['MCAST_TESTBENCH_FIXTURES'];
  return env !== undefined && env !== '' ? env : 'fixtures';
}

export function registerCheck(program: Command, cli: Cli): void {
  const check = program
    .command('check')
    .description('check the model against the oracle with property-based tests, for every builtin profile or the given ones')
    .option('--profile <name>', 'NIC profile to check (repeatable; default: every builtin profile)', collect)
    .option('--runs <n>', 'runs per property and profile', positiveInteger, DEFAULT_RUNS)
    .option('--seed <s>', 'fast-check seed (a failure prints the seed that reproduces it)', seedValue)
    .option('--path <path>', 'fast-check replay path printed with a failure (use with --seed)')
    .option('--fixtures <dir>', 'where shrunk counterexamples are saved (default: $MCAST_TESTBENCH_FIXTURES, else fixtures/ of the current directory)')
    .option('--shard <i/n>', 'run only shard i of n of the (profile, property) units (needs --seed; shards 1/n..n/n together run the unsharded cases)', shardArg)
    .addOption(new Option('--jobs <n>', 'worker threads for the (profile, property) units; the output and the verdicts do not depend on it').argParser(positiveInteger).default(DEFAULT_JOBS, `the CPUs this process may use, ${DEFAULT_JOBS} here`))
    .option('--html <dir>', 'write an HTML page per failure into DIR (timeline, device lists, verdicts per layer)')
    .addOption(new Option('--inject-fault <name>', 'check a deliberately faulty model (see src/faults.ts)').argParser(collect).hideHelp());
  addResultsOptions(addDriverOptions(check)).action(async (options: CheckCommandOptions) => {
      const driver = driverSourceFrom(options);
      // Where a failure is saved: refused now, not after minutes of checking.
      checkOutputDirectory(options.fixtures ?? defaultFixtures(), '--fixtures');
      const outputs = resultsOutputsFrom(options);
      if (options.html !== undefined) checkOutputDirectory(options.html, '--html');
      if (options.shard && options.seed === undefined) {
        throw new InputError('--shard', `${options.shard.index}/${options.shard.count}: needs --seed (every shard must run with the same seed)`);
      }
      if (driver) {
        cli.exitCode = await (await import('./driver.ts')).runDriverCheck(
          driver,
          {
            runs: options.runs,
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
            fixturesDir: resolve(options.fixtures ?? defaultFixtures()),
            outputs,
            ...(options.shard ? { shard: options.shard } : {}),
            ...(options.html !== undefined ? { html: options.html } : {}),
          },
          cli,
        );
        return;
      }
      if (options.shard && options.seed === undefined) {
        throw new InputError('--shard', `${options.shard.index}/${options.shard.count}: needs --seed (every shard must run with the same seed)`);
      }
      const profiles = (options.profile ?? []).map((name) => checkProfileName(name));
      const faults = faultSet(options.injectFault);
      // A counterexample of an injected fault is no regression fixture: unless --fixtures names a
      // folder, it goes to a fresh temporary one, never into fixtures/.
      const faultScratch = faults.size > 0 && options.fixtures === undefined ? mkdtempSync(join(tmpdir(), 'mcast-testbench-fault-')) : null;
      const fixturesDir = faultScratch ?? resolve(options.fixtures ?? defaultFixtures());
      const { runCheck } = await import('../../check/runner.ts');
      const { CheckProgress } = await import('../../progress/check-progress.ts');
      const progress = new CheckProgress(stderrProgress('check', 'profiles'));
      const collector = new ResultsCollector('check', Date.now, options.shard ? { shard: options.shard } : {});
      const outcome = await runCheck({
        profiles,
        runs: options.runs,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.path !== undefined ? { path: options.path } : {}),
        faults,
        fixturesDir,
        log: (line) => progress.log(() => cli.out(line)),
        progress: (line) => progress.status(line),
        events: progress.events,
        recordCases: outputs.json !== undefined,
        ...(options.shard ? { shard: options.shard } : {}),
        jobs: options.jobs,
      }).finally(() => {
        progress.done();
        // Nothing saved: leave no empty folder behind.
        if (faultScratch !== null && readdirSync(faultScratch).length === 0) rmSync(faultScratch, { recursive: true, force: true });
      });
      collector.setSeed(outcome.seed);
      for (const c of checkCases(outcome)) collector.add(c);
      writeResults(collector.results(), outputs);
      if (options.html !== undefined) {
        const { writeFailurePages } = await import('../../html/pages.ts');
        for (const page of await writeFailurePages(resolve(options.html), outcome.failures, faults)) cli.out(`html: ${page}`);
      }
      if (outcome.ok) {
        const which = profiles.length > 0 ? profiles.join(', ') : 'every builtin profile';
        cli.out(options.path !== undefined ? `ok: the case at --path ${options.path} holds (${which})` : `ok: every property holds (${which}, ${options.runs} runs each)`);
        cli.exitCode = EXIT.ok;
        return;
      }
      cli.out(`FAIL: ${outcome.failures.length} propert${outcome.failures.length === 1 ? 'y' : 'ies'} failed`);
      for (const f of outcome.failures) {
        cli.out(`  ${f.profile} ${f.property}: ${f.message}`);
        // A fixture found with an injected fault only fails again with that fault injected.
        const injected = [...faults].flatMap((name) => ['--inject-fault', name]);
        if (f.fixture !== undefined) cli.out(`    fixture: ${displayPath(f.fixture)} (${toolCommand(['replay', ...injected, displayPath(f.fixture)])})`);
      }
      cli.exitCode = EXIT.failure;
    });
}
