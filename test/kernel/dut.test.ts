// `kernel diff --dut`: the device-under-test backend on a veth pair that the test creates in its
// own namespace (the DUT end and its peer). veth has no receive filter, so judged against
// accept-all it agrees; judged against a strict 4-entry table it takes frames the table must
// not, and the difference is reported. Afterwards the DUT holds exactly what it held before.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { HANG_BOUND_MS } from '../bounds.ts';
import { cliArgv } from '../cli-build/cli.ts';

const skipReason = kernelModeUnavailable();
if (skipReason !== null) console.warn(`SKIP kernel diff --dut: ${skipReason}`);

const NS = `mtb-dut-test-${process.pid}`;

function sh(args: string[]): string {
  const r = spawnSync(args[0] as string, args.slice(1), { encoding: 'utf8', timeout: HANG_BOUND_MS });
  if (r.status !== 0) throw new Error(`${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What the DUT holds: dev->mc with users and global use, and its flags and counters. */
function dutState(): string {
  const mc = sh(['ip', 'netns', 'exec', NS, 'cat', '/proc/net/dev_mcast'])
    .split('\n')
    .filter((l) => l.trim().split(/\s+/)[1] === 'd0');
  const link = JSON.parse(sh(['ip', '-n', NS, '-d', '-j', 'link', 'show', 'd0'])) as { flags: string[]; promiscuity: number; allmulti: number }[];
  return JSON.stringify({ mc, flags: link[0]?.flags, promiscuity: link[0]?.promiscuity, allmulti: link[0]?.allmulti });
}

function diffOnDut(profile: string, fixtures: string): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(
    'ip',
    ['netns', 'exec', NS, process.execPath, ...cliArgv(['kernel', 'diff', '--dut', 'd0', '--peer', 'p0', '--profile', profile, '--runs', '25', '--seed', '7', '--max-steps', '12', '--fixtures', fixtures])],
    { encoding: 'utf8', timeout: HANG_BOUND_MS },
  );
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe.skipIf(skipReason !== null)('kernel diff --dut (a veth pair as the DUT and its peer)', () => {
  const fixtures = mkdtempSync(join(tmpdir(), 'mtb-dut-'));
  beforeAll(() => {
    sh(['ip', 'netns', 'add', NS]);
    sh(['ip', '-n', NS, 'link', 'add', 'p0', 'type', 'veth', 'peer', 'name', 'd0']);
    sh(['ip', '-n', NS, 'link', 'set', 'p0', 'up']);
    sh(['ip', '-n', NS, 'link', 'set', 'd0', 'up']);
    sh(['ip', '-n', NS, 'addr', 'add', '10.99.0.2/24', 'dev', 'd0']);
  });
  afterAll(() => {
    spawnSync('ip', ['netns', 'del', NS]);
    rmSync(fixtures, { recursive: true, force: true });
  });

  it('judged against accept-all, the veth agrees; the DUT holds what it held before', () => {
    const before = dutState();
    const r = diffOnDut('accept-all', fixtures);
    expect(r.stdout).toContain('scenarios: 0 differences');
    expect(r.code).toBe(0);
    expect(dutState()).toBe(before);
  }, HANG_BOUND_MS);

  it('judged against a strict 4-entry table, the veth takes frames the table must not: a difference, exit 1', () => {
    const before = dutState();
    const r = diffOnDut('exact-strict:4', fixtures);
    expect(r.stdout).toContain('DIFFERENCE');
    expect(r.stdout).toMatch(/delivery \S+: expected the NIC to accept it, it dropped it/);
    expect(r.code).toBe(1);
    expect(dutState()).toBe(before);
  }, HANG_BOUND_MS);

  it('a --dut without --peer is refused before anything runs', () => {
    const r = spawnSync(process.execPath, cliArgv(['kernel', 'diff', '--dut', 'd0']), { encoding: 'utf8' });
    expect(r.stderr).toContain('--dut needs --peer and --profile');
    expect(r.status).toBe(2);
  });
});
