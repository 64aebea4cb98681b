// `replay FILE|DIR...`: replays scenarios (expect + oracle) and prints `ok FILE` / `FAIL FILE`.
import { Command, Option } from 'commander';
import { InputError } from '../../errors.ts';
import { findScenarioFiles } from '../../scenario/files.ts';
import { type Cli, EXIT } from '../cli.ts';
import { collect, faultSet } from '../options.ts';
import { type DriverCliOptions, addDriverOptions, driverSourceFrom } from './driver-options.ts';
import { type ResultsCliOptions, addResultsOptions, resultsOutputsFrom, stderrProgress } from './results-options.ts';
import { writeResults } from '../../results/output.ts';
import { ResultsCollector } from '../../results/types.ts';
import { checkOutputDirectory } from '../../scenario/save.ts';
import type { Scenario } from '../../scenario/types.ts';
import { toolCommand } from '../../command-line.ts';

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
    .option('--html <dir>', 'write an HTML page per failing scenario into DIR (timeline, device lists, verdicts per layer)')
    .addOption(new Option('--inject-fault <name>', 'replay against a faulty model (see src/faults.ts)').argParser(collect).hideHelp());
  addResultsOptions(addDriverOptions(replay)).action(async (paths: string[], options: { injectFault?: string[]; html?: string } & DriverCliOptions & ResultsCliOptions) => {
      const driver = driverSourceFrom(options);
      const outputs = resultsOutputsFrom(options);
      if (options.html !== undefined) checkOutputDirectory(options.html, '--html');
      if (driver) {
        // Driver transcripts (*.transcript.jsonl) saved by `check --driver`.
        cli.exitCode = await (await import('./driver.ts')).runDriverReplay(driver, paths, { ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}), outputs, ...(options.html !== undefined ? { html: options.html } : {}) }, cli);
        return;
      }
      const { loadScenarioFile } = await import('../../scenario/load.ts');
      const faults = faultSet(options.injectFault);
      // Every path must exist before anything runs.
      const files = paths.flatMap(findScenarioFiles);
      const { replayScenario } = await import('../../check/replay.ts');
      let code: number = EXIT.ok;
      const collector = new ResultsCollector('replay');
      const progress = stderrProgress('replay', 'files');
      const failed: { file: string; scenario: Scenario; problems: string[] }[] = [];
      let done = 0;
      for (const { path: file, skip } of files) {
        progress.update({ done: done++, total: files.length }, file);
        const started = Date.now();
        const fileCase = (status: 'passed' | 'failed' | 'error' | 'skipped', message?: string, counterexample?: string[]): void =>
          collector.add({
            suite: 'replay',
            name: file,
            status,
            timeMs: Date.now() - started,
            ...(message !== undefined ? { message } : {}),
            ...(counterexample ? { counterexample } : {}),
            ...(status === 'failed' ? { replay: toolCommand(['replay', file]) } : {}),
          });
        if (skip !== undefined) {
          fileCase('skipped', skip);
          cli.out(`skip ${file} (${skip})`);
          continue;
        }
        try {
          // check --driver saves its transcripts as *.transcript.jsonl (src/driver/transcript.ts).
          if (file.endsWith('.jsonl')) throw new InputError(file, 'JSON lines, not a scenario: a driver transcript is replayed with --driver CMD or --driver-module PATH');
          const scenario = loadScenarioFile(file);
          const problems = replayScenario(scenario, { faults });
          if (problems.length === 0) {
            fileCase('passed');
            cli.out(`ok ${file}`);
          } else {
            fileCase('failed', problems[0], problems);
            failed.push({ file, scenario, problems });
            cli.out(`FAIL ${file}`);
            for (const p of problems) cli.out(`  ${p}`);
            code = worse(code, EXIT.failure);
          }
        } catch (e) {
          const invalid = e instanceof InputError;
          const message = e instanceof Error ? e.message : String(e);
          fileCase('error', `${invalid ? 'invalid scenario' : 'internal error'}: ${message}`);
          cli.out(`FAIL ${file}`);
          cli.out(`  ${invalid ? 'invalid scenario' : 'internal error'}: ${message}`);
          cli.err(invalid ? `error: ${message}` : `internal error: ${message} (this is a bug in mcast-testbench)`);
          code = worse(code, invalid ? EXIT.usage : EXIT.internal);
        }
      }
      progress.done();
      writeResults(collector.results(), outputs);
      if (options.html !== undefined) {
        const { writeScenarioPages } = await import('../../html/pages.ts');
        for (const page of await writeScenarioPages(options.html, failed, faults)) cli.out(`html: ${page}`);
      }
      cli.exitCode = code;
    });
}
