// Every declared threshold is exercised, whatever its size (issue 22, point 1): a plug-in chip
// with a 2,048-group all-multicast switch gets lists of 2,047, 2,048, 2,049 and 4,096 from
// check --driver and a scenario past 2,048 from check; a fault at that threshold is caught on the
// first seed; a threshold a version-1 driver cannot be sent is named in a warning.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../../src/check/arbitraries.ts';
import { registerProfile } from '../../src/profile-plugin.ts';
import acme from './plugins/acme.ts';
import { runCli } from './run.ts';

const PLUGIN = 'test/cli/plugins/acme.ts';
const DRIVER = 'python3 test/driver/acme/acme_driver.py';
const dirs: string[] = [];
const scratch = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mtb-thresholds-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('a threshold of 2,048', () => {
  it('check --driver sends lists of 2,047, 2,048, 2,049 and 4,096 to a version-2 driver, which passes', async () => {
    const dir = scratch();
    const log = join(dir, 'lengths');
    process.env['MTB_ACME_LOG'] = log;
    try {
      const r = await runCli(['check', '--profile-module', PLUGIN, '--driver', DRIVER, '--seed', '1', '--fixtures', dir]);
      expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(0);
    } finally {
      delete process.env['MTB_ACME_LOG'];
    }
    const lengths = new Set(readFileSync(log, 'utf8').trim().split('\n').map(Number));
    for (const n of [2047, 2048, 2049, 4096]) expect(lengths.has(n), `a list of ${n}`).toBe(true);
  });

  it('check --driver catches a driver whose switch is at 2,049 on the first seed', async () => {
    const r = await runCli(['check', '--profile-module', PLUGIN, '--driver', `${DRIVER} 2049`, '--seed', '1', '--fixtures', scratch()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL: acme: /m);
  });

  it('check generates scenarios past 2,048 for the plug-in, and catches a model switching at 100 on the first seed', async () => {
    registerProfile(acme);
    const past = fc.sample(scenarioArbitrary({ profile: 'acme' }), { numRuns: 200, seed: 1 }).filter((s) => s.steps.some((st) => st.op === 'fill' && st.count > 2048));
    expect(past.length).toBeGreaterThan(0);
    const r = await runCli(['check', '--profile-module', 'test/cli/plugins/acme-allmulti-100.ts', '--profile', 'acme-allmulti-100', '--seed', '1', '--fixtures', scratch()]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/FAIL acme-allmulti-100 (model|scenario) .*leak/);
  });

  it('a version-1 driver naming tulip (all multicast above 1,000) is warned that its 2,000-group list is not sent', async () => {
    const r = await runCli(['check', '--driver-module', 'test/driver/acme/tulip_v1.mjs', '--runs', '5', '--seed', '1', '--fixtures', scratch()]);
    expect(r.stderr).toMatch(/^warning: lists of 2000 entries \(around the thresholds of tulip\) are not sent at protocol 1: it stops at 1001; answer hello with "protocol":2 for them$/m);
  });
});
