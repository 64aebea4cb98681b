// check --jobs: units spread over worker threads give the single-threaded outcome and output.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { FaultName } from '../../src/faults.ts';
import { runCheck } from '../../src/check/runner.ts';
import type { CheckOutcome } from '../../src/check/units.ts';
import { withProfileModule } from '../../src/profile-plugin.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function run(jobs: number, faults: FaultName[]): Promise<{ outcome: CheckOutcome; log: string[]; saved: string[] }> {
  const fixturesDir = mkdtempSync(join(tmpdir(), 'mtb-jobs-'));
  dirs.push(fixturesDir);
  const log: string[] = [];
  const outcome = await runCheck({
    profiles: ['ldd3-ff:4', 'tun'],
    runs: 25,
    seed: 1,
    faults: new Set(faults),
    fixturesDir,
    log: (l) => log.push(l.replaceAll(fixturesDir, 'DIR')),
    progress: () => {},
    recordCases: true,
    jobs,
  });
  return { outcome, log, saved: readdirSync(fixturesDir).sort() };
}

const comparable = (o: CheckOutcome) => ({
  ok: o.ok,
  seed: o.seed,
  units: o.units.map((u) => ({ profile: u.profile, property: u.property, ok: u.ok, runs: u.runs, caseIds: u.caseIds, message: u.failure?.message })),
});

describe('check --jobs', () => {
  it('two worker threads: the same units, cases, verdicts, printed lines and fixtures as one thread (a failing run)', async () => {
    const one = await run(1, ['sticky-allmulti']);
    const two = await run(2, ['sticky-allmulti']);
    expect(one.outcome.ok).toBe(false);
    expect(comparable(two.outcome)).toEqual(comparable(one.outcome));
    expect(two.log).toEqual(one.log);
    expect(two.saved).toEqual(one.saved);
    expect(one.saved.length).toBeGreaterThan(0);
  });

  // Seen under load (vitest shares modules between the files of a worker): a plug-in module an
  // earlier file's assertProfileHolds loaded was passed to the worker threads, which named it in
  // their replay lines while the single thread did not.
  it('a plug-in module loaded and released by an earlier check is named by neither a one-thread nor a two-thread run', async () => {
    await withProfileModule('test/cli/plugins/acme-allmulti-100.ts', async () => {});
    const one = await run(1, ['sticky-allmulti']);
    const two = await run(2, ['sticky-allmulti']);
    expect(one.log.join('\n')).not.toContain('--profile-module');
    expect(two.log).toEqual(one.log);
  });
});

describe('dispatch order', () => {
  it('hands out the longest units first (the largest list filled, scenario before model), every unit once', async () => {
    const { dispatchOrder } = await import('../../src/check/parallel.ts');
    const units = [
      { profile: 'tun', property: 'model' },
      { profile: 'tun', property: 'scenario' },
      { profile: 'vmxnet3', property: 'route' },
      { profile: 'vmxnet3', property: 'model' },
      { profile: 'vmxnet3', property: 'scenario' },
      { profile: 'ldd3-ff:4', property: 'route' },
    ] as const;
    const order = dispatchOrder(units);
    expect([...order].sort()).toEqual([0, 1, 2, 3, 4, 5]);
    // vmxnet3 fills 10,923 entries: its scenario, then its model property, lead.
    expect(order.slice(0, 2)).toEqual([4, 3]);
    expect(order.indexOf(1)).toBeLessThan(order.indexOf(0));
  });
});
