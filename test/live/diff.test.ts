// The live core against in-process backends: a faithful one (the model itself), a faulty one
// (the model with a fault: found, shrunk on the backend, saved), a blind one and a broken one.
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FaultSet } from '../../src/faults.ts';
import type { Blindness, LiveBackend } from '../../src/live/backend.ts';
import { mayDeliveries, withoutBlind } from '../../src/live/blindness.ts';
import { runLiveDiff } from '../../src/live/diff.ts';
import { LiveBackendError } from '../../src/live/errors.ts';
import type { Scenario, SimulateResult } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import fc from 'fast-check';
import { scenarioArbitrary } from '../../src/check/arbitraries.ts';
import { withProbeSends } from '../../src/live/probe-sends.ts';

class ModelBackend implements LiveBackend {
  readonly label: string;
  readonly profile: string = 'accept-all';
  readonly observer = 'fake';
  ran = 0;
  disposed = false;
  constructor(
    readonly blind: Blindness,
    private readonly faults: FaultSet = new Set(),
    private readonly failOn?: number,
  ) {
    this.label = `model${faults.size > 0 ? ` with ${[...faults].join(', ')}` : ''}`;
  }
  async run(scenario: Scenario): Promise<SimulateResult> {
    if (this.ran++ === this.failOn) throw new Error('the wire came loose');
    return simulate(scenario, { profile: this.profile, faults: this.faults });
  }
  async dispose(): Promise<void> {
    this.disposed = true;
  }
}

const SEES_ALL: Blindness = { nicState: false, listOrder: false };
const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('runLiveDiff', () => {
  it('a backend that behaves like the model: no difference, every run counted', async () => {
    const backend = new ModelBackend(SEES_ALL);
    const report = await runLiveDiff(backend, { runs: 30, seed: 7, maxSteps: 8 });
    expect(report).toMatchObject({ label: 'model', runs: 30, seed: 7 });
    expect(report.difference).toBeUndefined();
    expect(backend.ran).toBe(30);
    expect(backend.disposed).toBe(false);
  });

  it('a backend with a fault: the difference is shrunk on the backend, reported side by side and saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-live-'));
    dirs.push(dir);
    const backend = new ModelBackend(SEES_ALL, new Set(['no-solicited-node'] as const));
    const report = await runLiveDiff(backend, {
      runs: 20,
      seed: 1,
      maxSteps: 4,
      fixture: (seed) => ({ dir, name: `live-${seed}`, describe: (first) => `fake: ${first}`, meta: { source: 'test' } }),
    });
    const d = report.difference!;
    expect(d.scenario.steps).toEqual([]);
    expect(d.differences.some((l) => l.includes('33:33:ff:'))).toBe(true);
    // Shrinking re-ran candidates on the backend, besides the generated runs and the final re-run.
    expect(backend.ran).toBeGreaterThan(report.runs + 1);
    expect(d.sideBySide.split('\n')[0]).toMatch(/fake\s+model$/);
    expect(d.sideBySide).toMatch(/33:33:ff:\S+\s+-\s+\* users 1/);
    expect(readdirSync(dir)).toEqual(['live-1.json']);
    const saved = JSON.parse(readFileSync(d.savedTo!, 'utf8')) as { description: string; meta: Record<string, unknown> };
    expect(saved.description).toBe(`fake: ${d.differences[0]}`);
    expect(saved.meta).toMatchObject({ source: 'test', seed: 1, differences: d.differences });
  });

  it('what the backend is blind to is compared on neither side', async () => {
    const blind: Blindness = { nicState: true, listOrder: true, unobservable: () => 'no verdict here' };
    // every NIC verdict unobservable and the nic state unread: a model that drops every frame agrees
    const result: SimulateResult = {
      steps: [{ op: 'frame', error: null }],
      interfaces: { eth0: { mc: [{ mac: '33:33:00:00:00:01', users: 1 }, { mac: '01:00:5e:00:00:01', users: 1 }], promisc: 0, allmulti: 0, nic: { any: 1 } } },
      deliveries: { f: { nic: false, sockets: [] } },
    };
    const scenario: Scenario = {
      schema: 'mcast-testbench/scenario@1',
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02' }],
      steps: [{ op: 'frame', id: 'f', iface: 'eth0', dst: '01:00:5e:00:00:09' }],
    };
    const seen = withoutBlind(result, blind, scenario);
    expect(seen.deliveries).toEqual({});
    expect(seen.interfaces['eth0']?.nic).toBeUndefined();
    expect(seen.interfaces['eth0']?.mc.map((e) => e.mac)).toEqual(['01:00:5e:00:00:01', '33:33:00:00:00:01']);
    expect(withoutBlind(result, SEES_ALL, scenario)).toEqual(result);
  });

  it('mayFrames: a chip that decides the profile\'s may frames its own way agrees; one that takes a must-not frame does not', async () => {
    // hash64's may frames are multicast MACs outside the list that share a hash bucket with it.
    class Chip implements LiveBackend {
      readonly label = 'chip';
      readonly profile = 'hash64';
      constructor(
        readonly blind: Blindness,
        private readonly leaks: boolean,
      ) {}
      async run(scenario: Scenario): Promise<SimulateResult> {
        const r = simulate(scenario, { profile: this.profile });
        const open = mayDeliveries(scenario, this.profile);
        const deliveries = Object.fromEntries(
          Object.entries(r.deliveries).map(([id, d]) => [id, open.has(id) || (this.leaks && !d.nic) ? { nic: !d.nic, sockets: [] } : d]),
        );
        return { ...r, deliveries };
      }
      async dispose(): Promise<void> {}
    }
    const options = { runs: 60, seed: 5, maxSteps: 20 };
    const strict = await runLiveDiff(new Chip(SEES_ALL, false), options);
    expect(strict.difference?.differences.join('; ')).toMatch(/delivery \S+: expected the NIC to/);
    const judged = await runLiveDiff(new Chip({ ...SEES_ALL, mayFrames: true }, false), options);
    expect(judged.difference).toBeUndefined();
    const leaking = await runLiveDiff(new Chip({ ...SEES_ALL, mayFrames: true }, true), options);
    // diffResults(observed, model): the chip's acceptance is the "expected" side.
    expect(leaking.difference?.differences.join('; ')).toMatch(/expected the NIC to accept it, it dropped it/);
  });

  it('a backend failure stops the run, typed and naming the backend, and is never shrunk', async () => {
    const backend = new ModelBackend(SEES_ALL, new Set(), 3);
    const failure = await runLiveDiff(backend, { runs: 50, seed: 2, maxSteps: 4 }).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(LiveBackendError);
    expect((failure as LiveBackendError).message).toBe('model: the wire came loose');
    expect(((failure as LiveBackendError).cause as Error).message).toBe('the wire came loose');
    expect(backend.ran).toBe(4);
  });
});

describe('runLiveDiff --sweep-faults', () => {
  class E1000Model extends ModelBackend {
    override readonly profile = 'e1000:0';
  }

  it("compares the same observations with each fault's model: the profile's fault and the host model's are caught, none is run twice", async () => {
    const backend = new E1000Model(SEES_ALL);
    const report = await runLiveDiff(backend, { runs: 60, seed: 3, interfaces: 1, sweepFaults: 'profile' });
    expect(report.difference).toBeUndefined();
    expect(backend.ran).toBe(60);
    const sweep = new Map((report.sweep ?? []).map((s) => [s.fault, s]));
    // The catalog's e1000 fault and host-model faults, nothing for other profiles.
    expect(sweep.has('e1000-filter-type-1') && sweep.has('ipv4-map-24bit') && sweep.has('no-solicited-node')).toBe(true);
    expect(sweep.has('qemu-table-65') || sweep.has('ttl-threshold-ge') || sweep.has('relay-drops-last-update')).toBe(false);
    for (const f of ['e1000-filter-type-1', 'ipv4-map-24bit', 'no-solicited-node'] as const) {
      const s = sweep.get(f);
      expect(s?.caughtAt, f).toBeGreaterThanOrEqual(1);
      expect(s?.caughtAt, f).toBeLessThanOrEqual(60);
      expect(s?.difference, f).toMatch(/\S/);
    }
    // One interface: a fault that needs a second one is never shown.
    expect(sweep.get('delivery-any-iface')?.caughtAt).toBeNull();
  });

  it('an explicit list is swept in its order; without the option there is no sweep', async () => {
    const report = await runLiveDiff(new E1000Model(SEES_ALL), { runs: 20, seed: 3, interfaces: 1, sweepFaults: ['ipv6-map-24bit', 'e1000-filter-type-1'] });
    expect(report.sweep?.map((s) => s.fault)).toEqual(['ipv6-map-24bit', 'e1000-filter-type-1']);
    expect((await runLiveDiff(new E1000Model(SEES_ALL), { runs: 5, seed: 3, interfaces: 1 })).sweep).toBeUndefined();
  });

  it('a fault no frame can show is reported with its reason, never as caught or missed', async () => {
    const report = await runLiveDiff(new E1000Model(SEES_ALL), { runs: 5, seed: 3, interfaces: 1, sweepFaults: ['rxconfig-zero-at-open', 'ipv6-map-24bit'] });
    const [blind, shown] = report.sweep ?? [];
    expect(blind).toMatchObject({ fault: 'rxconfig-zero-at-open', caughtAt: null });
    expect(blind?.noFrameShows).toMatch(/ndo_open/);
    expect(shown?.noFrameShows).toBeUndefined();
  });

  it('the claim behind it: on rtl8139, rxconfig-zero-at-open changes no delivery of 300 generated scenarios with probes', () => {
    const arb = scenarioArbitrary({ profile: 'rtl8139', interfaces: 2, linkDel: false }).map(withProbeSends);
    let frames = 0;
    for (const s of fc.sample(arb, { numRuns: 300, seed: 11 })) {
      const ok = simulate(s, { profile: 'rtl8139' });
      const bad = simulate(s, { profile: 'rtl8139', faults: new Set(['rxconfig-zero-at-open']) });
      frames += Object.keys(ok.deliveries).length;
      expect(bad.deliveries).toEqual(ok.deliveries);
    }
    expect(frames).toBeGreaterThan(1000);
  });
});
