// `mcast-testbench kernel …` argument and input errors: checked before anything touches the
// kernel, so these run everywhere (no root).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kernelFeatureMissing } from '../../src/kernel/features.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { afterAll, describe, expect, it } from 'vitest';
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


function run(args: string[], options: { timeoutMs?: number; env?: NodeJS.ProcessEnv } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, cliArgv(args), { encoding: 'utf8', timeout: options.timeoutMs ?? HANG_BOUND_MS, ...(options.env ? { env: options.env } : {}) });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('mcast-testbench kernel (inputs)', () => {
  it('lists run, diff and tap', () => {
    const r = run(['kernel', '--help']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/\brun\b/);
    expect(r.stdout).toMatch(/\bdiff\b/);
    expect(r.stdout).toMatch(/\btap\b/);
    expect(r.stdout).toMatch(/\broute\b/);
  });

  it('kernel run refuses a routing scenario (exit 2, names the step and kernel route) instead of skipping its steps', () => {
    const file = fileURLToPath(new URL('../../fixtures/kernel-fact-route-ttl-threshold.json', import.meta.url));
    const r = run(['kernel', 'run', file]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('/steps/1');
    expect(r.stderr).toContain('kernel route');
  });

  it('kernel route: bad --runs is exit 2 before anything runs', () => {
    const r = run(['kernel', 'route', '--runs', '0']);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('a scenario that does not parse: exit 2, one line naming the JSON pointer, no stack', () => {
    const dir = tempDir('mtb-kernel-cli-');
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ schema: 'mcast-testbench/scenario@1', interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01' }], steps: [{ op: 'join', socket: 'a', group: '224.1.1', iface: 'eth0' }] }));
    const r = run(['kernel', 'run', file]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('/steps/0');
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  it('tap --save never overwrites known answers, and says so before the run', () => {
    const file = join(tempDir('mtb-kernel-cli-'), 'vectors.json');
    writeFileSync(file, 'known answers\n');
    const r = run(['kernel', 'tap', '--save', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toBe(`error: ${file}: exists, not overwritten\n`);
    expect(r.stdout).toBe('');
    expect(readFileSync(file, 'utf8')).toBe('known answers\n');
  });

  it('bad numbers are usage errors (exit 2)', () => {
    expect(run(['kernel', 'diff', '--runs', '0']).code).toBe(2);
    expect(run(['kernel', 'diff', '--seed', 'x']).code).toBe(2);
    expect(run(['kernel', 'tap', '--programs', '-3']).code).toBe(2);
    expect(run(['kernel', 'diff', '--inject-fault', 'no-such-fault']).code).toBe(2);
  });
});

const skipReason = kernelModeUnavailable();
describe.skipIf(skipReason !== null)('mcast-testbench kernel run (live kernel, resource limits)', () => {
  it('more sockets than the fd limit: one line, exit 2, no namespace left', () => {
    const dir = tempDir('mtb-kernel-cli-');
    const file = join(dir, 'sockets.json');
    // 300 sockets under `ulimit -n 200`: the run must run out of descriptors.
    const steps = Array.from({ length: 300 }, (_, i) => ({ op: 'open', socket: `s${i}`, family: 'ipv4', bind: '0.0.0.0', port: 5000 }));
    writeFileSync(file, JSON.stringify({ schema: 'mcast-testbench/scenario@1', interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02' }], steps }));
    const r = spawnSync('sh', ['-c', 'ulimit -n 200; exec "$0" "$@"', process.execPath, ...cliArgv(['kernel', 'run', file])], { encoding: 'utf8', timeout: HANG_BOUND_MS });
    expect(r.status, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^error: kernel environment: EMFILE: .*ulimit -n\)\n$/);
    // exec: the shell's pid is the testbench's, which names its namespaces mtb-<pid>-<n>.
    const left = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout.split('\n').filter((l) => l.startsWith(`mtb-${r.pid}-`));
    expect(left).toEqual([]);
  });
});

// `kernel route` on a live kernel or in the QEMU guest: test/kernel/route-cli.test.ts (the guest phase).
const routeSkip = kernelModeUnavailable() ?? kernelFeatureMissing('ip_mroute', 'ip6_mroute');

// Where neither this kernel nor a guest can route, `kernel route` says so in one line with exit 69
// (EX_UNAVAILABLE), never an internal error (exit 70): an empty guest cache stands for "no guest".
const noRouting = kernelModeUnavailable() === null && routeSkip !== null;
if (kernelModeUnavailable() === null && !noRouting) console.log('SKIP kernel route without IP_MROUTE: this kernel has multicast routing');
describe.skipIf(!noRouting)('mcast-testbench kernel route on a kernel without multicast routing and no guest', () => {
  it('exits 69 with one line naming the missing kernel option and why no guest', () => {
    const cache = tempDir('mtb-nocache-');
    const r = run(['kernel', 'route', '--runs', '5', '--seed', '7'], { env: { ...process.env, MCAST_TESTBENCH_CACHE: cache } });
    expect(r.code).toBe(69);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^error: cannot run here: this kernel has no IPv(4|6) multicast routing \(CONFIG_IPV?6?_MROUTE\): MRT6?_INIT: ENOPROTOOPT; no guest either: guest: .+ \(run: .*guest-setup\.sh\)$/);
  });
  it('--guest without a guest: exit 69, one line', () => {
    const cache = tempDir('mtb-nocache-');
    const r = run(['kernel', 'route', '--guest', '--runs', '5'], { env: { ...process.env, MCAST_TESTBENCH_CACHE: cache } });
    expect(r.code).toBe(69);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr.trim()).toMatch(/^error: cannot run here: no guest: guest: .+ \(run: .*guest-setup\.sh\)$/);
  });
});

// `kernel stacked` falls back the same way; where neither this kernel nor a guest has the drivers,
// exit 69 with both reasons (its guest run is test/kernel/stacked-differential.test.ts's script).
const noStacked = kernelModeUnavailable() === null && kernelFeatureMissing('8021q') !== null;
describe.skipIf(!noStacked)('mcast-testbench kernel stacked on a kernel without 8021q and no guest', () => {
  it('exits 69 with one line naming the missing driver and why no guest', () => {
    const cache = tempDir('mtb-nocache-');
    const r = run(['kernel', 'stacked', '--kind', 'vlan'], { env: { ...process.env, MCAST_TESTBENCH_CACHE: cache } });
    expect(r.code).toBe(69);
    expect(r.stdout).toBe('');
    expect(r.stderr.trim()).toMatch(/^error: cannot run here: this kernel has no VLAN devices \(CONFIG_VLAN_8021Q\): .+; no guest either: guest: .+ \(run: .*guest-setup\.sh\)$/);
  });
});
