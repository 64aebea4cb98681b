// runCheck: the failure report (steps one per line, replay line, fixture), replay by seed and
// path, and typed input errors.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { StepCommand, ViolationError, modelRunSetup, stepsOfCommands } from '../../src/check/commands.ts';
import { runCheck } from '../../src/check/runner.ts';
import { profileSeed } from '../../src/check/units.ts';
import { builtinProfileNames } from '../../src/profiles/registry.ts';
import { StepValidity } from '../../src/check/validity.ts';
import { InputError } from '../../src/errors.ts';
import { type FaultName, NO_FAULTS } from '../../src/faults.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import type { Step } from '../../src/scenario/types.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mcast-runner-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('runCheck', () => {
  it('reports, logs and saves a failure, and replays it from seed and path', async () => {
    const faults = new Set<FaultName>(['sticky-allmulti']);
    const lines: string[] = [];
    const dir = join(tmp, 'a');
    const outcome = await runCheck({ profiles: ['ldd3-ff:4'], runs: 100, seed: 7, faults, fixturesDir: dir, log: (l) => lines.push(l), progress: () => {} });
    expect(outcome.ok).toBe(false);
    const f = outcome.failures[0];
    expect(f).toBeDefined();
    if (!f) return;
    const text = lines.join('\n');
    // One JSON step per line, exactly the failure's steps.
    for (const s of f.steps) expect(lines).toContain(`  ${JSON.stringify(s)}`);
    expect(text).toContain(`replay: mcast-testbench check --profile ldd3-ff:4 --seed 7 --path `);
    expect(text).toContain(`fixture: ${f.fixture}`);
    const saved = loadScenarioFile(f.fixture as string);
    expect(saved.interfaces.every((i) => i.nic === 'ldd3-ff:4')).toBe(true);
    expect(saved.meta).toMatchObject({ profile: 'ldd3-ff:4', property: f.property, seed: 7, path: f.path, faults: ['sticky-allmulti'] });
    expect(saved.observed?.steps).toHaveLength(f.steps.length);
    expect(saved.expect?.steps).toHaveLength(f.steps.length);

    const again = await runCheck({ profiles: ['ldd3-ff:4'], runs: 100, seed: 7, path: f.path, faults, fixturesDir: join(tmp, 'b'), log: () => {}, progress: () => {} });
    expect(again.failures).toHaveLength(1);
    expect(again.failures[0]?.property).toBe(f.property);
    expect(again.failures[0]?.steps).toEqual(f.steps);
  });

  it('passes a small run without faults and writes no fixture', async () => {
    const lines: string[] = [];
    const outcome = await runCheck({ profiles: ['accept-all'], runs: 20, seed: 3, faults: NO_FAULTS, fixturesDir: join(tmp, 'none'), log: (l) => lines.push(l), progress: () => {} });
    expect(outcome).toMatchObject({ ok: true, failures: [], seed: 3 });
    // model, scenario and route (src/check/properties.ts propertiesFor).
    expect(lines.filter((l) => l.startsWith('ok   accept-all'))).toHaveLength(3);
  });

  it('derives a distinct seed per profile, and --seed S --profile P alone reproduces P\'s failure of a multi-profile run', async () => {
    for (const seed of [0, 1, 7, -5, 2147483647]) {
      const seeds = builtinProfileNames().map((p) => profileSeed(seed, p));
      expect(new Set(seeds).size).toBe(seeds.length);
      expect(seeds.every((s) => Number.isSafeInteger(s) && s >= -(2 ** 31) && s < 2 ** 31)).toBe(true);
    }
    expect(profileSeed(1, 'tun')).not.toBe(profileSeed(2, 'tun'));
    const faults = new Set<FaultName>(['ipv4-map-24bit']);
    const lines: string[] = [];
    const both = await runCheck({ profiles: ['accept-all', 'hash64'], runs: 100, seed: 11, faults, fixturesDir: join(tmp, 'ps'), log: (l) => lines.push(l), progress: () => {} });
    const onHash = both.failures.filter((f) => f.profile === 'hash64');
    expect(onHash.length).toBeGreaterThan(0);
    expect(onHash[0]?.profileSeed).toBe(profileSeed(11, 'hash64'));
    expect(lines.join('\n')).toContain(`seed 11, profile seed ${profileSeed(11, 'hash64')}`);
    const alone = await runCheck({ profiles: ['hash64'], runs: 100, seed: 11, faults, fixturesDir: join(tmp, 'ps1'), log: () => {}, progress: () => {} });
    expect(alone.failures.map((f) => [f.property, f.steps])).toEqual(onHash.map((f) => [f.property, f.steps]));
  });

  it('rejects bad input with InputErrors naming it', async () => {
    const base = { runs: 10, seed: 1, faults: NO_FAULTS, fixturesDir: join(tmp, 'x'), log: () => {}, progress: () => {} };
    await expect(runCheck({ ...base, profiles: ['e9999'] })).rejects.toBeInstanceOf(InputError);
    await expect(runCheck({ ...base, profiles: [], path: 'nonsense' })).rejects.toThrow(/^--path: "nonsense": unknown property/);
    await expect(runCheck({ ...base, profiles: [], path: 'model~1:2', seed: undefined })).rejects.toThrow(/--seed/);
    await expect(runCheck({ ...base, profiles: [], runs: 0 })).rejects.toBeInstanceOf(InputError);
  });
});

describe('commands', () => {
  const open: Step = { op: 'open', socket: 'v4a', family: 'ipv4', bind: '0.0.0.0', port: 5000 };

  it('a command prints its step as scenario JSON', () => {
    expect(new StepCommand(open).toString()).toBe('{"op":"open","socket":"v4a","family":"ipv4","bind":"0.0.0.0","port":5000}');
  });

  it('check() rejects what static validation would: reopen while open, other-family join, repeated ids', () => {
    const validity = new StepValidity();
    const model = { validity } as Parameters<StepCommand['check']>[0];
    expect(new StepCommand(open).check(model)).toBe(true);
    validity.record(open);
    expect(new StepCommand(open).check(model)).toBe(false);
    expect(new StepCommand({ op: 'join', socket: 'v4a', group: 'ff02::1', iface: 'eth0' }).check(model)).toBe(false);
    expect(new StepCommand({ op: 'join', socket: 'v4a', group: '224.1.1.1', iface: 'eth0' }).check(model)).toBe(true);
    const frame: Step = { op: 'frame', id: 'f1', iface: 'eth0', dst: 'ff:ff:ff:ff:ff:ff' };
    validity.record(frame);
    expect(new StepCommand(frame).check(model)).toBe(false);
    validity.record({ op: 'close', socket: 'v4a' });
    expect(new StepCommand(open).check(model)).toBe(true);
  });

  it('stepsOfCommands keeps the steps modelRun would run', () => {
    const cmds = [open, open, { op: 'close', socket: 'v4a' } as Step, open].map((s) => new StepCommand(s));
    expect(stepsOfCommands(cmds)).toEqual([open, { op: 'close', socket: 'v4a' }, open]);
  });

  it('modelRun throws a ViolationError at the first broken invariant', () => {
    const ifs = [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], disableIpv6: true }];
    const cmds = [
      open,
      { op: 'join', socket: 'v4a', group: '224.1.1.1', iface: 'eth0' },
      { op: 'leave', socket: 'v4a', group: '224.1.1.1', iface: 'eth0' },
    ].map((s) => new StepCommand(s as Step));
    expect(() => fc.modelRun(modelRunSetup(ifs, {}), cmds)).not.toThrow();
    const faulty = modelRunSetup(ifs, { faults: new Set<FaultName>(['refcount-not-decremented']) });
    expect(() => fc.modelRun(faulty, cmds)).toThrow(ViolationError);
    expect(() => fc.modelRun(faulty, cmds)).toThrow(/step 2 .*"op":"leave"/);
  });
});
