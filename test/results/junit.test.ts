// The JUnit writer against the Ant-format XSD (xmllint), every status and hostile text; the
// JSON writer against the published schema (ajv).
import { describe, expect, it } from 'vitest';
import { junitXml } from '../../src/results/junit.ts';
import { resultsJson } from '../../src/results/json.ts';
import { RESULTS_SCHEMA_ID, type Results } from '../../src/results/types.ts';
import { junitXsdErrors, resultsSchemaErrors } from './validate.ts';

const RESULTS: Results = {
  schema: RESULTS_SCHEMA_ID,
  command: 'check',
  seed: -5,
  shard: { index: 2, count: 3 },
  startedAt: '2026-01-02T03:04:05.678Z',
  elapsedMs: 1234,
  cases: [
    { suite: 'check e1000:2', name: 'model', status: 'passed', timeMs: 12, profile: 'e1000:2', property: 'model', runs: 5, caseIds: ['e1000:2 model 1 #0 0badf00d'] },
    {
      suite: 'check e1000:2',
      name: 'scenario',
      property: 'scenario',
      status: 'failed',
      timeMs: 40,
      message: 'step 3: leak: "<a> & \'b\'"\tcontrol \u0001 char',
      counterexample: ['interfaces: [{"name":"eth0"}]', 'step 0: {"op":"open"}'],
      replay: "mcast-testbench check --profile e1000:2 --seed -5 --path 'scenario~1:2'",
      fixture: 'fixtures/x.json',
    },
    { suite: 'replay', name: 'fixtures/a b.json', status: 'error', timeMs: 1, message: 'invalid scenario: /steps/0: bad' },
    { suite: 'replay', name: 'fixtures/c.json', status: 'skipped', timeMs: 0, message: 'not a scenario' },
  ],
};

describe('junit', () => {
  it('validates against the JUnit XSD with every status, escapes and the counterexample in the failure', async () => {
    const xml = junitXml(RESULTS, 'host-1');
    expect(await junitXsdErrors(xml)).toEqual([]);
    expect(xml).toContain('tests="2" failures="1" errors="0" skipped="0"');
    expect(xml).toContain('tests="2" failures="0" errors="1" skipped="1"');
    expect(xml).toMatch(/<failure message="step 3: leak: &quot;&lt;a&gt; &amp; 'b'&quot;&#9;control \ufffd char" type="scenario">/);
    expect(xml).toContain("replay: mcast-testbench check --profile e1000:2 --seed -5 --path 'scenario~1:2'");
    expect(xml).toContain('  step 0: {"op":"open"}');
    expect(xml).toContain('<property name="shard" value="2/3"/>');
  });

  it('the validator rejects what the format does not allow (a testcase without classname)', async () => {
    const bad = junitXml(RESULTS, 'h').replace(/ classname="[^"]*"/, '');
    const errors = await junitXsdErrors(bad);
    expect(errors.join('\n')).toMatch(/classname/);
  });

  it('the JSON validates against schemas/results.schema.json, and the schema rejects an unknown status', () => {
    const doc = JSON.parse(resultsJson(RESULTS)) as { totals: unknown; cases: { status: string }[] };
    expect(resultsSchemaErrors(doc)).toEqual([]);
    expect(doc.totals).toEqual({ tests: 4, passed: 1, failed: 1, errors: 1, skipped: 1 });
    (doc.cases[0] as { status: string }).status = 'flaky';
    expect(resultsSchemaErrors(doc).join('\n')).toMatch(/\/cases\/0\/status/);
  });
});
