// The library's form of `check --driver`: the filter contract (and the named model) over random
// program sequences, then the host model end to end with the driver as its NIC. Returns a
// report instead of printing; a failure's transcript is saved as a fixture when asked.
import { saveNewFile } from '../scenario/save.ts';
import { checkDriverContract } from './contract.ts';
import { checkDriverEndToEnd } from './end-to-end.ts';
import { DriverError, type HelloAnswer } from './protocol.ts';
import {
  type DriverAdapter,
  type DriverSession,
  type DriverSource,
  describeSource,
  startAdapterDriver,
  startDriver,
} from './session.ts';
import { DRIVER_FIXTURE_SUFFIX, type DriverFixture, fixtureFromFailure, formatTranscript, serializeDriverFixture } from './transcript.ts';

/** The driver under test: a command (JSON lines on stdin/stdout), an ES module file, or an adapter object in this process. */
export type DriverUnderTest = DriverSource | { readonly adapter: DriverAdapter; readonly label?: string };

export interface CheckDriverOptions {
  /** Contract runs (about 100 requests each); the end-to-end part runs half as many scenarios. Default 100. */
  readonly runs?: number;
  /** fast-check seed; absent: a random one, reported. */
  readonly seed?: number;
  /** Per-answer deadline in ms (default 3000). */
  readonly timeoutMs?: number;
  /** Deadline for hello (default: the larger of timeoutMs and 10 s). */
  readonly startupTimeoutMs?: number;
  /** Where a failing transcript is saved (as `check --driver` saves it); absent: not saved. */
  readonly fixturesDir?: string;
  /** false: the contract only, no end-to-end scenarios. Default true. */
  readonly endToEnd?: boolean;
}

export type CheckDriverReport =
  | {
      readonly ok: true;
      readonly driver: HelloAnswer;
      readonly contract: { readonly numRuns: number; readonly seed: number; readonly requests: number };
      readonly endToEnd: { readonly numRuns: number; readonly seed: number } | null;
    }
  | {
      readonly ok: false;
      /** violation: the driver's answers break the contract or the oracle (exit 1); driver-error: it broke the protocol (exit 3). */
      readonly kind: 'violation' | 'driver-error';
      /** Where it failed: at start-up (hello), in the contract, or end to end. */
      readonly stage: 'start' | 'contract' | 'end-to-end';
      readonly driver: HelloAnswer | null;
      readonly message: string;
      /** The exchanges that show it (> sent, < answered), as `check --driver` prints them. */
      readonly transcript: string;
      readonly seed: number | null;
      /** The saved transcript fixture (replay it with `mcast-testbench replay --driver CMD FILE`), or null. */
      readonly fixture: string | null;
    };

/** The exit code `check --driver` gives this report: 0 ok, 1 violation, 3 driver error. */
export function driverReportExitCode(report: CheckDriverReport): 0 | 1 | 3 {
  if (report.ok) return 0;
  return report.kind === 'violation' ? 1 : 3;
}

/** The report as text: one line when ok, else the message and the transcript (for an assertion message). */
export function formatDriverReport(report: CheckDriverReport): string {
  if (report.ok) {
    const e2e = report.endToEnd ? `; end to end ${report.endToEnd.numRuns} scenarios` : '';
    return `ok: ${report.driver.name} keeps the filter contract (${report.contract.numRuns} runs, seed ${report.contract.seed})${e2e}`;
  }
  const head = `${report.kind === 'violation' ? 'FAIL' : 'DRIVER ERROR'} (${report.stage}${report.seed !== null ? `, seed ${report.seed}` : ''}): ${report.message}`;
  return [head, report.transcript, ...(report.fixture ? [`fixture: ${report.fixture}`] : [])].filter((l) => l !== '').join('\n');
}

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 60) || 'driver';
}

function save(dir: string | undefined, fixture: DriverFixture): string | null {
  if (dir === undefined || fixture.requests.length === 0) return null;
  const base = `driver-${safeName(fixture.driver.name)}-${safeName(fixture.failure.rule ?? fixture.failure.kind)}-${fixture.seed >>> 0}`;
  return saveNewFile(dir, base, DRIVER_FIXTURE_SUFFIX, serializeDriverFixture(fixture));
}

/**
 * Runs the suites `check --driver` runs against one driver and returns what happened; never
 * throws for a misbehaving driver (that is a report with kind 'driver-error'). The driver is
 * stopped before it returns.
 */
export async function checkDriver(driver: DriverUnderTest, options: CheckDriverOptions = {}): Promise<CheckDriverReport> {
  const label = 'adapter' in driver ? (driver.label ?? 'adapter') : describeSource(driver);
  const sessionOptions = {
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.startupTimeoutMs !== undefined ? { startupTimeoutMs: options.startupTimeoutMs } : {}),
  };
  const runs = options.runs ?? 100;
  let session: DriverSession | null = null;
  try {
    try {
      session = 'adapter' in driver ? await startAdapterDriver(driver.adapter, sessionOptions) : await startDriver(driver, sessionOptions);
    } catch (e) {
      if (!(e instanceof DriverError)) throw e;
      return { ok: false, kind: 'driver-error', stage: 'start', driver: null, message: e.message, transcript: '', seed: null, fixture: null };
    }
    const hello = session.hello;
    const contract = await checkDriverContract(session, { numRuns: runs, ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    if (!contract.ok) {
      const f = contract.failure;
      const fixture = fixtureFromFailure(f, hello, session.helloExchange, label);
      return {
        ok: false,
        kind: f.kind,
        stage: 'contract',
        driver: hello,
        message: f.message,
        transcript: formatTranscript(session.helloExchange, f.transcript),
        seed: f.seed,
        fixture: save(options.fixturesDir, fixture),
      };
    }
    const summary = { numRuns: contract.numRuns, seed: contract.seed, requests: contract.requests };
    if (options.endToEnd === false) return { ok: true, driver: hello, contract: summary, endToEnd: null };
    const e2e = await checkDriverEndToEnd(session, { numRuns: Math.max(1, Math.ceil(runs / 2)), ...(options.seed !== undefined ? { seed: options.seed } : {}) });
    if (e2e.ok) return { ok: true, driver: hello, contract: summary, endToEnd: { numRuns: e2e.numRuns, seed: e2e.seed } };
    const f = e2e.failure;
    const fixture = fixtureFromFailure(
      { kind: f.kind, message: f.message, rule: f.rule, script: f.script, transcript: f.transcript, seed: e2e.seed, numRuns: 0 },
      hello,
      session.helloExchange,
      label,
    );
    const scenario = `scenario: ${JSON.stringify({ interfaces: f.scenario.interfaces, steps: f.scenario.steps })}`;
    return {
      ok: false,
      kind: f.kind,
      stage: 'end-to-end',
      driver: hello,
      message: f.message,
      transcript: [scenario, formatTranscript(session.helloExchange, f.transcript)].join('\n'),
      seed: e2e.seed,
      fixture: save(options.fixturesDir, fixture),
    };
  } finally {
    await session?.close();
  }
}
