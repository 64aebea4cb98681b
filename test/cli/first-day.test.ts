// The small things a driver engineer hit on the first day (issue 22, point 7), each as the CLI
// shows it: a typo gets a suggestion, an unquoted driver command a hint, --jobs one default,
// replay --driver a folder, and a driver error its message once.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { expectOneLineError, runCli } from './run.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('first day', () => {
  it('a profile-name typo gets "did you mean", a parameterised one the family with its parameter', async () => {
    expectOneLineError(await runCli(['check', '--profile', 'hash46']), 2, /unknown NIC profile "hash46" \(did you mean "hash64"\?\)/);
    expectOneLineError(await runCli(['check', '--profile', 'e1001:0']), 2, /unknown NIC profile "e1001:0" \(did you mean "e1000:N"\?\)/);
    const far = await runCli(['check', '--profile', 'zzz']);
    expect(far.stderr).not.toContain('did you mean');
  });

  it('--driver python3 x.py unquoted: the usage error says to quote the whole command', async () => {
    expectOneLineError(await runCli(['check', '--driver', 'python3', 'my_driver.py', '--runs', '5']), 2, /too many arguments.*quote the driver's whole command: --driver 'python3 my_driver\.py'/);
  });

  it('check --help shows the default of --jobs once', async () => {
    const help = (await runCli(['check', '--help'])).stdout.replace(/\s+/g, ' ');
    const jobs = help.slice(help.indexOf('--jobs'), help.indexOf('--html'));
    expect(jobs.match(/default/g)).toHaveLength(1);
  });

  it('replay --driver takes a folder of transcripts; a folder without any is exit 2 naming it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-first-day-'));
    dirs.push(dir);
    const failing = await runCli(['check', '--driver', 'python3 examples/drivers/faults/stale_entries.py', '--runs', '100', '--seed', '1', '--fixtures', dir]);
    expect(failing.code).toBe(1);
    const again = await runCli(['replay', '--driver', 'python3 examples/drivers/faults/stale_entries.py', dir]);
    expect(again.code).toBe(1);
    expect(again.stdout).toMatch(/^FAIL .*driver-stale-entries-.*\.transcript\.jsonl$/m);
    const fixed = await runCli(['replay', '--driver', 'python3 examples/drivers/exact_strict.py', dir]);
    expect(fixed.stdout).toMatch(/^ok .*\.transcript\.jsonl$/m);
    expectOneLineError(await runCli(['replay', '--driver', 'python3 examples/drivers/exact_strict.py', 'src']), 2, /error: src: a folder with no driver transcript/);
  });

  it('a driver error: its message once (stdout), stderr names the kind; debug text on stdout gets the stderr tip', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-first-day-'));
    dirs.push(dir);
    // Its transcript goes to a scratch folder: fixtures/ is watched by other test files meanwhile.
    const r = await runCli(['check', '--driver', 'python3 test/driver/drivers/chatty.py', '--runs', '3', '--fixtures', dir]);
    expect(r.code).toBe(3);
    const both = `${r.stdout}\n${r.stderr}`;
    expect(both.match(/rx answer must be/g)).toHaveLength(1);
    expect(r.stdout).toContain('a driver logs to stderr');
    expect(r.stderr.trim().split('\n').at(-1)).toBe('error: driver error (protocol): the driver under test misbehaved (exit 3); the DRIVER ERROR report is on stdout');
  });
});

describe('a scenario with several bad fields', () => {
  it('names them all in one run (one line, the first pointer first)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-first-day-'));
    dirs.push(dir);
    const file = join(dir, 'bad.json');
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'mcast-testbench/scenario@1',
        interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', nic: 'tun' }],
        steps: [
          { op: 'open', socket: 's', family: 'ipv5', bind: '0.0.0.0', port: 0 },
          { op: 'join', socket: 's', group: 1, iface: 'eth0' },
        ],
      }),
    );
    const r = await runCli(['simulate', file]);
    expectOneLineError(r, 2, /\/steps\/0\/family: must be one of "ipv4", "ipv6", got "ipv5"; also \/steps\/0\/port: must be at least 1, got 0; \/steps\/1\/group: must be a string, got 1\n?$/);
  });
});
