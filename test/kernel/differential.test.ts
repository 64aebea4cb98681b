// The kernel differential, bounded for CI: the runner against verified Linux facts, 200 generated
// scenarios against the model, 200 tap TX filter programs against the tun profile, a faulty model
// caught, and cleanup after SIGTERM. Needs root, iproute2 and /dev/net/tun; elsewhere every test
// is skipped with one visible SKIP line.
import { spawn, spawnSync } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { kernelFeatureMissing } from '../../src/kernel/features.ts';
import { NetnsBackend } from '../../src/kernel/netns-backend.ts';
import { ownedNamespaces } from '../../src/sys/netns.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { runTapDiff } from '../../src/kernel/tap-diff.ts';
import { runLiveDiff } from '../../src/live/diff.ts';
import type { Scenario, Step } from '../../src/scenario/types.ts';
import { HANG_BOUND_MS } from '../bounds.ts';
import { cliArgv } from '../cli-build/cli.ts';

const skipReason = kernelModeUnavailable() ?? kernelFeatureMissing('macvlan');
if (skipReason !== null) console.warn(`SKIP kernel differential: ${skipReason}`);

const RUNS = 200;
const TAP_PROGRAMS = 200;
const SEED = Number(process.env['MTB_KERNEL_SEED'] ?? Date.now() % 0x7fffffff);

function scenario(steps: Step[]): Scenario {
  return {
    schema: 'mcast-testbench/scenario@1',
    interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], ipv6: ['2001:db8::2/64'] }],
    steps,
  };
}
const open4 = (socket: string, bind = '0.0.0.0', port = 5000): Step => ({ op: 'open', socket, family: 'ipv4', bind, port });
const join = (socket: string, group: string): Step => ({ op: 'join', socket, group, iface: 'eth0' });

function namespacesOf(pid: number): string[] {
  const out = spawnSync('ip', ['netns', 'list'], { encoding: 'utf8' }).stdout;
  return out.split('\n').map((l) => l.split(' ')[0] ?? '').filter((n) => n.startsWith(`mtb-${pid}-`));
}

describe.skipIf(skipReason !== null)('kernel differential (live Linux kernel)', () => {
  const backend = skipReason === null ? new NetnsBackend() : undefined;
  const bench = backend?.bench;
  afterAll(async () => {
    await backend?.dispose();
    expect(ownedNamespaces()).toEqual([]);
  });

  it('a fresh interface: ff02::1, 224.0.0.1 and one shared solicited-node group', () => {
    // 02:00:00:00:00:02 -> EUI-64 link-local fe80::ff:fe00:2 (first octet 02 ^ 02 = 00); its low
    // 24 bits 00:00:02 equal those of 2001:db8::2, so both use ff02::1:ff00:2 -> 33:33:ff:00:00:02
    // once. ff02::1 -> 33:33:00:00:00:01; 224.0.0.1 -> 01:00:5e:00:00:01.
    const r = bench!.run(scenario([]));
    expect(r.interfaces['eth0']?.mc).toEqual([
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '33:33:ff:00:00:02', users: 1 },
    ]);
    expect([r.interfaces['eth0']?.promisc, r.interfaces['eth0']?.allmulti]).toEqual([0, 0]);
  });

  it('verified facts: shared MACs, errnos, the 21st membership, wildcard delivery', () => {
    const groups21 = Array.from({ length: 21 }, (_, i) => `239.3.0.${i + 1}`);
    const r = bench!.run(
      scenario([
        open4('a'),
        open4('b'),
        join('a', '224.1.1.1'),
        join('b', '225.1.1.1'),
        join('a', '239.0.0.1'),
        join('a', '10.1.2.3'),
        join('a', '224.1.1.1'),
        { op: 'leave', socket: 'b', group: '224.9.9.9', iface: 'eth0' },
        open4('w'),
        { op: 'send', id: 'to-224.1.1.1', iface: 'eth0', src: '10.99.0.1', dst: '224.1.1.1', port: 5000 },
        { op: 'send', id: 'to-unjoined', iface: 'eth0', src: '10.99.0.1', dst: '239.9.9.9', port: 5000 },
        { op: 'frame', id: 'raw', iface: 'eth0', dst: '01:00:5e:00:00:09' },
        open4('c', '0.0.0.0', 5001),
        ...groups21.map((g) => join('c', g)),
      ]),
    );
    const errors = r.steps.map((s) => s.error);
    expect(errors.slice(0, 8)).toEqual([null, null, null, null, null, 'EINVAL', 'EADDRINUSE', 'EADDRNOTAVAIL']);
    // igmp_max_memberships = 20: the 21st join of one socket gives ENOBUFS.
    expect(errors.slice(13)).toEqual([...Array(20).fill(null), 'ENOBUFS']);
    const mc = new Map(r.interfaces['eth0']!.mc.map((e) => [e.mac, e.users]));
    expect(mc.get('01:00:5e:01:01:01')).toBe(2); // 224.1.1.1 and 225.1.1.1
    expect(mc.get('01:00:5e:00:00:01')).toBe(2); // 224.0.0.1 (kernel) and 239.0.0.1
    // Every socket on port 5000 bound to 0.0.0.0 gets a group that any socket joined.
    expect(r.deliveries['to-224.1.1.1']).toEqual({ nic: true, sockets: ['a', 'b', 'w'] });
    expect(r.deliveries['to-unjoined']).toEqual({ nic: true, sockets: [] });
    expect(r.deliveries['raw']).toEqual({ nic: true, sockets: [] });
  });

  it('60 sends in a row: every joined datagram arrives, no unjoined one does (barriers, not timeouts)', () => {
    const steps: Step[] = [open4('a'), open4('w'), join('a', '224.1.1.1'), { op: 'open', socket: 'v6', family: 'ipv6', bind: '::', port: 5000 }, { op: 'join', socket: 'v6', group: 'ff05::1:3', iface: 'eth0' }];
    for (let i = 0; i < 20; i++) {
      // 225.1.1.1 has 224.1.1.1's MAC (low 23 bits 0x010101) but no member: the IP layer drops it.
      steps.push({ op: 'send', id: `in-${i}`, iface: 'eth0', src: '10.99.0.1', dst: '224.1.1.1', port: 5000 });
      steps.push({ op: 'send', id: `out-${i}`, iface: 'eth0', src: '10.99.0.1', dst: '225.1.1.1', port: 5000 });
      steps.push({ op: 'send', id: `v6-${i}`, iface: 'eth0', src: '2001:db8::aa', dst: 'ff05::1:3', port: 5000 });
    }
    const r = bench!.run(scenario(steps));
    for (let i = 0; i < 20; i++) {
      expect(r.deliveries[`in-${i}`]?.sockets).toEqual(['a', 'w']);
      expect(r.deliveries[`out-${i}`]?.sockets).toEqual([]);
      expect(r.deliveries[`v6-${i}`]?.sockets).toEqual(['v6']);
    }
  });

  it(`${RUNS} generated scenarios: the model agrees with the kernel (seed ${SEED})`, async () => {
    const report = await runLiveDiff(backend!, { runs: RUNS, seed: SEED });
    const d = report.difference;
    expect(d ? `seed ${SEED}: ${d.differences.join('; ')} in ${JSON.stringify(d.scenario)}` : 'no difference').toBe('no difference');
    expect(report.runs).toBe(RUNS);
  }, HANG_BOUND_MS);

  it(`${TAP_PROGRAMS} tap TX filter programs: the tun profile agrees on every probe (seed ${SEED})`, async () => {
    const report = await runTapDiff({ programs: TAP_PROGRAMS, seed: SEED });
    expect(report.mismatches.map((m) => `${m.mac}: kernel ${m.kernel}, model ${m.model}`)).toEqual([]);
    expect(report.probes).toBeGreaterThan(TAP_PROGRAMS * 8);
  }, HANG_BOUND_MS);

  it('a model with a known fault differs from the kernel, shrunk to no steps at all', async () => {
    const report = await runLiveDiff(backend!, { runs: 20, seed: 1, maxSteps: 4, faults: new Set(['no-solicited-node'] as const) });
    expect(report.difference?.scenario.steps).toEqual([]);
    expect(report.difference?.differences.some((l) => l.includes('33:33:ff:'))).toBe(true);
  }, HANG_BOUND_MS);

  it('SIGTERM or SIGINT in the middle of a run leaves no mtb- namespace behind', async () => {
    const runs: [NodeJS.Signals, number, string[], RegExp][] = [
      ['SIGTERM', 15, ['kernel', 'diff', '--runs', '100000', '--tap-programs', '0', '--fixtures', '/tmp/mtb-never-written'], /^kernel diff: namespaces ready/m],
      ['SIGTERM', 15, ['kernel', 'tap', '--programs', '20000'], /^kernel tap: tap ready/m],
      ['SIGINT', 2, ['kernel', 'diff', '--runs', '100000', '--tap-programs', '0', '--fixtures', '/tmp/mtb-never-written'], /^kernel diff: namespaces ready/m],
    ];
    for (const [signal, number, args, ready] of runs) {
      const child = spawn(process.execPath, cliArgv(args), { stdio: ['ignore', 'ignore', 'pipe'] });
      const pid = child.pid!;
      const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
      // Waits for the line the run prints once its namespaces exist (no fixed time: on two busy
      // cores setting up may take long; the test's own timeout bounds it).
      let stderr = '';
      await new Promise<void>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
          stderr += chunk;
          if (ready.test(stderr)) resolve();
        });
        void exited.then((code) => reject(new Error(`exited ${code} before ${ready}: ${stderr}`)));
      });
      expect(namespacesOf(pid).length).toBeGreaterThan(0);
      child.kill(signal);
      expect(await exited).toBe(128 + number);
      expect(namespacesOf(pid)).toEqual([]);
    }
    const links = spawnSync('ip', ['-o', 'link', 'show'], { encoding: 'utf8' }).stdout;
    expect(links).not.toMatch(/mtbp\d|mtbtap/);
  }, HANG_BOUND_MS);
});
