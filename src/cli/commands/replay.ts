// `replay FILE|DIR...`: replays scenarios (expect + oracle) and prints `ok FILE` / `FAIL FILE`.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { Command, Option } from 'commander';
import { InputError } from '../../errors.ts';
import { type Cli, EXIT } from '../cli.ts';
import { collect, faultSet } from '../options.ts';
import { type DriverCliOptions, addDriverOptions, driverSourceFrom, runDriverReplay } from './driver.ts';

/** Every *.json below a directory (sorted, dot-files and dot-directories skipped), or the file itself. */
export function scenarioFiles(path: string): string[] {
  let stat;
  try {
    stat = statSync(path);
  } catch {
    throw new InputError(path, 'no such file or directory');
  }
  if (!stat.isDirectory()) return [path];
  const found = (readdirSync(path, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((rel) => rel.endsWith('.json') && !rel.split(/[\\/]/).some((part) => part.startsWith('.')))
    .map((rel) => join(path, rel))
    .filter((file) => statSync(file).isFile())
    .sort();
  if (found.length === 0) throw new InputError(path, 'no *.json scenario files in this directory');
  return found;
}

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
        cli.exitCode = await runDriverReplay(driver, paths, options.timeout !== undefined ? { timeoutMs: options.timeout } : {}, cli);
        return;
      }
      const { loadScenarioFile } = await import('../../scenario/load.ts');
      const faults = faultSet(options.injectFault);
      // Every path must exist before anything runs.
      const files = paths.flatMap(scenarioFiles);
      const { replayScenario } = await import('../../scenario/replay.ts');
      let code: number = EXIT.ok;
      for (const file of files) {
        try {
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
