// The real executable: `check --driver`, `replay --driver`, exit codes 0 / 1 / 2 / 3.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, expectOneLineError, lines, runCli } from '../cli/run.ts';
import { groupMembersRunning } from './procs.ts';
import { HANG_BOUND_MS } from '../bounds.ts';
import { cliArgv } from '../cli-build/cli.ts';

// Every scratch directory is removed after the file's tests: nothing is left in the temp dir.
const scratch: string[] = [];
function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  scratch.push(dir);
  return dir;
}
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('mcast-testbench check/replay --driver', () => {
  // These two run side by side: the hanging driver's run spends its 5 s timeout asleep.
  it.concurrent('the three README lines: a correct driver passes, a faulty one fails with a fixture that replay reproduces', async ({ expect }) => {
    const ok = await runCli(['check', '--driver', 'python3 examples/drivers/tun_filter.py', '--runs', '10', '--seed', '3']);
    expect(ok.code, ok.stderr).toBe(0);
    expect(lines(ok.stdout)).toHaveLength(2);

    const dir = tempDir('driver-bin-');
    const bad = await runCli(['check', '--driver', 'python3 examples/drivers/faults/truncate_silently.py', '--seed', '3', '--fixtures', dir]);
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toMatch(/^FAIL: truncate-silently: no loss: /);
    const [file] = readdirSync(dir);
    const replay = await runCli(['replay', '--driver', 'python3 examples/drivers/faults/truncate_silently.py', join(dir, file as string)]);
    expect(replay.code, replay.stderr).toBe(1);
    expect(lines(replay.stdout)[0]).toBe(`FAIL ${join(dir, file as string)}`);
  });

  it.concurrent('a hanging driver: exit 3 within the timeout, one error line naming the last request, no stack trace', async ({ expect }) => {
    // 5 s for every answer, the programs before the hung rx included: a busy machine may take
    // hundreds of ms per python answer.
    const dir = tempDir('driver-bin-');
    const r = await runCli(['check', '--driver', 'python3 test/driver/drivers/hang_on_rx.py', '--timeout', '5000', '--fixtures', dir], { timeoutMs: HANG_BOUND_MS });
    expect(r.code, r.stderr).toBe(3);
    // The first rx of a run probes the station MAC of its reset (printed in the transcript).
    const station = /"op":"reset","mac":"([0-9a-f:]{17})"/.exec(r.stdout)?.[1];
    expect(station).toBeDefined();
    // The message once, in the report on stdout; stderr names the kind only (issue 22: not twice).
    expect(r.stdout).toContain(`driver error (timeout): no answer to "rx" within 5000 ms; last request: {"op":"rx","dst":"${station}"}`);
    expect(lines(r.stderr).at(-1)).toBe('error: driver error (timeout): the driver under test misbehaved (exit 3); the DRIVER ERROR report is on stdout');
    expect(r.stderr).not.toContain('no answer to');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });

  it('usage errors: both driver forms, --timeout without a driver, a bad --timeout', async () => {
    expectOneLineError(await runCli(['check', '--driver', 'x', '--driver-module', 'y']), 2, /cannot be used with option/);
    expectOneLineError(await runCli(['check', '--timeout', '5']), 2, /--timeout: only applies with --driver or --driver-module/);
    expectOneLineError(await runCli(['check', '--driver', 'x', '--timeout', 'soon']), 2, /must be a number of milliseconds/);
    // Past 2^31 - 1 ms a Node timer fires at once: refused, not a timeout on the first request.
    expectOneLineError(await runCli(['check', '--driver', 'x', '--timeout', '3000000000']), 2, /must be a number of milliseconds from 1 to 2147483647/);
    expectOneLineError(await runCli(['check', '--driver-module', 'no/such/driver.mjs']), 2, /--driver-module: no\/such\/driver\.mjs: no such file/);
    expectOneLineError(await runCli(['check', '--driver-module', 'examples']), 2, /--driver-module: examples: not a file/);
    expectOneLineError(await runCli(['check', '--driver-module', 'x.mjs', '--profile', 'tun']), 2, /cannot be used with option '--profile/);
  });
});

describe('interrupting the testbench', () => {
  it('SIGINT to mcast-testbench kills the driver it started', async () => {
    const dir = tempDir('driver-bin-');
    const pidFile = join(dir, 'driver.pid');
    // $$ of the shell is the driver's process group id (the testbench starts it detached).
    const command = `echo $$ > ${pidFile}; exec python3 test/driver/drivers/hang_on_rx.py`;
    const child = spawn(process.execPath, cliArgv(['check', '--driver', command, '--timeout', '60000', '--fixtures', dir]), {
      cwd: ROOT,
      stdio: 'ignore',
    });
    const exited = new Promise<NodeJS.Signals | number | null>((done) => child.once('exit', (code, signal) => done(signal ?? code)));
    // Wait until the driver runs (it hangs on the first rx), then interrupt the testbench.
    const deadline = Date.now() + 30_000;
    while (!existsSync(pidFile) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    const pgid = Number(readFileSync(pidFile, 'utf8').trim());
    expect(pgid).toBeGreaterThan(1);
    // `python3` may be a launcher (a pyenv shim runs bash and pyenv before it execs the
    // interpreter): on busy cores the group held 4 processes a second after the pid file appeared,
    // and in between the shim's bash can be alone in it. Wait until the group is the one
    // interpreter, by its executable (a hang guard, not a time budget).
    const interpreterAlone = (): boolean => {
      const members = groupMembersRunning(pgid);
      if (members.length !== 1) return false;
      try {
        return /^python/.test(basename(readlinkSync(`/proc/${members[0]}/exe`)));
      } catch {
        return false;
      }
    };
    while (!interpreterAlone() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(groupMembersRunning(pgid)).toHaveLength(1);
    expect(interpreterAlone()).toBe(true);
    child.kill('SIGINT');
    // src/shutdown.ts: the driver group is ended, then the testbench exits 128 + 2.
    expect(await exited).toBe(130);
    // The group is signalled before the exit; on busy cores its last member can take a moment to
    // be reaped. A hang guard, not a time budget: it passes as soon as the group is empty.
    const gone = Date.now() + 30_000;
    while (groupMembersRunning(pgid).length > 0 && Date.now() < gone) await new Promise((r) => setTimeout(r, 100));
    expect(groupMembersRunning(pgid)).toEqual([]);
  });
});
