// The options every long command shares for its results (--junit FILE, --json FILE) and its
// progress display on stderr (src/progress). check, replay and kernel diff add them here.
import type { Command } from 'commander';
import { Progress } from '../../progress/progress.ts';
import { type ResultsOutputs, checkResultsOutputs } from '../../results/output.ts';

export interface ResultsCliOptions {
  junit?: string;
  json?: string;
}

export function addResultsOptions(command: Command): Command {
  return command
    .option('--junit <file>', 'also write the results as JUnit XML (one testcase per property and profile, or per file)')
    .option('--json <file>', 'also write the results as JSON (schemas/results.schema.json)');
}

/** The outputs asked for, refused now (exit 2) when they cannot be written. */
export function resultsOutputsFrom(options: ResultsCliOptions): ResultsOutputs {
  const outputs = { ...(options.junit !== undefined ? { junit: options.junit } : {}), ...(options.json !== undefined ? { json: options.json } : {}) };
  checkResultsOutputs(outputs);
  return outputs;
}

/** A progress display on this process's stderr. */
export function stderrProgress(label: string, items: string): Progress {
  return new Progress(label, items, { stream: process.stderr });
}
