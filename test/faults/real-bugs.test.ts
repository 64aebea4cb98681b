// Issue 25: docs/real-bugs.md's table of real bugs, held to the code. Each reproduced row names a
// catalog fault, the profile `check` catches it on, and a hand-written fixture that tells the
// bug's story: the fixture must replay cleanly on the correct model and fail, at its `expect`,
// with the fault injected. That `check` catches each fault on its first seed with a short
// counterexample is test/faults/ (part-1, part-2), which runs every FAULT_PROFILES entry: here
// the row's profile must be one of them, and one of the default run's profiles.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAULT_PROFILES } from '../../src/check/fault-catalog.ts';
import { replayScenario } from '../../src/check/replay.ts';
import { type FaultName, isFaultName } from '../../src/faults.ts';
import { builtinProfileNames } from '../../src/profiles/registry.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';

const ROOT = join(import.meta.dirname, '../..');
const DOC = readFileSync(join(ROOT, 'docs/real-bugs.md'), 'utf8');

interface Row {
  readonly bug: string;
  readonly source: string;
  readonly profile: string;
  readonly fault: string;
  readonly fixture: string;
  readonly median: string;
  readonly steps: string;
}

/** The rows of the table under "## Reproduced" (bug, source, profile, fault, fixture, caught by, median, steps). */
function reproducedRows(): Row[] {
  const section = DOC.split(/^## /m).find((s) => s.startsWith('Reproduced'));
  if (!section) throw new Error('docs/real-bugs.md has no "## Reproduced" section');
  const lines = section.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| bug ') && !l.startsWith('| ---'));
  return lines.map((l) => {
    const cells = l.slice(2, -2).split(' | ');
    const code = (c: string | undefined): string => /`([^`]+)`/.exec(c ?? '')?.[1] ?? '';
    return {
      bug: cells[0] ?? '',
      source: cells[1] ?? '',
      profile: code(cells[2]),
      fault: code(cells[3]),
      fixture: /fixtures\/[\w.-]+\.json/.exec(cells[4] ?? '')?.[0] ?? '',
      median: cells[6] ?? '',
      steps: cells[7] ?? '',
    };
  });
}

const rows = reproducedRows();

describe('docs/real-bugs.md: real bugs, each a fault, a fixture and a source', () => {
  it('lists at least five reproduced bugs, each with its own fixture', () => {
    expect(rows.length).toBeGreaterThanOrEqual(5);
    expect(new Set(rows.map((r) => r.fixture)).size).toBe(rows.length);
  });

  it.each(rows)('$fault ($fixture): a catalog fault, caught on its profile, with a source link and a measured time', (row) => {
    expect(isFaultName(row.fault), `${row.fault} is not in src/faults.ts`).toBe(true);
    expect(FAULT_PROFILES[row.fault as FaultName]).toContain(row.profile);
    // "Caught by the default check": the profile is one the default run checks.
    expect(builtinProfileNames()).toContain(row.profile);
    expect(row.source).toMatch(/https:\/\/\S+/);
    expect(row.median).toMatch(/^\d+\.\d\d s \(\d+\/20\)$/);
    expect(row.steps).toMatch(/^(\d+|-)$/);
  });

  it.each(rows)('$fixture replays cleanly, and fails at its expect with $fault injected', (row) => {
    const path = join(ROOT, row.fixture);
    expect(existsSync(path)).toBe(true);
    const scenario = loadScenarioFile(path);
    expect(scenario.expect).toBeDefined();
    expect(scenario.description).toMatch(/^Real bug: /);
    expect(replayScenario(scenario)).toEqual([]);
    const problems = replayScenario(scenario, { faults: new Set([row.fault as FaultName]) });
    // The story's datagram: the expect's delivery is what the fault breaks, not only the oracle's probes.
    expect(problems.some((p) => /^expect: delivery /.test(p)), problems.join('\n')).toBe(true);
  });
});
