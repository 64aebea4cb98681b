// `check`: the properties (model against oracle, per NIC profile) with fast-check; failures are
// shrunk, printed and saved as fixtures by src/check/runner.ts.
import { resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type Cli, EXIT } from '../cli.ts';
import { checkProfileName, collect, faultSet, positiveInteger, seedValue } from '../options.ts';
import { checkOutputDirectory } from '../../scenario/save.ts';
import { type DriverCliOptions, addDriverOptions, driverSourceFrom } from './driver-options.ts';

/** Runs per profile when --runs is not given. */
export const DEFAULT_RUNS = 200;

interface CheckCommandOptions extends DriverCliOptions {
  profile?: string[];
  runs: number;
  seed?: number;
  path?: string;
  fixtures?: string;
  injectFault?: string[];
}

export function registerCheck(program: Command, cli: Cli): void {
  const check = program
    .command('check')
    .description('check the model against the oracle with property-based tests, for every builtin profile or the given ones')
    .option('--profile <name>', 'NIC profile to check (repeatable; default: every builtin profile)', collect)
    .option('--runs <n>', 'runs per property and profile', positiveInteger, DEFAULT_RUNS)
    .option('--seed <s>', 'fast-check seed (a failure prints the seed that reproduces it)', seedValue)
    .option('--path <path>', 'fast-check replay path printed with a failure (use with --seed)')
    .option('--fixtures <dir>', 'where shrunk counterexamples are saved (default: fixtures/ of the current directory)')
    .addOption(new Option('--inject-fault <name>', 'check a deliberately faulty model (see src/faults.ts)').argParser(collect).hideHelp());
  addDriverOptions(check).action(async (options: CheckCommandOptions) => {
      const driver = driverSourceFrom(options);
      // Where a failure is saved: refused now, not after minutes of checking.
      checkOutputDirectory(options.fixtures ?? 'fixtures', '--fixtures');
      if (driver) {
        cli.exitCode = await (await import('./driver.ts')).runDriverCheck(
          driver,
          {
            runs: options.runs,
            ...(options.seed !== undefined ? { seed: options.seed } : {}),
            ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
            fixturesDir: resolve(options.fixtures ?? 'fixtures'),
          },
          cli,
        );
        return;
      }
      const profiles = (options.profile ?? []).map((name) => checkProfileName(name));
      const faults = faultSet(options.injectFault);
      const fixturesDir = resolve(options.fixtures ?? 'fixtures');
      const { runCheck } = await import('../../check/runner.ts');
      const outcome = await runCheck({
        profiles,
        runs: options.runs,
        ...(options.seed !== undefined ? { seed: options.seed } : {}),
        ...(options.path !== undefined ? { path: options.path } : {}),
        faults,
        fixturesDir,
        log: (line) => cli.out(line),
        progress: (line) => cli.err(line),
      });
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
        const injected = [...faults].map((name) => ` --inject-fault ${name}`).join('');
        if (f.fixture !== undefined) cli.out(`    fixture: ${f.fixture} (mcast-testbench replay${injected} ${f.fixture})`);
      }
      cli.exitCode = EXIT.failure;
    });
}
