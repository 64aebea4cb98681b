// A driver that crashes, hangs, prints garbage or breaks the protocol is a driver error naming
// the last request; the testbench never hangs and never leaves the child running.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDriverContract } from '../../src/driver/contract.ts';
import { DriverError } from '../../src/driver/protocol.ts';
import { type DriverSession, startModuleDriver, startProcessDriver } from '../../src/driver/session.ts';
import { groupMembersRunning } from './procs.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const drivers = fileURLToPath(new URL('./drivers/', import.meta.url));
// A bound against a hang, not a speed budget: a busy machine may take seconds to run a python
// driver's answer. A test of a timeout lowers it only for the request that never gets an answer.
const QUIET = { stderr: 'ignore' as const, timeoutMs: HANG_BOUND_MS };

let session: DriverSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function failure(promise: Promise<unknown>): Promise<DriverError> {
  try {
    await promise;
  } catch (e) {
    if (e instanceof DriverError) return e;
    throw e;
  }
  throw new Error('expected a DriverError');
}

describe('process drivers', () => {
  it('a crash on program is reported as crash, naming the program request', async () => {
    session = await startProcessDriver(`python3 ${drivers}crash_on_program.py`, QUIET);
    const result = await checkDriverContract(session, { numRuns: 5, seed: 1 });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe('driver-error');
    expect(result.failure.message).toMatch(/driver error \(crash\): driver exited with status 139; last request: \{"op":"program"/);
  });

  // The two timeout tests run side by side: each spends its timeout asleep.
  it.concurrent('a hang is a timeout naming the rx request; the hung child (ignoring SIGTERM) is killed on close', async ({ expect }) => {
    const started = Date.now();
    // 5 s for every answer of the contract run, the programs before the hung rx included. A
    // session of its own (closed below, or on a failure by the finally), not the shared one.
    const hung = await startProcessDriver(`exec python3 ${drivers}hang_on_rx.py`, { ...QUIET, timeoutMs: 5_000 });
    let closed = false;
    try {
      const result = await checkDriverContract(hung, { numRuns: 5, seed: 1 });
      expect(result.ok).toBe(false);
      if (result.ok) return;
      expect(result.failure.kind).toBe('driver-error');
      // The first rx of a run probes the station MAC the run reset with.
      const station = (JSON.parse(result.failure.transcript[0]?.request ?? '{}') as { mac?: string }).mac;
      expect(station).toMatch(/^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/);
      expect(result.failure.message).toContain(`(timeout): no answer to "rx" within 5000 ms; last request: {"op":"rx","dst":"${station}"}`);
      const pid = (hung as unknown as { transport: { child: { pid: number } } }).transport.child.pid;
      await hung.close();
      closed = true;
      expect(isAlive(pid)).toBe(false);
      // One timeout and the kill grace period, not one timeout per pipelined request: the bound of
      // three timeouts leaves a busy machine 10 s for everything else.
      expect(Date.now() - started).toBeLessThan(3 * 5_000);
    } finally {
      if (!closed) await hung.close();
    }
  });

  it.concurrent('forgetting to flush stdout times out on hello', async ({ expect }) => {
    // PYTHONUNBUFFERED (set on some CI machines) would hide the mistake. 3 s: far more than
    // python's start-up, so the timeout comes from the missing flush, not from a slow start.
    const e = await failure(startProcessDriver(`env -u PYTHONUNBUFFERED python3 ${drivers}no_flush.py`, { ...QUIET, startupTimeoutMs: 3000 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('no answer to "hello" within 3000 ms; last request: {"op":"hello","protocol":1,"versions":[1,2]}');
  });

  it('garbage on stdout is reported as garbage with the line it printed', async () => {
    session = await startProcessDriver(`python3 ${drivers}garbage.py`, QUIET);
    const e = await failure(session.request({ op: 'reset', mac: '02:00:00:00:00:02' as never }));
    expect(e.kind).toBe('garbage');
    expect(e.message).toBe('driver error (garbage): answer is not JSON: "DEBUG: got reset"; stdout carries only answers: a driver logs to stderr; last request: {"op":"reset","mac":"02:00:00:00:00:02"}');
  });

  it('a wrong answer shape is a protocol error', async () => {
    session = await startProcessDriver(`python3 ${drivers}bad_answer.py`, QUIET);
    await session.request({ op: 'reset', mac: '02:00:00:00:00:02' as never });
    const e = await failure(session.request({ op: 'rx', dst: 'ff:ff:ff:ff:ff:ff' as never }));
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('rx answer must be {"accept":true|false}; got "{\\"accept\\": \\"yes\\"}"');
  });

  it('an unsolicited extra answer is a protocol error on the next request', async () => {
    session = await startProcessDriver(`python3 ${drivers}chatty.py`, QUIET);
    await session.request({ op: 'reset', mac: '02:00:00:00:00:02' as never });
    // Let the second line arrive before the next request goes out.
    await new Promise((r) => setTimeout(r, 100));
    const e = await failure(session.request({ op: 'rx', dst: 'ff:ff:ff:ff:ff:ff' as never }));
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('unsolicited output before this request');
  });

  it('an extra answer while requests are in flight: the error says the answers may be out of step', async () => {
    session = await startProcessDriver(`python3 ${drivers}chatty.py`, QUIET);
    const reqs = [{ op: 'reset', mac: '02:00:00:00:00:02' }, { op: 'rx', dst: 'ff:ff:ff:ff:ff:ff' }] as never[];
    const e = await failure(session.requestAll(reqs, () => {}));
    expect(e.kind).toBe('protocol');
    expect(e.message).toBe(
      'driver error (protocol): rx answer must be {"accept":true|false}; got "{\\"ok\\": true}" (a valid "program" answer: the answers may be out of step after an extra line earlier); stdout carries only answers: a driver logs to stderr; last request: {"op":"rx","dst":"ff:ff:ff:ff:ff:ff"}',
    );
  });

  it('a command that does not exist exits 127 before hello', async () => {
    const e = await failure(startProcessDriver('/nonexistent/driver --flag', QUIET));
    expect(e.kind).toBe('crash');
    expect(e.message).toContain('driver exited with status 127; last request: {"op":"hello","protocol":1,"versions":[1,2]}');
  });

  it('a model that is no built-in profile is a protocol error at hello', async () => {
    const e = await failure(startProcessDriver(`python3 ${drivers}unknown_model.py`, QUIET));
    expect(e.kind).toBe('protocol');
    expect(e.message).toContain('hello names model "no-such-nic"');
  });

  it('a driver that exits right after hello is reported at the next request', async () => {
    session = await startProcessDriver(`echo '{"name":"one-shot","model":null}'`, QUIET);
    expect(session.hello.name).toBe('one-shot');
    const e = await failure(session.request({ op: 'reset', mac: '02:00:00:00:00:02' as never }));
    expect(e.kind).toBe('crash');
    expect(e.message).toContain('driver exited with status 0');
  });
});

describe('module drivers', () => {
  it('a module missing an operation is rejected before hello', async () => {
    const e = await failure(startModuleDriver(`${drivers}missing_rx.mjs`, QUIET));
    expect(e.kind).toBe('spawn');
    expect(e.message).toMatch(/missing_rx\.mjs does not export rx$/);
  });

  it('a module that cannot be imported is reported, not thrown as a stack trace', async () => {
    const e = await failure(startModuleDriver(`${drivers}no-such-module.mjs`, QUIET));
    expect(e.kind).toBe('spawn');
    expect(e.message).toContain('cannot import driver module');
  });

  it('an operation that throws is a crash naming the request', async () => {
    const e = await failure(startModuleDriver(`${drivers}throwing.mjs`, QUIET).then((s) => {
      session = s;
      return s.request({ op: 'reset', mac: '02:00:00:00:00:02' as never });
    }));
    expect(e.kind).toBe('crash');
    expect(e.message).toBe('driver error (crash): "reset" threw: no hardware; last request: {"op":"reset","mac":"02:00:00:00:00:02"}');
  });

  it('a synchronous infinite loop times out and the worker running it is stopped', async () => {
    session = await startModuleDriver(`${drivers}busy_loop.mjs`, QUIET);
    await session.request({ op: 'reset', mac: '02:00:00:00:00:02' as never });
    (session as unknown as { timeoutMs: number }).timeoutMs = 500;
    const e = await failure(session.request({ op: 'program', promisc: false, allmulti: false, mc: [] }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toBe('driver error (timeout): no answer to "program" within 500 ms; last request: {"op":"program","promisc":false,"allmulti":false,"mc":[]}');
    // The session is over: the next request is refused at once, not queued behind the loop.
    const next = await failure(session.request({ op: 'rx', dst: 'ff:ff:ff:ff:ff:ff' as never }));
    expect(next.kind).toBe('timeout');
  });

  it('a module is imported as plain node imports it: an ES module .js outside any package', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'driver-module-'));
    try {
      const file = join(dir, 'my-driver.js');
      writeFileSync(file, readFileSync(`${drivers}throwing.mjs`, 'utf8'));
      session = await startModuleDriver(file, QUIET);
      expect(session.hello.name).toBe('throwing');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a module that exits its thread is a crash naming the request', async () => {
    session = await startModuleDriver(`${drivers}exits.mjs`, QUIET);
    const e = await failure(session.request({ op: 'reset', mac: '02:00:00:00:00:02' as never }));
    expect(e.kind).toBe('crash');
    expect(e.message).toBe('driver error (crash): driver module\'s worker exited with status 7; last request: {"op":"reset","mac":"02:00:00:00:00:02"}');
  });

  it('an operation that never resolves times out', async () => {
    const e = await failure(startModuleDriver(`${drivers}never.mjs`, { startupTimeoutMs: 200 }));
    expect(e.kind).toBe('timeout');
    expect(e.message).toContain('no answer to "hello" within 200 ms');
  });
});

describe('no driver outlives its session', () => {
  it('what the driver command started is killed with the process group, even after the shell exited', async () => {
    // The shell starts a sleeper that holds no pipe of ours, answers hello and exits.
    const s = await startProcessDriver(`sleep 60 </dev/null >/dev/null 2>&1 & echo '{"name":"leaves-a-sleeper","model":null}'`, {
      stderr: 'ignore',
    });
    const pid = (s as unknown as { transport: { child: { pid: number } } }).transport.child.pid;
    await new Promise((r) => setTimeout(r, 100));
    expect(groupMembersRunning(pid).length).toBe(1);
    await s.close();
    await new Promise((r) => setTimeout(r, 100));
    expect(groupMembersRunning(pid)).toEqual([]);
  });
});
