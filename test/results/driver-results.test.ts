// check --driver and replay --driver with --junit/--json: the contract's violation is a failed
// testcase with the transcript and the replay command; the files validate.
import { readdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, expect, it } from 'vitest';
import type { Cli } from '../../src/cli/cli.ts';
import { runDriverCheck, runDriverReplay } from '../../src/cli/commands/driver.ts';
import { junitXsdErrors, resultsSchemaErrors } from './validate.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mtb-driver-results-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const examples = fileURLToPath(new URL('../../examples/drivers/', import.meta.url));
const quiet = (): Cli => ({ out: () => {}, err: () => {}, exitCode: 0 });

interface Doc {
  command: string;
  cases: { suite: string; name: string; status: string; fixture?: string; replay?: string; counterexample?: string[] }[];
}

it('a contract violation is a failed testcase with its transcript, fixture and replay command', async () => {
  const stale = { command: `python3 ${examples}faults/stale_entries.py` };
  const outputs = { junit: join(tmp, 'check.xml'), json: join(tmp, 'check.json') };
  expect(await runDriverCheck(stale, { runs: 100, seed: 5, fixturesDir: join(tmp, 'fx'), outputs, html: join(tmp, 'html') }, quiet())).toBe(1);
  // --html: a page with the exchanges with the driver.
  const [page] = readdirSync(join(tmp, 'html'));
  expect(readFileSync(join(tmp, 'html', page as string), 'utf8')).toContain('exchanges with the driver');
  expect(await junitXsdErrors(readFileSync(outputs.junit, 'utf8'))).toEqual([]);
  const doc = JSON.parse(readFileSync(outputs.json, 'utf8')) as Doc;
  expect(resultsSchemaErrors(doc)).toEqual([]);
  expect(doc.command).toBe('check --driver');
  const [contract, endToEnd] = doc.cases;
  expect(doc.cases).toHaveLength(2);
  expect(contract).toMatchObject({ suite: 'check --driver stale-entries', name: 'contract', status: 'failed' });
  // The part that did not run is reported as skipped, not left out (issue 22).
  expect(endToEnd).toMatchObject({ suite: 'check --driver stale-entries', name: 'end to end', status: 'skipped' });
  expect(contract?.counterexample?.map((l) => l.trim())).toContain('> {"op":"hello","protocol":1,"versions":[1,2]}');
  expect(contract?.replay).toBe(`npx mcast-testbench replay --driver 'python3 ${examples}faults/stale_entries.py' ${contract?.fixture}`);

  // replay --driver of that fixture: the same driver fails it.
  const replayed = { json: join(tmp, 'replay.json') };
  expect(await runDriverReplay(stale, [contract?.fixture as string], { outputs: replayed, html: join(tmp, 'replay-html') }, quiet())).toBe(1);
  expect(readdirSync(join(tmp, 'replay-html')).some((f) => f.startsWith('driver-stale-entries-replay-'))).toBe(true);
  const again = JSON.parse(readFileSync(replayed.json, 'utf8')) as Doc;
  expect(resultsSchemaErrors(again)).toEqual([]);
  expect(again.cases.map((c) => [c.suite, c.status])).toEqual([['replay --driver', 'failed']]);
});

it('check --driver --shard i/n: the results record the shard and the runs this shard ran, and the shards add up', async () => {
  const driver = { command: `python3 ${examples}exact_strict.py` };
  const runs: number[] = [];
  for (const index of [1, 2, 3]) {
    const json = join(tmp, `shard-${index}.json`);
    expect(await runDriverCheck(driver, { runs: 30, seed: 9, fixturesDir: join(tmp, 'fx'), outputs: { json }, shard: { index, count: 3 } }, quiet())).toBe(0);
    const doc = JSON.parse(readFileSync(json, 'utf8')) as Doc & { shard?: { index: number; count: number } };
    expect(resultsSchemaErrors(doc)).toEqual([]);
    expect(doc.shard).toEqual({ index, count: 3 });
    const contract = doc.cases.find((c) => c.name === 'contract') as { runs?: number } | undefined;
    runs.push(contract?.runs ?? -1);
  }
  expect(runs.every((r) => r > 0 && r < 30)).toBe(true);
  expect(runs.reduce((a, b) => a + b, 0)).toBe(30);
});
