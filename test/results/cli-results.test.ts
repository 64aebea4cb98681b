// --junit, --json and --shard through the real executable: the files validate (JUnit XSD,
// results schema), a failure carries its counterexample and replay command, shards 1/3..3/3
// run exactly the cases of the unsharded run, and bad values end in exit 2 with one line.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, expectOneLineError, runCli } from '../cli/run.ts';
import { kernelFeatureMissing } from '../../src/kernel/features.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { junitXsdErrors, resultsSchemaErrors } from './validate.ts';

const kernelSkip = kernelModeUnavailable() ?? kernelFeatureMissing('macvlan');
if (kernelSkip !== null) console.warn(`SKIP kernel diff --junit: ${kernelSkip}`);

const tmp = mkdtempSync(join(tmpdir(), 'mtb-results-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

interface ResultsDoc {
  seed: number;
  shard?: { index: number; count: number };
  cases: { suite: string; name: string; status: string; runs?: number; caseIds?: string[]; replay?: string; counterexample?: string[]; fixture?: string }[];
  totals: { tests: number; failed: number };
}

const readJson = (path: string): ResultsDoc => JSON.parse(readFileSync(path, 'utf8')) as ResultsDoc;

describe.concurrent('check --junit --json', () => {
  it('a failing check writes a valid JUnit file, a valid JSON file with the counterexample and the replay command, and --html pages', async () => {
    const dir = join(tmp, 'fail');
    const r = await runCli(['check', '--profile', 'accept-all', '--runs', '100', '--seed', '1', '--inject-fault', 'shared-mac-removed', '--fixtures', join(dir, 'fx'), '--junit', join(tmp, 'fail.xml'), '--json', join(tmp, 'fail.json'), '--html', join(tmp, 'pages')]);
    expect(r.code, r.stderr).toBe(1);
    const xml = readFileSync(join(tmp, 'fail.xml'), 'utf8');
    expect(await junitXsdErrors(xml)).toEqual([]);
    expect(xml).toMatch(/<testcase name="scenario" classname="mcast-testbench\.check\.accept-all" time="[0-9.]+">\s*<failure message="step \d+: device-list/);
    expect(xml).toMatch(/replay: npx mcast-testbench check --profile accept-all --seed 1 --path scenario~[0-9:]+ --inject-fault shared-mac-removed/);
    const doc = readJson(join(tmp, 'fail.json'));
    expect(resultsSchemaErrors(doc)).toEqual([]);
    const failed = doc.cases.filter((c) => c.status === 'failed');
    expect(failed.map((c) => c.name)).toEqual(['model', 'scenario']);
    expect(failed[0]?.counterexample?.[0]).toMatch(/^interfaces: \[/);
    expect(failed[0]?.fixture).toMatch(/check-accept-all-model\.json$/);
    expect(doc.cases.every((c) => (c.caseIds?.length ?? 0) > 0)).toBe(true);
    // check --html: a page per failure with a scenario.
    expect(readdirSync(join(tmp, 'pages')).sort()).toEqual(['check-accept-all-model.html', 'check-accept-all-scenario.html']);
  });

  it('shards 1/3, 2/3 and 3/3 together run exactly the cases of the unsharded run, each case once', async () => {
    const common = ['check', '--profile', 'accept-all', '--profile', 'hash64', '--runs', '4', '--seed', '11', '--fixtures', join(tmp, 'fx-shard')];
    const runs = await Promise.all(
      ['all', '1/3', '2/3', '3/3'].map(async (shard) => {
        const out = join(tmp, `shard-${shard.replace('/', 'of')}.json`);
        const r = await runCli([...common, ...(shard === 'all' ? [] : ['--shard', shard]), '--json', out]);
        expect(r.code, r.stderr + r.stdout).toBe(0);
        return readJson(out);
      }),
    );
    const ids = (d: ResultsDoc): string[] => d.cases.flatMap((c) => c.caseIds ?? []);
    const [all, ...shards] = runs as [ResultsDoc, ...ResultsDoc[]];
    expect(ids(all).length).toBe(all.cases.length * 4);
    expect(all.cases.length).toBeGreaterThanOrEqual(3);
    const union = shards.flatMap(ids);
    expect([...union].sort()).toEqual([...ids(all)].sort());
    expect(new Set(union).size).toBe(union.length);
    // Every shard has work, and says which shard it was.
    shards.forEach((d, i) => {
      expect(d.cases.length).toBeGreaterThan(0);
      expect(d.shard).toEqual({ index: i + 1, count: 3 });
    });
  });

  it('rejects --shard 4/3, --shard without --seed, and unwritable --junit / --json paths, with one line and exit 2', async () => {
    const [bad, noSeed, missingDir, isDir] = await Promise.all([
      runCli(['check', '--shard', '4/3', '--seed', '1']),
      runCli(['check', '--shard', '1/3']),
      runCli(['check', '--profile', 'hash64', '--junit', join(tmp, 'no-such-dir', 'r.xml')]),
      runCli(['check', '--profile', 'hash64', '--json', tmp]),
    ]);
    expectOneLineError(bad, 2, /--shard.*'4\/3'.*the shard index must be from 1 to 3, got 4/);
    expectOneLineError(noSeed, 2, /--shard: 1\/3: needs --seed/);
    expectOneLineError(missingDir, 2, /--junit: cannot write ".*no-such-dir\/r\.xml": ENOENT/);
    expectOneLineError(isDir, 2, /--json: cannot write ".*": EISDIR/);
  });

  it('replay --junit: one testcase per file, ok and FAIL', async () => {
    const broken = join(tmp, 'broken.json');
    const fixture = JSON.parse(readFileSync(join(ROOT, 'fixtures/kernel-fact-ipv4-alias-refcount.json'), 'utf8')) as { expect?: { steps: { error: string | null }[] } };
    const step = fixture.expect?.steps[0];
    if (step) step.error = 'EINVAL';
    writeFileSync(broken, JSON.stringify(fixture));
    const r = await runCli(['replay', join(ROOT, 'fixtures/kernel-fact-ipv4-alias-refcount.json'), broken, '--junit', join(tmp, 'replay.xml'), '--json', join(tmp, 'replay.json')]);
    expect(r.code).toBe(1);
    const xml = readFileSync(join(tmp, 'replay.xml'), 'utf8');
    expect(await junitXsdErrors(xml)).toEqual([]);
    const doc = readJson(join(tmp, 'replay.json'));
    expect(resultsSchemaErrors(doc)).toEqual([]);
    expect(doc.cases.map((c) => c.status)).toEqual(['passed', 'failed']);
    expect(doc.cases[1]?.replay).toBe(`npx mcast-testbench replay ${broken}`);
  });

  it.skipIf(kernelSkip !== null)('kernel diff --junit --json: a testcase for the scenarios and one for the tap filter', async () => {
    const r = await runCli(['kernel', 'diff', '--runs', '3', '--seed', '3', '--tap-programs', '2', '--fixtures', join(tmp, 'kfx'), '--junit', join(tmp, 'kernel.xml'), '--json', join(tmp, 'kernel.json')]);
    expect(r.code, r.stderr).toBe(0);
    expect(await junitXsdErrors(readFileSync(join(tmp, 'kernel.xml'), 'utf8'))).toEqual([]);
    const doc = readJson(join(tmp, 'kernel.json'));
    expect(resultsSchemaErrors(doc)).toEqual([]);
    expect(doc.cases.map((c) => [c.name, c.status, c.runs])).toEqual([
      ['scenarios', 'passed', 3],
      ['tap filter', 'passed', 2],
    ]);
  });
});
