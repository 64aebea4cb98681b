// checkDriver, the library's `check --driver`: a report for every outcome, never a throw for a
// misbehaving driver, and the failing transcript saved where asked.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDriver, driverReportExitCode, formatDriverReport } from '../../src/index.ts';

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('checkDriver', () => {
  it('a correct command driver: ok, contract and end to end, exit code 0', async () => {
    const report = await checkDriver({ command: 'python3 examples/drivers/tun_filter.py' }, { runs: 10, seed: 7 });
    expect(report.ok, formatDriverReport(report)).toBe(true);
    if (!report.ok) return;
    expect(report.driver.model).toBe('tun');
    expect(report.contract.seed).toBe(7);
    expect(report.endToEnd?.numRuns).toBe(5);
    expect(driverReportExitCode(report)).toBe(0);
  });

  it('a faulty command driver: a violation with its transcript saved as a fixture, exit code 1', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcast-check-driver-'));
    dirs.push(dir);
    const report = await checkDriver({ command: 'python3 examples/drivers/faults/sticky_allmulti.py' }, { runs: 100, seed: 1, fixturesDir: dir });
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect([report.kind, report.stage]).toEqual(['violation', 'contract']);
    expect(report.fixture).not.toBeNull();
    expect(readdirSync(dir)).toEqual([report.fixture?.slice(dir.length + 1)]);
    expect(formatDriverReport(report)).toMatch(/^FAIL \(contract, seed 1\): /);
    expect(driverReportExitCode(report)).toBe(1);
  });

  it('an adapter that throws in hello: a driver error at start, exit code 3', async () => {
    const broken = {
      hello: () => {
        throw new Error('no hardware');
      },
      reset: () => ({ ok: true }),
      program: () => ({ ok: true }),
      rx: () => ({ accept: true }),
    };
    const report = await checkDriver({ adapter: broken }, { runs: 1 });
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect([report.kind, report.stage]).toEqual(['driver-error', 'start']);
    expect(report.message).toContain('"hello" threw: no hardware');
    expect(driverReportExitCode(report)).toBe(3);
  });
});
