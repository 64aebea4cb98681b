// Every fixture under fixtures/ replays cleanly: the model meets its `expect`, and (unless the
// fixture opts out with meta.oracle = false) the model and the oracle agree after every step.
import { readFileSync, readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isFaultName, type FaultName } from '../src/faults.ts';
import { loadScenarioFile } from '../src/scenario/load.ts';
import { replayScenario } from '../src/check/replay.ts';
import { SCENARIO_SCHEMA_ID } from '../src/scenario/types.ts';

const ROOT = join(import.meta.dirname, '..');
const FIXTURES = join(ROOT, 'fixtures');

function jsonFiles(dir: string): string[] {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return [];
  }
  return entries
    .flatMap((e) => (e.isDirectory() ? jsonFiles(join(dir, e.name)) : e.name.endsWith('.json') ? [join(dir, e.name)] : []))
    .sort();
}

/** Scenario fixtures; other JSON under fixtures/ (e.g. fixtures/kernel/*-vectors.json) has its own schema and tests. */
function isScenarioFile(path: string): boolean {
  try {
    const v: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const schema = typeof v === 'object' && v !== null ? (v as { schema?: unknown }).schema : undefined;
    // A file that is not JSON or has no schema is replayed anyway, so that loading reports it.
    return schema === undefined || schema === SCENARIO_SCHEMA_ID;
  } catch {
    return true;
  }
}

const files = jsonFiles(FIXTURES).filter(isScenarioFile);

describe('fixtures replay', () => {
  it('finds the fixtures directory', () => {
    expect(files.length).toBeGreaterThan(0);
  });

  it.each(files.map((f) => relative(ROOT, f)))('%s', (file) => {
    const scenario = loadScenarioFile(join(ROOT, file));
    // A fixture saved from a run with injected faults replays with them: it must still show them.
    const faults = (Array.isArray(scenario.meta?.['faults']) ? (scenario.meta['faults'] as unknown[]) : []).filter(
      (f): f is FaultName => typeof f === 'string' && isFaultName(f),
    );
    if (faults.length > 0) {
      expect(replayScenario(scenario, { faults: new Set(faults) }).length).toBeGreaterThan(0);
      expect(replayScenario(scenario)).toEqual([]);
    } else {
      expect(replayScenario(scenario)).toEqual([]);
    }
  });
});
