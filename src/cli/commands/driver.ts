// `check --driver CMD` / `--driver-module PATH` and `replay --driver CMD FILE`: the driver under
// test (docs/driver-protocol.md). check.ts and replay.ts add these options with
// addDriverOptions and hand over to runDriverCheck / runDriverReplay when one is given.
import { checkDriverContract } from '../../driver/contract.ts';
import { LONGEST_LIST, runTargets, unreachedLengths } from '../../driver/contract-runs.ts';
import { runScriptOutcome } from '../../driver/contract.ts';
import { checkDriverEndToEnd } from '../../driver/end-to-end.ts';
import { DriverError } from '../../driver/protocol.ts';
import {
  DEFAULT_DRIVER_TIMEOUT_MS,
  type DriverSession,
  type DriverSource,
  describeSource,
  sourceWords,
  startDriver,
} from '../../driver/session.ts';
import { displayPath, toolCommand } from '../../command-line.ts';
import {
  DRIVER_FIXTURE_SUFFIX,
  type DriverFixture,
  fixtureFromFailure,
  formatTranscript,
  parseDriverFixture,
  serializeDriverFixture,
} from '../../driver/transcript.ts';
import { InputError } from '../../errors.ts';
import { readInputFile } from '../../scenario/load.ts';
import { saveNewFile } from '../../scenario/save.ts';
import { type ResultsOutputs, writeResults } from '../../results/output.ts';
import { type CaseStatus, type ResultCase, ResultsCollector } from '../../results/types.ts';
import { type Cli, EXIT } from '../cli.ts';
import { stderrProgress } from './results-options.ts';
import { readdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import type { ShardSpec } from '../../check/shard.ts';
import { writeDriverPage } from '../../html/pages.ts';

/** Runs of the driver contract when check --runs is not given: ~100 requests each. */
export const DEFAULT_DRIVER_RUNS = 100;

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'driver';
}

/**
 * Writes the fixture next to the others, atomically and without overwriting one (name, then
 * name-2, ...: src/scenario/save.ts).
 */
export function saveDriverFixture(dir: string, fixture: DriverFixture): string {
  const base = `driver-${safeName(fixture.driver.name)}-${safeName(fixture.failure.rule ?? fixture.failure.kind)}-${fixture.seed >>> 0}`;
  return saveNewFile(dir, base, DRIVER_FIXTURE_SUFFIX, serializeDriverFixture(fixture));
}

/** The fixture line to print: its path, or why it could not be saved (the transcript is printed either way). */
function fixtureLine(dir: string, fixture: DriverFixture, source: DriverSource, saved?: (file: string, replay: string) => void): string {
  try {
    const file = displayPath(saveDriverFixture(dir, fixture));
    const replay = toolCommand(['replay', ...sourceWords(source), file]);
    saved?.(file, replay);
    return `fixture: ${file} (${replay})`;
  } catch (e) {
    return `(could not save the fixture: ${(e as Error).message})`;
  }
}

/** One part of a driver check (contract, end to end) as a result case. */
function driverCase(
  driver: string,
  name: string,
  status: CaseStatus,
  started: number,
  more: Omit<ResultCase, 'suite' | 'name' | 'status' | 'timeMs'> = {},
): ResultCase {
  return { suite: `check --driver ${driver}`, name, status, timeMs: Date.now() - started, ...more };
}

/**
 * The one stderr line of a driver error: its kind only. The message itself is in the report on
 * stdout (DRIVER ERROR: ...), printed once.
 */
function driverErrorLine(cli: Cli, message: string): void {
  const kind = /^driver error \([a-z-]+\)/.exec(message)?.[0] ?? 'driver error';
  cli.err(`error: ${kind}: the driver under test misbehaved (exit 3); the DRIVER ERROR report is on stdout`);
}

function driverErrorExit(cli: Cli, session: DriverSession | null, e: DriverError): number {
  cli.out(`DRIVER ERROR: ${e.message}`);
  if (session && session.transcript.length > 0) {
    const tail = session.transcript.slice(-6);
    cli.out('last exchanges:');
    cli.out(formatTranscript(null, tail));
  }
  driverErrorLine(cli, e.message);
  return EXIT.driver;
}

export interface DriverCheckCliOptions {
  readonly runs?: number;
  readonly seed?: number;
  readonly timeoutMs?: number;
  /** Deadline for hello (default: the larger of timeoutMs and 10 s). */
  readonly startupTimeoutMs?: number;
  readonly fixturesDir: string;
  /** --junit / --json files, written when the check ends. */
  readonly outputs?: ResultsOutputs;
  /** --shard i/n: this shard's cases of the contract and of the end-to-end check. */
  readonly shard?: ShardSpec;
  /** --html DIR: a page per failure (the exchanges with the driver). */
  readonly html?: string;
}

/** Writes the failure page when --html asked for one; prints where. */
function htmlPage(cli: Cli, options: DriverCheckCliOptions, page: Parameters<typeof writeDriverPage>[1]): void {
  if (options.html === undefined) return;
  try {
    cli.out(`html: ${writeDriverPage(resolve(options.html), page)}`);
  } catch (e) {
    cli.out(`(could not write the html page: ${(e as Error).message})`);
  }
}

/**
 * `check --driver`: the generic contract (and the named model, if any) over random program
 * sequences. Exit 0 when it holds, 1 on a violation (transcript printed and saved), 3 when the
 * driver breaks the protocol.
 */
export async function runDriverCheck(source: DriverSource, options: DriverCheckCliOptions, cli: Cli): Promise<number> {
  const label = describeSource(source);
  const collector = new ResultsCollector('check --driver', Date.now, {
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
  });
  const runs = options.runs ?? DEFAULT_DRIVER_RUNS;
  const progress = stderrProgress('check --driver', 'parts');
  let runsDone = 0;
  const onRun = (): void => void progress.update({ runs: ++runsDone });
  progress.update({ done: 0, total: 2, runs: 0, totalRuns: runs + Math.max(1, Math.ceil(runs / 2)) }, 'contract');
  let session: DriverSession | null = null;
  let part = 'contract';
  let started = Date.now();
  try {
    session = await startDriver(source, {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.startupTimeoutMs !== undefined ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
    });
    const hello = session.hello;
    cli.err(`driver ${hello.name}${hello.model ? ` (model ${hello.model})` : ''}: checking the filter contract`);
    const missed = unreachedLengths(runTargets(hello));
    if (missed.length > 0) {
      // A threshold never exercised must not pass silently (issue 22).
      cli.err(`warning: lists of ${missed.join(', ')} entries (around the thresholds of ${hello.model ?? 'the built-in profiles'}) are not sent at protocol ${hello.protocol}: it stops at ${LONGEST_LIST}; answer hello with "protocol":2 for them`);
    }
    const result = await checkDriverContract(session, {
      numRuns: runs,
      ...(options.seed !== undefined ? { seed: options.seed } : {}),
      ...(options.shard ? { shard: options.shard } : {}),
      onRun,
    });
    collector.setSeed(result.ok ? result.seed : result.failure.seed);
    if (result.ok) {
      collector.add(driverCase(hello.name, 'contract', 'passed', started, { runs: result.numRuns }));
      progress.update({ done: 1, runs: runsDone = runs }, 'end to end');
      part = 'end to end';
      started = Date.now();
      cli.out(
        `ok: ${hello.name} keeps the filter contract${hello.model ? ` and equals model ${hello.model}` : ''} (${result.numRuns} runs, ${result.requests} requests, seed ${result.seed})`,
      );
      return await runEndToEndCli(session, source, { ...options, onRun, collector, started }, cli);
    }
    const f = result.failure;
    const fixture = fixtureFromFailure(f, hello, session.helloExchange, label);
    const transcript = formatTranscript(session.helloExchange, f.transcript);
    cli.out(`${f.kind === 'violation' ? 'FAIL' : 'DRIVER ERROR'}: ${hello.name}: ${f.message}`);
    cli.out(`transcript (> sent to the driver, < its answer; seed ${f.seed}):`);
    cli.out(transcript);
    let saved: { fixture?: string; replay?: string } = {};
    if (f.transcript.length > 0) cli.out(fixtureLine(options.fixturesDir, fixture, source, (file, replay) => (saved = { fixture: file, replay })));
    collector.add(
      driverCase(hello.name, 'contract', f.kind === 'violation' ? 'failed' : 'error', started, { runs: f.numRuns, message: f.message, counterexample: transcript.split('\n'), ...saved }),
    );
    // What did not run is said, not left out: CI lists the end-to-end part as skipped.
    collector.add(driverCase(hello.name, 'end to end', 'skipped', Date.now(), { message: 'not run: the filter contract failed first' }));
    htmlPage(cli, options, { name: hello.name, part: 'contract', message: f.message, ...(saved.replay !== undefined ? { replay: saved.replay } : {}), transcript });
    if (f.kind === 'driver-error') driverErrorLine(cli, f.message);
    return f.kind === 'violation' ? EXIT.failure : EXIT.driver;
  } catch (e) {
    if (e instanceof DriverError) {
      collector.add(driverCase(session?.hello.name ?? label, part, 'error', started, { message: e.message }));
      return driverErrorExit(cli, session, e);
    }
    throw e;
  } finally {
    progress.done();
    await session?.close();
    if (options.outputs) writeResults(collector.results(), options.outputs);
  }
}

/** Host model + driver + oracle on random scenarios, after the contract holds. */
async function runEndToEndCli(
  session: DriverSession,
  source: DriverSource,
  options: DriverCheckCliOptions & { onRun: () => void; collector: ResultsCollector; started: number },
  cli: Cli,
): Promise<number> {
  const hello = session.hello;
  const e2e = await checkDriverEndToEnd(session, {
    numRuns: Math.max(1, Math.ceil((options.runs ?? DEFAULT_DRIVER_RUNS) / 2)),
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.shard ? { shard: options.shard } : {}),
    onRun: options.onRun,
  });
  if (e2e.ok) {
    options.collector.add(driverCase(hello.name, 'end to end', 'passed', options.started, { runs: e2e.numRuns }));
    cli.out(`ok: end to end, the host model with ${hello.name} as its NIC delivers as the oracle says (${e2e.numRuns} scenarios, seed ${e2e.seed})`);
    return EXIT.ok;
  }
  const f = e2e.failure;
  const scenarioLine = `scenario (seed ${e2e.seed}): ${JSON.stringify({ interfaces: f.scenario.interfaces, steps: f.scenario.steps })}`;
  cli.out(`${f.kind === 'violation' ? 'FAIL' : 'DRIVER ERROR'}: end to end: ${hello.name}: ${f.message}`);
  cli.out(scenarioLine);
  let saved: { fixture?: string; replay?: string } = {};
  const record = (): void =>
    options.collector.add(
      driverCase(hello.name, 'end to end', f.kind === 'violation' ? 'failed' : 'error', options.started, { message: f.message, counterexample: [scenarioLine], ...saved }),
    );
  if (f.transcript.length > 0) {
    cli.out('transcript of the failing NIC (> sent to the driver, < its answer):');
    cli.out(formatTranscript(session.helloExchange, f.transcript));
    const fixture = fixtureFromFailure(
      { kind: f.kind, message: f.message, rule: f.rule, script: f.script, transcript: f.transcript, seed: e2e.seed, numRuns: 0 },
      hello,
      session.helloExchange,
      describeSource(source),
    );
    cli.out(fixtureLine(options.fixturesDir, fixture, source, (file, replay) => (saved = { fixture: file, replay })));
  }
  record();
  htmlPage(cli, options, {
    name: hello.name,
    part: 'end to end',
    message: f.message,
    ...(saved.replay !== undefined ? { replay: saved.replay } : {}),
    transcript: f.transcript.length > 0 ? formatTranscript(session.helloExchange, f.transcript) : '(no exchange recorded)',
    scenario: { interfaces: f.scenario.interfaces, steps: f.scenario.steps },
  });
  if (f.kind === 'driver-error') {
    driverErrorLine(cli, f.message);
    return EXIT.driver;
  }
  return EXIT.failure;
}

/**
 * `replay --driver CMD FILE...`: sends each saved transcript's requests again through the same
 * contract. ok when the driver now keeps it (exit 0), FAIL (1), driver error (3).
 */
/** A folder stands for the driver transcripts in it (sorted); a file for itself. */
function transcriptFiles(path: string): string[] {
  let dir = false;
  try {
    dir = statSync(path).isDirectory();
  } catch {
    return [path]; // readInputFile names what is wrong with it
  }
  if (!dir) return [path];
  const found = readdirSync(path).filter((f) => f.endsWith(DRIVER_FIXTURE_SUFFIX)).sort().map((f) => join(path, f));
  if (found.length === 0) throw new InputError(path, `a folder with no driver transcript (*${DRIVER_FIXTURE_SUFFIX}) in it`);
  return found;
}

export async function runDriverReplay(
  source: DriverSource,
  files: readonly string[],
  options: { timeoutMs?: number; outputs?: ResultsOutputs; html?: string },
  cli: Cli,
): Promise<number> {
  const collector = new ResultsCollector('replay --driver');
  try {
    return await replayTranscripts(source, files.flatMap(transcriptFiles), options, cli, collector);
  } finally {
    if (options.outputs) writeResults(collector.results(), options.outputs);
  }
}

async function replayTranscripts(source: DriverSource, files: readonly string[], options: { timeoutMs?: number; html?: string }, cli: Cli, collector: ResultsCollector): Promise<number> {
  // Every file must parse before the driver starts.
  const fixtures = files.map((file) => {
    const text = readInputFile(file);
    return { file, fixture: parseDriverFixture(text, file) };
  });
  let code: number = EXIT.ok;
  for (const { file, fixture } of fixtures) {
    let session: DriverSession | null = null;
    const started = Date.now();
    const fileCase = (status: CaseStatus, message?: string): void =>
      collector.add({ suite: 'replay --driver', name: file, status, timeMs: Date.now() - started, ...(message !== undefined ? { message, replay: toolCommand(['replay', ...sourceWords(source), file]) } : {}) });
    try {
      session = await startDriver(source, options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {});
      const outcome = await runScriptOutcome(session, fixture.requests);
      if (outcome.ok) {
        fileCase('passed');
        cli.out(`ok ${file}`);
        continue;
      }
      fileCase(outcome.kind === 'violation' ? 'failed' : 'error', outcome.message);
      cli.out(`${outcome.kind === 'violation' ? 'FAIL' : 'DRIVER ERROR'} ${file}`);
      cli.out(`  ${outcome.message}`);
      const transcript = formatTranscript(session.helloExchange, session.transcript);
      cli.out(transcript);
      htmlPage(cli, { fixturesDir: '', ...(options.html !== undefined ? { html: options.html } : {}) }, {
        name: session.hello.name,
        part: `replay ${basename(file)}`,
        message: outcome.message,
        replay: toolCommand(['replay', ...sourceWords(source), file]),
        transcript,
      });
      if (outcome.kind === 'driver-error') {
        driverErrorLine(cli, outcome.message);
        code = EXIT.driver;
      } else if (code === EXIT.ok) {
        code = EXIT.failure;
      }
    } catch (e) {
      if (!(e instanceof DriverError)) throw e;
      fileCase('error', e.message);
      cli.out(`DRIVER ERROR ${file}`);
      code = driverErrorExit(cli, session, e);
    } finally {
      await session?.close();
    }
  }
  return code;
}
