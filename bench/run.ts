// `npm run bench`: the four benchmarks of issue 14, results printed; with --write also written
// into BENCHMARKS.md between its markers (the analysis around them is written by hand), so a
// run leaves the clone clean unless asked.
// Options: --frames N (lookups, default 1,000,000), --seeds N (time to catch, default 20),
// --quick (200,000 frames, scale at 1,000 only, 1 seed): a smoke run of all four (never written);
// --catch-only F1,F2 (catalog fault names): the time-to-catch rows of those faults alone, printed
// as table rows, never written (how docs/real-bugs.md's rows were measured);
// --only scale: the scale benchmark alone (1,000 to 100,000), its table printed, never written.
import { readFileSync, writeFileSync } from 'node:fs';
import { cpus, release } from 'node:os';
import { join } from 'node:path';
import { type CatchRow, runCatch } from './catch.ts';
import { lookupTable, runLookups } from './lookups.ts';
import { SCALE_SIZES, type ScaleRow, runScale } from './scale.ts';
import { STEP_COST_SIZES, type StepCostRow, runStepCost } from './step-cost.ts';
import { type ThroughputRow, runThroughput } from './throughput.ts';
import { type FaultName, isFaultName } from '../src/faults.ts';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  const v = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(v) || v < 1) {
    console.error(`error: ${name} needs a positive integer, got ${JSON.stringify(process.argv[i + 1])}`);
    process.exit(2);
  }
  return v;
}

const quick = process.argv.includes('--quick');
const write = process.argv.includes('--write');
if (quick && write) {
  console.error('error: --write with --quick: a smoke run never replaces the recorded results');
  process.exit(2);
}
const frames = option('--frames', quick ? 200_000 : 1_000_000);
const seeds = option('--seeds', quick ? 1 : 20);
const log = (l: string) => console.log(l);
const fmt = (n: number | null, digits = 0) => (n === null ? '-' : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits }));

const onlyAt = process.argv.indexOf('--catch-only');
if (onlyAt >= 0) {
  const names = (process.argv[onlyAt + 1] ?? '').split(',').filter((n) => n !== '');
  const unknown = names.filter((n) => !isFaultName(n));
  if (write || names.length === 0 || unknown.length > 0) {
    console.error(`error: --catch-only needs catalog fault names, comma-separated, and never writes; got ${JSON.stringify(process.argv[onlyAt + 1] ?? '')}`);
    process.exit(2);
  }
  const rows = await runCatch(seeds, log, names as FaultName[]);
  for (const line of catchTable(rows)) console.log(line);
  process.exit(0);
}

const onlyScaleAt = process.argv.indexOf('--only');
if (onlyScaleAt >= 0) {
  if (write || quick || process.argv[onlyScaleAt + 1] !== 'scale') {
    console.error(`error: --only takes "scale" and never writes nor goes with --quick; got ${JSON.stringify(process.argv[onlyScaleAt + 1] ?? '')}`);
    process.exit(2);
  }
  for (const line of scaleTable(runScale(log))) console.log(line);
  process.exit(0);
}

const started = new Date();
const lookups = runLookups(frames, log);
const scale = runScale(log, quick ? SCALE_SIZES.slice(0, 1) : SCALE_SIZES);
const stepCost = runStepCost(log, quick ? STEP_COST_SIZES.slice(0, 2) : STEP_COST_SIZES);
const throughput = runThroughput(quick ? 30 : 100, 'tun', log);
const caught = await runCatch(seeds, log);

function scaleTable(rows: readonly ScaleRow[]): string[] {
  const out = [
    '| workload | n | model s | oracle s | oracle/model | model growth | oracle growth | C floor growth | max RSS MiB | note |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  // Growth: the time at n over the time at n/10 (the same workload's previous row), the "10x the
  // work within 11x the time" figure; the C floor's the same over its own times (bench/c/scale.c).
  const growth = (now: number | null, before: number | null | undefined): string => (now && before ? `${fmt(now / before, 1)}x` : '-');
  rows.forEach((r, i) => {
    const prev = rows[i - 1]?.workload === r.workload && rows[i - 1]?.n === r.n / 10 ? rows[i - 1] : undefined;
    const ratio = r.modelSeconds && r.oracleSeconds ? fmt(r.oracleSeconds / r.modelSeconds, 1) : '-';
    out.push(
      `| ${r.workload} | ${fmt(r.n)} | ${fmt(r.modelSeconds, 3)} | ${fmt(r.oracleSeconds, 3)} | ${ratio} | ${growth(r.modelSeconds, prev?.modelSeconds)} | ${growth(r.oracleSeconds, prev?.oracleSeconds)} | ${growth(r.cSeconds, prev?.cSeconds)} | ${fmt(r.maxRssMiB)} | ${r.note} |`,
    );
  });
  return out;
}

function stepCostTable(rows: readonly StepCostRow[]): string[] {
  const sizes = [...new Set(rows.map((r) => r.listSize))];
  const out = ['| profile | ' + sizes.map((n) => `${fmt(n)} entries`).join(' | ') + ' | largest / smallest |', '| --- |' + sizes.map(() => ' --- |').join('') + ' --- |'];
  for (const profile of [...new Set(rows.map((r) => r.profile))]) {
    const mine = rows.filter((r) => r.profile === profile);
    const first = mine[0]?.secondsPer1000 ?? 0;
    const last = mine.at(-1)?.secondsPer1000 ?? 0;
    out.push(`| \`${profile}\` | ${mine.map((r) => `${fmt(r.secondsPer1000 * 1000, 1)} ms`).join(' | ')} | ${first > 0 ? fmt(last / first, 2) : '-'} |`);
  }
  return out;
}

function throughputTable(rows: readonly ThroughputRow[]): string[] {
  return ['| what | steps | s | steps/s |', '| --- | --- | --- | --- |', ...rows.map((r) => `| ${r.what} | ${fmt(r.steps)} | ${fmt(r.seconds, 2)} | ${fmt(r.stepsPerSecond)} |`)];
}

function catchTable(rows: readonly CatchRow[]): string[] {
  return [
    '| fault | profile | caught | median s to the first counterexample (find + shrink) | median shrunk steps |',
    '| --- | --- | --- | --- | --- |',
    ...rows.map((r) => `| \`${r.fault}\` | \`${r.profile}\` | ${r.caught}/${r.seeds} | ${fmt(r.medianSeconds, 2)} | ${r.medianSteps ?? '-'} |`),
  ];
}

const ceiling = throughput[0]?.stepsPerSecond ?? 0;
const model = throughput[1]?.stepsPerSecond ?? 0;
const section = [
  `Run ${started.toISOString()} on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, Linux ${release()}, Node ${process.version}: \`npm run bench${quick ? ' -- --quick' : ''}\` (${fmt(frames)} frames, ${seeds} seeds).`,
  '',
  `### 1. Filter lookups (target: TS at least 1/3 of C)${lookups.cNote ? `\n\nSKIP C reference: ${lookups.cNote}` : ''}`,
  '',
  ...lookupTable(lookups.rows),
  '',
  '### 2. Scale (target: 100,000 + 100,000 under 1 s for the model, the oracle within 5x, 10x the work within 11x the time)',
  '',
  'Each size timed warm, the best of several runs; growth is the time over the time at a tenth of the work. The C floor: n inserts then n deletes of 48-bit keys in an open-addressing hash table, nothing else per step (bench/c/scale.c, cc -O2, best of 20), in the same run.',
  '',
  ...scaleTable(scale),
  '',
  'Cost per 1,000 `maddr` steps (1,000 adds then their 1,000 deletes, half the time) while dev->mc holds this many entries (target: flat):',
  '',
  ...stepCostTable(stepCost),
  '',
  `### 3. Suite throughput (target: at least 1/10 of fast-check's ceiling this round, 1/5 the goal): model ${fmt(model)} steps/s = 1/${fmt(ceiling / Math.max(model, 1e-9), 0)} of the ceiling; generating the same cases alone is 1/${fmt((throughput[3]?.stepsPerSecond ?? 0) / Math.max(throughput[2]?.stepsPerSecond ?? 0, 1e-9), 0)} of the warm ceiling`,
  '',
  ...throughputTable(throughput),
  '',
  '### 4. Time to catch (target: every fault caught, median under 2 s, at most 4 steps where the fault allows)',
  '',
  ...catchTable(caught),
].join('\n');

if (!write) {
  console.log(section);
  console.log('(not written: `npm run bench -- --write` records a full run in BENCHMARKS.md)');
  process.exit(0);
}
const file = join(import.meta.dirname, '..', 'BENCHMARKS.md');
const START = '<!-- results:start -->';
const END = '<!-- results:end -->';
const text = readFileSync(file, 'utf8');
const a = text.indexOf(START);
const b = text.indexOf(END);
if (a < 0 || b < a) {
  console.error(`error: ${file}: the markers ${START} and ${END} are missing`);
  process.exit(2);
}
writeFileSync(file, `${text.slice(0, a + START.length)}\n${section}\n${text.slice(b)}`);
console.log(`results written to ${file}`);
