// `replay FILE|DIR...`: replays scenarios (expect + oracle) and prints `ok FILE` / `FAIL FILE`.
import { Command, Option } from 'commander';
import { InputError } from '../../errors.ts';
import { findScenarioFiles } from '../../scenario/files.ts';
import { type Cli, EXIT } from '../cli.ts';
import { collect, faultSet } from '../options.ts';
import { type DriverCliOptions, addDriverOptions, driverSourceFrom } from './driver-options.ts';

/** The worst outcome decides the exit code: internal > usage > failure > ok. */
function worse(a: number, b: number): number {
  const rank = (c: number): number => [EXIT.ok, EXIT.failure, EXIT.usage, EXIT.driver, EXIT.internal].indexOf(c as 0);
  return rank(b) > rank(a) ? b : a;
}

export function registerReplay(program: Command, cli: Cli): void {
  const replay = program
    .command('replay')
    .description('replay scenario files (directories: every *.json below) against their expect and the oracle')
    .argument('<path...>', 'scenario files or directories')
    .addOption(new Option('--inject-fault <name>', 'replay against a faulty model (see src/faults.ts)').argParser(collect).hideHelp());
  addDriverOptions(replay).action(async (paths: string[], options: { injectFault?: string[] } & DriverCliOptions) => {
      const driver = driverSourceFrom(options);
      if (driver) {
        // Driver transcripts (*.transcript.jsonl) saved by `check --driver`.
        cli.exitCode = await (await import('./driver.ts')).runDriverReplay(driver, paths, options.timeout !== undefined ? { timeoutMs: options.timeout } : {}, cli);
        return;
      }
      const { loadScenarioFile } = await import('../../scenario/load.ts');
      const faults = faultSet(options.injectFault);
      // Every path must exist before anything runs.
      const files = paths.flatMap(findScenarioFiles);
      const { replayScenario } = await import('../../check/replay.ts');
      let code: number = EXIT.ok;
      for (const { path: file, skip } of files) {
        if (skip !== undefined) {
          cli.out(`skip ${file} (${skip})`);
          continue;
        }
        try {
          // check --driver saves its transcripts as *.transcript.jsonl (src/driver/transcript.ts).
          if (file.endsWith('.jsonl')) throw new InputError(file, 'JSON lines, not a scenario: a driver transcript is replayed with --driver CMD or --driver-module PATH');
          const problems = replayScenario(loadScenarioFile(file), { faults });
          if (problems.length === 0) {
            cli.out(`ok ${file}`);
          } else {
            cli.out(`FAIL ${file}`);
            for (const p of problems) cli.out(`  ${p}`);
            code = worse(code, EXIT.failure);
          }
        } catch (e) {
          const invalid = e instanceof InputError;
          const message = e instanceof Error ? e.message : String(e);
          cli.out(`FAIL ${file}`);
          cli.out(`  ${invalid ? 'invalid scenario' : 'internal error'}: ${message}`);
          cli.err(invalid ? `error: ${message}` : `internal error: ${message} (this is a bug in mcast-testbench)`);
          code = worse(code, invalid ? EXIT.usage : EXIT.internal);
        }
      }
      cli.exitCode = code;
    });
}
