// check --driver / replay --driver as the CLI runs them (src/cli/commands/driver.ts): exit codes
// 0 / 1 / 3, the transcript printed, the fixture saved and replayed.
import { mkdtempSync, rmSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import type { Cli } from '../../src/cli/cli.ts';
import { driverSourceFrom } from '../../src/cli/commands/driver-options.ts';
import { runDriverCheck, runDriverReplay } from '../../src/cli/commands/driver.ts';
import { InputError } from '../../src/errors.ts';
import { expectOneLineError, runCli } from '../cli/run.ts';

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

const examples = fileURLToPath(new URL('../../examples/drivers/', import.meta.url));
const drivers = fileURLToPath(new URL('./drivers/', import.meta.url));

function captureCli(): Cli & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { stdout, stderr, out: (t) => void stdout.push(t), err: (t) => void stderr.push(t), exitCode: 0 };
}

describe('check --driver', () => {
  it('a correct driver: exit 0, contract and end to end', async () => {
    const cli = captureCli();
    const dir = tempDir('driver-cli-');
    const code = await runDriverCheck({ command: `python3 ${examples}tun_filter.py` }, { runs: 30, seed: 5, fixturesDir: dir }, cli);
    expect(cli.stdout.join('\n')).toMatch(/^ok: tun-filter.py keeps the filter contract and equals model tun \(30 runs/m);
    expect(cli.stdout.join('\n')).toMatch(/^ok: end to end, the host model with tun-filter.py as its NIC delivers as the oracle says \(15 scenarios/m);
    expect(code).toBe(0);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('a violation: exit 1, the exact transcript printed, a fixture that replay reproduces', async () => {
    const cli = captureCli();
    const dir = tempDir('driver-cli-');
    const stale = { command: `python3 ${examples}faults/stale_entries.py` };
    const code = await runDriverCheck(stale, { runs: 100, seed: 5, fixturesDir: dir }, cli);
    expect(code).toBe(1);
    const out = cli.stdout.join('\n');
    expect(out).toMatch(/^FAIL: stale-entries: history independence: /m);
    expect(out).toContain('  > {"op":"hello","protocol":1,"versions":[1,2]}');
    expect(out).toContain('  < {"name": "stale-entries", "model": null}');
    expect(out).toMatch(/^#0+ > \{"op":"reset","mac":"02:00:00:00:00:02"\}$/m);
    const files = readdirSync(dir);
    expect(files).toHaveLength(1);
    expect(files[0]).toMatch(/^driver-stale-entries-history-independence-\d+\.transcript\.jsonl$/);
    const file = join(dir, files[0] as string);
    expect(out).toContain(`fixture: ${file} (npx mcast-testbench replay --driver 'python3 ${examples}faults/stale_entries.py' ${file})`);
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    expect(JSON.parse(lines[0] as string)).toMatchObject({ schema: 'mcast-testbench/driver-transcript@1', failure: { rule: 'history independence' } });
    expect(JSON.parse(lines[1] as string)).toEqual({ send: { op: 'hello', protocol: 1, versions: [1, 2] }, got: { name: 'stale-entries', model: null } });

    // The same driver fails the replay; a correct one passes it.
    const again = captureCli();
    expect(await runDriverReplay(stale, [file], {}, again)).toBe(1);
    expect(again.stdout[0]).toBe(`FAIL ${file}`);
    expect(again.stdout[1]).toMatch(/^ {2}history independence: /);
    const fixed = captureCli();
    expect(await runDriverReplay({ module: `${examples}module/ldd3-ff.mjs` }, [file], {}, fixed)).toBe(0);
    expect(fixed.stdout).toEqual([`ok ${file}`]);
  });

  it('a second failure with the same name never overwrites the first fixture; an unwritable fixtures dir loses only the file', async () => {
    const dir = tempDir('driver-cli-');
    const stale = { command: `python3 ${examples}faults/stale_entries.py` };
    // Same driver, same seed: the same counterexample and the same base name, twice.
    expect(await runDriverCheck(stale, { runs: 100, seed: 5, fixturesDir: dir }, captureCli())).toBe(1);
    expect(await runDriverCheck(stale, { runs: 100, seed: 5, fixturesDir: dir }, captureCli())).toBe(1);
    const files = readdirSync(dir).filter((f) => !f.includes('-2.'));
    expect(files).toHaveLength(1);
    expect(readdirSync(dir).sort()).toEqual([files[0]!.replace(/\.transcript\.jsonl$/, '-2.transcript.jsonl'), files[0]]);

    // A regular file where the directory should be: mkdir fails with ENOTDIR.
    const blocked = join(dir, files[0] as string, 'sub');
    const cli = captureCli();
    expect(await runDriverCheck(stale, { runs: 100, seed: 5, fixturesDir: blocked }, cli)).toBe(1);
    expect(cli.stdout.join('\n')).toMatch(/^#0+ > \{"op":"reset","mac":"02:00:00:00:00:02"\}$/m);
    expect(cli.stdout.at(-1)).toMatch(/^\(could not save the fixture: ENOTDIR/);
  });

  it('a crashing driver: exit 3, a driver error naming the last request', async () => {
    const cli = captureCli();
    const dir = tempDir('driver-cli-');
    const code = await runDriverCheck({ command: `python3 ${drivers}crash_on_program.py 2>/dev/null` }, { runs: 5, seed: 5, fixturesDir: dir }, cli);
    expect(code).toBe(3);
    expect(cli.stdout[0]).toMatch(/^DRIVER ERROR: crash-on-program: driver error \(crash\): driver exited with status 139; last request: \{"op":"program"/);
    expect(cli.stderr.at(-1)).toMatch(/^error: driver error \(crash\)/);
  });

  it('a driver that never answers hello: exit 3', async () => {
    const cli = captureCli();
    const started = Date.now();
    const code = await runDriverCheck({ command: 'sleep 30' }, { runs: 5, startupTimeoutMs: 200, fixturesDir: tmpdir() }, cli);
    expect(code).toBe(3);
    expect(cli.stdout[0]).toBe('DRIVER ERROR: driver error (timeout): no answer to "hello" within 200 ms; last request: {"op":"hello","protocol":1,"versions":[1,2]}');
    // 200 ms, then SIGTERM: the testbench does not wait for the 30 s sleep (20 s leaves a busy
    // machine room to spawn and reap, and still fails a wait for the sleep).
    expect(Date.now() - started).toBeLessThan(20_000);
  });
});

describe('options and fixtures', () => {
  it('--driver and --driver-module together, or --timeout alone, are usage errors', () => {
    expect(() => driverSourceFrom({ driver: 'x', driverModule: 'y' })).toThrow(InputError);
    expect(() => driverSourceFrom({ timeout: 5 })).toThrow(/--timeout: only applies with --driver/);
    expect(driverSourceFrom({})).toBeNull();
    expect(driverSourceFrom({ driver: './d --fast' })).toEqual({ command: './d --fast' });
  });

  it('a scenario file given to replay --driver is named as such; replay without --driver names a transcript', async () => {
    const scenario = fileURLToPath(new URL('../../fixtures/kernel-fact-join-unicast-einval.json', import.meta.url));
    await expect(runDriverReplay({ command: 'true' }, [scenario], {}, captureCli())).rejects.toThrow(
      `${scenario}: is a "mcast-testbench/scenario@1" file, not a driver transcript (mcast-testbench/driver-transcript@1 JSON lines)`,
    );
    const dir = tempDir('driver-cli-');
    const transcript = join(dir, 'x.transcript.jsonl');
    writeFileSync(transcript, '{"schema":"mcast-testbench/driver-transcript@1"}\n');
    const r = await runCli(['replay', transcript]);
    expectOneLineError(r, 2, /x\.transcript\.jsonl: JSON lines, not a scenario: a driver transcript is replayed with --driver CMD/);
  });

  it('a fixture that is not a driver transcript is an InputError naming the line', async () => {
    const dir = tempDir('driver-cli-');
    const file = join(dir, 'bad.transcript.jsonl');
    writeFileSync(file, '{"schema":"mcast-testbench/driver-transcript@1"}\n{"send":{"op":"rx","dst":"nope"},"got":null}\n');
    await expect(runDriverReplay({ command: 'true' }, [file], {}, captureCli())).rejects.toThrow(`${file}:2#/send: rx needs "dst", a MAC address`);
  });
});
