// Runs the real CLI in a child process: the run's build of it, or bin/mcast-testbench.js for a
// TypeScript plug-in (test/cli-build/cli.ts).
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { HANG_BOUND_MS } from '../bounds.ts';
import { cliArgv } from '../cli-build/cli.ts';

export const ROOT = join(import.meta.dirname, '../..');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

/** `sources`: bin/mcast-testbench.js, src/ through tsx, rather than the run's build (cliArgv). */
export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number; sources?: boolean } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      cliArgv(args, { sources: options.sources === true }),
      { cwd: options.cwd ?? ROOT, timeout: options.timeoutMs ?? HANG_BOUND_MS, maxBuffer: 64 * 1024 * 1024, env: { ...process.env, MCAST_TESTBENCH_DEBUG: '' } },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') return reject(error);
        resolve({ code: error ? (error.code as number) : 0, stdout, stderr });
      },
    );
  });
}

/** Lines of an output, without the final newline's empty line. */
export function lines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n');
}

/** The contract for bad input: the exit code, exactly one stderr line, never a stack trace. */
export function expectOneLineError(r: CliRun, code: number, pattern: RegExp): void {
  expect(r.code, r.stderr).toBe(code);
  expect(lines(r.stderr), r.stderr).toHaveLength(1);
  expect(r.stderr).toMatch(pattern);
  expect(r.stderr).not.toMatch(/^\s+at /m);
}
