// The driver under test can never hang or outlive the testbench (issue 11, cases 1 and 2, and
// the misbehaving answers of "Also"): each answer has its own deadline, the driver's process
// group is ended whatever it left running, and every odd answer is a clear exit 3.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { DriverRequest } from '../../src/driver/protocol.ts';
import { type DriverSession, startModuleDriver, startProcessDriver } from '../../src/driver/session.ts';
import { groupMembersRunning } from '../driver/procs.ts';
import { DRIVERS, checkLeftoversAfterAll, expectDriverError, expectError, run, scratchDir } from './helpers.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

checkLeftoversAfterAll();

const ACCEPT_ALL = join(DRIVERS, 'accept_all.py');
const MISBEHAVE = join(DRIVERS, 'misbehave.py');

let session: DriverSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

const rx = (n: number): DriverRequest[] => Array.from({ length: n }, () => ({ op: 'rx', dst: 'ff:ff:ff:ff:ff:ff' }) as DriverRequest);

function waitForFile(path: string): Promise<string> {
  return new Promise((resolve) => {
    const poll = (): void => {
      try {
        const text = readFileSync(path, 'utf8');
        if (text.endsWith('\n')) return resolve(text.trim());
      } catch {
        // not written yet
      }
      setTimeout(poll, 20);
    };
    poll();
  });
}

describe('case 1: --timeout bounds each answer, not a batch', () => {
  // 100 answers of 40 ms take 4 s, twice the timeout; one answer stays 50 times within it, so busy cores cannot tip it.
  // The two slow drivers (mostly asleep) run side by side, each with a session of its own.
  it.concurrent('a driver taking 40 ms per answer passes a batch of 100 pipelined requests with a 2 s timeout', async ({ expect }) => {
    const slow = await startProcessDriver(`exec python3 ${ACCEPT_ALL} 0.04`, { timeoutMs: 2_000, stderr: 'ignore' });
    const answers: unknown[] = [];
    try {
      await slow.requestAll(rx(100), (_i, a) => answers.push(a));
    } finally {
      await slow.close();
    }
    expect(answers).toHaveLength(100);
    expect(answers.every((a) => JSON.stringify(a) === '{"accept":true}')).toBe(true);
  });

  it.concurrent('the same for a module driver', async ({ expect }) => {
    const dir = scratchDir();
    const file = join(dir, 'slow.mjs');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(file, `const wait = () => new Promise((r) => setTimeout(r, 40));
export async function hello() { return { name: 'slow', model: 'accept-all' }; }
export async function reset() { await wait(); return { ok: true }; }
export async function program() { await wait(); return { ok: true }; }
export async function rx() { await wait(); return { accept: true }; }
`);
    const slow = await startModuleDriver(file, { timeoutMs: 2_000 });
    let n = 0;
    try {
      await slow.requestAll(rx(100), () => n++);
    } finally {
      await slow.close();
    }
    expect(n).toBe(100);
  });

  it('a driver that stops answering is still a timeout naming that request', async () => {
    // The reset gets a bound against a hang (a busy machine may take seconds); only the rx, which
    // the driver answers after an hour (never, within the test: the session is closed after it),
    // gets 20 ms. (An answer after 40 ms was raced by the 20 ms timer on busy cores: when the
    // worker is off the CPU for 40 ms both are ready at once.)
    session = await startProcessDriver(`exec python3 ${ACCEPT_ALL} 0 3600`, { timeoutMs: HANG_BOUND_MS, stderr: 'ignore' });
    await session.request({ op: 'reset', mac: '02:00:00:00:00:02' } as DriverRequest);
    (session as unknown as { timeoutMs: number }).timeoutMs = 20;
    await expect(session.request({ op: 'rx', dst: 'ff:ff:ff:ff:ff:ff' } as DriverRequest)).rejects.toThrow(/\(timeout\): no answer to "rx" within 20 ms/);
  });
});

describe('case 2: a driver process group is ended, and no pipe is waited on without a bound', () => {
  it('a driver that exits at once leaving a child that holds its stdout: exit 3 naming the exit, group gone', async () => {
    const dir = scratchDir();
    const pgidFile = join(dir, 'pgid');
    const r = await run(['check', '--driver', `echo $$ > ${pgidFile}; sleep 300 & exit 0`, '--runs', '1', '--seed', '1']);
    expectError(r, 3, /^error: driver error \(crash\): driver exited with status 0; a process it started still holds its stdout open/);
    const pgid = Number(readFileSync(pgidFile, 'utf8'));
    expect(groupMembersRunning(pgid)).toEqual([]);
  });

  it('close() returns although a process that left the group holds the driver stdout', async () => {
    const dir = scratchDir();
    const pidFile = join(dir, 'escaped');
    session = await startProcessDriver(`setsid sh -c 'echo $$ > ${pidFile}; exec sleep 300' & exec python3 ${ACCEPT_ALL}`, { stderr: 'ignore' });
    const escaped = Number(await waitForFile(pidFile));
    try {
      await session.request({ op: 'reset', mac: '02:00:00:00:00:02' } as DriverRequest);
      await session.close(); // before the fix: waited for the pipe, i.e. for the sleep to end
      session = null;
    } finally {
      process.kill(escaped, 'SIGKILL');
    }
  }, HANG_BOUND_MS);
});

describe('driver answers that are no answers: exit 3 saying what the driver did', () => {
  // A driver error in a contract run saves its transcript: into a scratch folder, not fixtures/.
  const check = (driver: string): ReturnType<typeof run> => run(['check', '--driver', driver, '--runs', '1', '--seed', '1', '--timeout', '2000', '--fixtures', scratchDir()]);

  it('a 100 MB line', async () => {
    expectError(await check(`python3 ${MISBEHAVE} bigline`), 3, /^error: driver error \(garbage\): answer line longer than 65536 bytes \(no newline after \d+ bytes\): "xxxx.*; last request: \{"op":"hello"/);
  });

  it('a line without a newline before exit', async () => {
    expectError(await check(`python3 ${MISBEHAVE} nonewline`), 3, /^error: driver error \(crash\): driver exited with status 0 after printing "\{\\"name\\":\\"half\\",\\"model\\":null\}" without a newline/);
  });

  it('invalid UTF-8', async () => {
    expectError(await check(`python3 ${MISBEHAVE} badutf8`), 3, /^error: driver error \(garbage\): answer is not valid UTF-8: bytes 7b .* ff fe/);
  });

  it('a driver that closes its stdin and keeps running', async () => {
    // Answers hello, then closes stdin: later requests raise EPIPE, or (written before the
    // close) find no reader, which the deadline tells from a hang.
    const r = await check(`read line; echo '{"name":"x","model":null}'; exec 0<&-; exec sleep 300`);
    expectDriverError(r, /^error: driver error \(protocol\): the driver closed its stdin while still running \((EPIPE writing a request|no answer to "reset" within 2000 ms)\)/);
  });

  it('a driver that exits 0 at once', async () => {
    expectError(await check('exit 0'), 3, /^error: driver error \(crash\): driver exited with status 0; last request: \{"op":"hello"/);
  });
});
