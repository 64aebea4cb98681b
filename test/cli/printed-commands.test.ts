// Every command the tool prints (terminal, JUnit, JSON, HTML) reproduces the run when pasted where
// it was printed (issue 22): a plug-in's failing check and a driver's violation, each command
// taken from each output and run through sh as a person pastes it.
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT, runCli } from './run.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const dirs: string[] = [];
// A pasted `check --path` saves its counterexample where check saves by default: sent to a
// scratch folder by $MCAST_TESTBENCH_FIXTURES, so the repository's fixtures/ (which other test
// files watch at the same time) never sees it.
const pastedFixtures = mkdtempSync(join(tmpdir(), 'mtb-pasted-'));
dirs.push(pastedFixtures);
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const unescape = (s: string): string => s.replace(/&apos;/g, "'").replace(/&quot;/g, '"').replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&#39;/g, "'").replace(/&amp;/g, '&');

/** The commands each output names, by output. */
function printedCommands(stdout: string, dir: string): Record<'terminal' | 'junit' | 'json' | 'html', string[]> {
  const terminal = [...stdout.matchAll(/replay: (npx mcast-testbench .*)$/gm), ...stdout.matchAll(/\((npx mcast-testbench replay .*)\)$/gm)].map((m) => m[1] as string);
  const junit = [...readFileSync(join(dir, 'r.xml'), 'utf8').matchAll(/replay: (npx mcast-testbench[^\n<]*)/g)].map((m) => unescape(m[1] as string));
  const doc = JSON.parse(readFileSync(join(dir, 'r.json'), 'utf8')) as { cases: { replay?: string }[] };
  const json = doc.cases.flatMap((c) => (c.replay !== undefined ? [c.replay] : []));
  const html = readdirSync(join(dir, 'html')).flatMap((f) => [...readFileSync(join(dir, 'html', f), 'utf8').matchAll(/replay: <code>(.*?)<\/code>/g)].map((m) => unescape(m[1] as string)));
  return { terminal, junit, json, html };
}

function paste(command: string): Promise<{ code: number; out: string }> {
  return new Promise((resolve) => {
    execFile('sh', ['-c', command], { cwd: ROOT, timeout: HANG_BOUND_MS, maxBuffer: 64 << 20, env: { ...process.env, MCAST_TESTBENCH_DEBUG: '', MCAST_TESTBENCH_FIXTURES: pastedFixtures } }, (error, stdout, stderr) => {
      resolve({ code: error ? (typeof error.code === 'number' ? error.code : -1) : 0, out: `${stdout}${stderr}` });
    });
  });
}

async function expectEveryCommandReproduces(outputs: Record<string, string[]>, failing: RegExp): Promise<void> {
  for (const [where, commands] of Object.entries(outputs)) expect(commands.length, `${where} names no command`).toBeGreaterThan(0);
  for (const command of new Set(Object.values(outputs).flat())) {
    const r = await paste(command);
    expect(r.out, command).not.toMatch(/unknown NIC profile|not found|error:/);
    expect(r.code, `${command}\n${r.out}`).toBe(1);
    expect(r.out, command).toMatch(failing);
  }
}

describe('printed commands reproduce the run when pasted', () => {
  it('check of a faulty plug-in: the replay and fixture lines carry --profile-module and npx', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-printed-'));
    dirs.push(dir);
    const r = await runCli(['check', '--profile-module', 'test/cli/plugins/hash32-low-bits.ts', '--profile', 'hash32-low-bits', '--runs', '100', '--seed', '1', '--fixtures', join(dir, 'fx'), '--junit', join(dir, 'r.xml'), '--json', join(dir, 'r.json'), '--html', join(dir, 'html')]);
    expect(r.code, r.stderr).toBe(1);
    const outputs = printedCommands(r.stdout, dir);
    for (const c of Object.values(outputs).flat()) expect(c).toMatch(/^npx mcast-testbench (check|replay) --profile-module test\/cli\/plugins\/hash32-low-bits\.ts /);
    await expectEveryCommandReproduces(outputs, /hash32-low-bits|FAIL/);
  });

  it('check --driver with a violation: the replay --driver lines reproduce it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-printed-'));
    dirs.push(dir);
    const r = await runCli(['check', '--driver', 'python3 examples/drivers/faults/stale_entries.py', '--runs', '100', '--seed', '1', '--fixtures', join(dir, 'fx'), '--junit', join(dir, 'r.xml'), '--json', join(dir, 'r.json'), '--html', join(dir, 'html')]);
    expect(r.code, r.stderr).toBe(1);
    const outputs = printedCommands(r.stdout, dir);
    for (const c of Object.values(outputs).flat()) expect(c).toMatch(/^npx mcast-testbench replay --driver 'python3 examples\/drivers\/faults\/stale_entries\.py' /);
    await expectEveryCommandReproduces(outputs, /FAIL/);
  });
});
