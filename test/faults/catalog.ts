// Every fault of the catalog must be caught by `check` with a short counterexample that is saved
// as a fixture and that replay flags; the same runs without the fault must pass. The cases are
// split over two test files (part-1, part-2) so that vitest's two workers share them.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FAULT_PROFILES, faultCatalog, faultCatalogMarkdown } from '../../src/check/fault-catalog.ts';
import { runCheck } from '../../src/check/runner.ts';
import { FAULTS, type FaultName, NO_FAULTS } from '../../src/faults.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { replayScenario } from '../../src/check/replay.ts';
import { HANG_BOUND_MS } from '../bounds.ts';
import { cliArgv } from '../cli-build/cli.ts';

const SEED = 1;
const RUNS = 100;
/** "a few steps": the shrunk counterexample of every fault must be at most this long... */
const MAX_COUNTEREXAMPLE_STEPS = 8;
/** ...except where the fault sits at a table threshold: the list must first grow past it (one `maddr` per entry). */
const THRESHOLD_FAULT_STEPS: Partial<Record<FaultName, number>> = {
  'e1000-filter-type-1': 14 + 4,
  'tulip-perfect-15': 14 + 4,
  'qemu-table-65': 64 + 4,
};

const tmp = mkdtempSync(join(tmpdir(), 'mcast-faults-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

const quiet = { log: () => {}, progress: () => {} };

const allCases = (Object.keys(FAULTS) as FaultName[]).flatMap((fault) =>
  FAULT_PROFILES[fault].map((profile) => ({ fault, profile })),
);

/** Every profile a fault is checked on, each once. */
const controlProfiles = [...new Set(Object.values(FAULT_PROFILES).flat())];

/** Registers part `part` (1 or 2) of the catalog's cases: every other case and control profile, and one of the two whole-catalog checks. */
export function faultCatalogTests(part: 1 | 2): void {
const cases = allCases.filter((_, i) => i % 2 === part - 1);
// The whole-catalog checks are registered in one part only (not skipped in the other).
const itIn = (p: 1 | 2): typeof it => (part === p ? it : ((() => {}) as unknown as typeof it));

describe(`fault catalog: check catches every fault (part ${part} of 2)`, () => {
  itIn(1)('has a profile for every fault', () => {
    for (const f of Object.keys(FAULTS)) expect(FAULT_PROFILES[f as FaultName]?.length ?? 0).toBeGreaterThan(0);
  });

  it.each(cases)('$fault on $profile: fails with a short counterexample, saved and replayable', async ({ fault, profile }) => {
    const faults = new Set<FaultName>([fault]);
    const dir = join(tmp, `${fault}-${profile.replace(/[^\w-]/g, '_')}`);
    const lines: string[] = [];
    const outcome = await runCheck({ profiles: [profile], runs: RUNS, seed: SEED, faults, fixturesDir: dir, log: (l) => lines.push(l), progress: () => {} });
    expect(outcome.ok).toBe(false);
    expect(outcome.failures.length).toBeGreaterThan(0);
    for (const f of outcome.failures) {
      expect(f.profile).toBe(profile);
      expect(f.seed).toBe(SEED);
      if (f.property === 'route') {
        // A routing scenario, printed, not saved: the router setup's steps the fault does not need left out.
        expect(f.steps.length).toBeLessThanOrEqual(MAX_COUNTEREXAMPLE_STEPS);
        expect(f.path).toMatch(/^route~/);
        expect(lines.join('\n')).toContain('shrunk routing scenario');
        expect(f.fixture).toBeUndefined();
        continue;
      }
      if (f.property === 'relay' || f.property === 'ethdev') {
        // An interleaving of the relay's actors, or the rx modes an application gives a DPDK port
        // (the fallback chain): printed, replayable by path, no scenario to save.
        const m = /shrunk interleaving \((\d+) events/.exec(lines.join('\n'));
        expect(Number(m?.[1])).toBeLessThanOrEqual(MAX_COUNTEREXAMPLE_STEPS);
        expect(f.path).toMatch(new RegExp(`^${f.property}~`));
        expect(f.fixture).toBeUndefined();
        continue;
      }
      expect(f.steps.length).toBeLessThanOrEqual(THRESHOLD_FAULT_STEPS[fault] ?? MAX_COUNTEREXAMPLE_STEPS);
      expect(f.message).toMatch(/^step -?\d+: (error|device-list|groups|counters|loss|leak|sockets): /);
      expect(f.path).toMatch(new RegExp(`^${f.property}~`));
      expect(lines.join('\n')).toContain(`--seed ${SEED} --path `);
      expect(lines.join('\n')).toContain(`--inject-fault ${fault}`);
      expect(f.fixture).toBeDefined();
      const fixture = f.fixture as string;
      expect(existsSync(fixture)).toBe(true);
      const scenario = loadScenarioFile(fixture);
      expect(scenario.steps).toEqual(f.steps);
      expect(scenario.meta?.['faults']).toEqual([fault]);
      expect(scenario.expect).toBeDefined();
      // With the fault the fixture shows the problem; the correct model meets the oracle's expectation.
      expect(replayScenario(scenario, { faults }).length).toBeGreaterThan(0);
      expect(replayScenario(scenario, {})).toEqual([]);
    }
  }, HANG_BOUND_MS);

  // The control run, one case per profile (each profile's seed derives from SEED and its name, so
  // this is the one whole-list run cut up), spread over both parts so both workers share it.
  it.each(controlProfiles.filter((_, i) => i % 2 === part - 1))('passes without faults on %s with the same seed (control run)', async (profile) => {
    const dir = join(tmp, `control-${profile.replace(/[^\w-]/g, '_')}`);
    const outcome = await runCheck({ profiles: [profile], runs: RUNS, seed: SEED, faults: NO_FAULTS, fixturesDir: dir, ...quiet });
    expect(outcome.failures).toEqual([]);
    expect(outcome.ok).toBe(true);
    expect(existsSync(dir)).toBe(false);
  }, HANG_BOUND_MS);

  itIn(1)('the real CLI exits 1 and prints the fixture path', () => {
    const dir = join(tmp, 'cli');
    const r = spawnSync(
      process.execPath,
      cliArgv(['check', '--profile', 'ldd3-ff:4', '--inject-fault', 'sticky-allmulti', '--runs', '200', '--seed', '1', '--fixtures', dir]),
      { encoding: 'utf8', timeout: HANG_BOUND_MS },
    );
    expect(r.status).toBe(1);
    const m = /fixture: (\S+\.json)/.exec(r.stdout);
    expect(m).not.toBeNull();
    const path = (m as RegExpExecArray)[1] as string;
    expect(path.startsWith(dir)).toBe(true);
    expect(existsSync(path)).toBe(true);
    expect(r.stdout).toContain('--inject-fault sticky-allmulti');
    expect(r.stderr).not.toMatch(/^\s+at /m);
  });
});

if (part === 2) describe('fault catalog table', () => {
  it('has one row per fault with its description and a command that names it', () => {
    const md = faultCatalogMarkdown();
    const rows = md.trim().split('\n').slice(2);
    expect(rows).toHaveLength(Object.keys(FAULTS).length);
    for (const r of faultCatalog()) {
      const row = rows.find((l) => l.startsWith(`| \`${r.name}\` |`));
      expect(row).toBeDefined();
      expect(row).toContain(FAULTS[r.name]);
      expect(row).toContain(`--inject-fault ${r.name}`);
    }
  });
});
}
