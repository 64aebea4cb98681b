// Runs the real CLI (node bin/mcast-testbench.js) in a child process.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { HANG_BOUND_MS } from '../bounds.ts';

export const ROOT = join(import.meta.dirname, '../..');
const BIN = join(ROOT, 'bin/mcast-testbench.js');

export interface CliRun {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

export function runCli(args: readonly string[], options: { cwd?: string; timeoutMs?: number } = {}): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      [BIN, ...args],
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
