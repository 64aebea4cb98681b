// Shared by the reliability suite: the real CLI in a child process (its own process group, so a
// test can signal it and check that nothing of it survives), unique scratch folders that are
// checked for removal, and the leftovers check every file runs at its end.
import { type ChildProcess, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect } from 'vitest';
import { groupMembersRunning } from '../driver/procs.ts';
import { cliArgv } from '../cli-build/cli.ts';

export const ROOT = join(import.meta.dirname, '../..');
export const DRIVERS = join(import.meta.dirname, 'drivers');

export interface Run {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly pid: number;
}

export interface Started {
  readonly child: ChildProcess;
  readonly pid: number;
  /** Resolves when some stderr or stdout line matches. */
  line(pattern: RegExp): Promise<string>;
  readonly done: Promise<Run>;
}

/** Every CLI child started by this file: the leftovers check looks for their groups and namespaces. */
const started: number[] = [];
const scratch: string[] = [];

/** Starts the CLI (node with cliArgv(ARGS): test/cli-build/cli.ts) in its own process group. */
export function start(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Started {
  const child = spawn(process.execPath, cliArgv(args), {
    cwd: options.cwd ?? ROOT,
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, MCAST_TESTBENCH_DEBUG: '', ...options.env },
  });
  const pid = child.pid as number;
  started.push(pid);
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: (l: string) => void }[] = [];
  const scan = (): void => {
    for (const w of [...waiters]) {
      const hit = `${stdout}\n${stderr}`.split('\n').find((l) => w.pattern.test(l));
      if (hit !== undefined) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(hit);
      }
    }
  };
  child.stdout?.setEncoding('utf8').on('data', (c: string) => ((stdout += c), scan()));
  child.stderr?.setEncoding('utf8').on('data', (c: string) => ((stderr += c), scan()));
  const done = new Promise<Run>((resolve) => {
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr, pid }));
  });
  return {
    child,
    pid,
    done,
    line: (pattern) =>
      new Promise<string>((resolve, reject) => {
        waiters.push({ pattern, resolve });
        scan();
        void done.then((r) => reject(new Error(`exited (${r.code ?? r.signal}) before a line matching ${pattern}:\n${r.stdout}\n${r.stderr}`)));
      }),
  };
}

/** Runs the CLI to its end. */
export function run(args: readonly string[], options: { cwd?: string; env?: Record<string, string> } = {}): Promise<Run> {
  return start(args, options).done;
}

/** A fresh folder under the system temp dir, removed (and checked) at the end of the file. */
export function scratchDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mtb-rel-'));
  scratch.push(dir);
  return dir;
}

/**
 * A driver error (exit 3) says its message once, in the DRIVER ERROR report on stdout; stderr's
 * last line names only its kind (issue 22). `pattern` is written for the message as
 * `error: driver error (KIND): ...`.
 */
function expectDriverReport(r: Run, pattern: RegExp): void {
  const kind = /driver error \\\(([a-z-]+)\\\)/.exec(pattern.source)?.[1];
  const report = new RegExp(pattern.source.replace(/^\^error: /, '^DRIVER ERROR: (?:[^:\n]+: )?'), 'm');
  expect(r.stdout, r.stdout).toMatch(report);
  expect(r.stderr.trimEnd().split('\n').at(-1), r.stderr).toBe(`error: driver error (${kind}): the driver under test misbehaved (exit 3); the DRIVER ERROR report is on stdout`);
}

/** The error contract: this exit code, one stderr line matching (exit 3: the report), no stack. */
export function expectError(r: Run, code: number, pattern: RegExp): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(code);
  expect(r.stderr.trimEnd().split('\n'), r.stderr).toHaveLength(1);
  if (code === 3) expectDriverReport(r, pattern);
  else expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

/** A driver error after hello: exit 3, the report on stdout matches (progress lines come first on stderr). */
export function expectDriverError(r: Run, pattern: RegExp): void {
  expect(r.code, `${r.stdout}\n${r.stderr}`).toBe(3);
  expectDriverReport(r, pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}

function namespacesOf(pid: number): string[] {
  if (!existsSync('/run/netns')) return [];
  return readdirSync('/run/netns').filter((n) => n.startsWith(`mtb-${pid}-`));
}

/** Temporary files the testbench itself names (report files, fixtures being saved). */
function strayTempFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.tmp(-\d+)?$/.test(f) || /(^|\/)\.[^/]*\.tmp$/.test(f));
}

/**
 * At the end of the file: no process group of a started CLI still runs (its drivers run in
 * groups of their own: the tests that start drivers check those), no namespace of it is left,
 * no temp file the testbench names is left in the working tree, and every scratch folder is
 * removed.
 */
export function checkLeftoversAfterAll(): void {
  const fixturesBefore = new Set(readdirSync(join(ROOT, 'fixtures'), { recursive: true, encoding: 'utf8' }));
  afterAll(() => {
    const fixturesAfter = readdirSync(join(ROOT, 'fixtures'), { recursive: true, encoding: 'utf8' });
    expect(fixturesAfter.filter((f) => !fixturesBefore.has(f)), 'files left in fixtures/').toEqual([]);
    for (const dir of scratch) {
      expect(strayTempFiles(dir), `temp files left in ${dir}`).toEqual([]);
      rmSync(dir, { recursive: true, force: true });
    }
    for (const pid of started) {
      expect(groupMembersRunning(pid), `processes of CLI run ${pid}`).toEqual([]);
      expect(namespacesOf(pid), `namespaces of CLI run ${pid}`).toEqual([]);
    }
    expect(strayTempFiles(join(ROOT, 'fixtures')), 'temp files in fixtures/').toEqual([]);
  });
}
