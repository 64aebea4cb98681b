// --junit FILE and --json FILE: checked before a run starts (a run must not find out at its end
// that it cannot write), written at its end, atomically (a temporary file, then rename).
import { accessSync, constants, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { resultsJson } from './json.ts';
import { junitXml } from './junit.ts';
import type { Results } from './types.ts';

export interface ResultsOutputs {
  readonly junit?: string;
  readonly json?: string;
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  return err.code ? `${err.code}${err.syscall ? ` (${err.syscall})` : ''}` : String((e as Error).message ?? e);
}

/** Throws InputError naming the option, the path and the errno when `path` cannot be written. */
export function checkWritableFile(path: string, option: string): void {
  const bad = (why: string): never => {
    throw new InputError(option, `cannot write ${JSON.stringify(path)}: ${why}`);
  };
  if (path.trim() === '') bad('an empty file name');
  const target = resolve(path);
  try {
    if (statSync(target).isDirectory()) bad('EISDIR (a directory)');
  } catch (e) {
    if (e instanceof InputError) throw e;
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') bad(errnoText(e));
  }
  const dir = dirname(target);
  try {
    if (!statSync(dir).isDirectory()) bad(`ENOTDIR (${dir} is not a directory)`);
    accessSync(dir, constants.W_OK);
  } catch (e) {
    if (e instanceof InputError) throw e;
    bad(`${errnoText(e)} (${dir})`);
  }
}

export function checkResultsOutputs(outputs: ResultsOutputs): void {
  if (outputs.junit !== undefined) checkWritableFile(outputs.junit, '--junit');
  if (outputs.json !== undefined) checkWritableFile(outputs.json, '--json');
}

export function writeTextFile(path: string, text: string, option: string): void {
  const target = resolve(path);
  const tmp = `${target}.tmp-${process.pid}`;
  try {
    writeFileSync(tmp, text);
    renameSync(tmp, target);
  } catch (e) {
    throw new InputError(option, `cannot write ${JSON.stringify(path)}: ${errnoText(e)}`);
  } finally {
    rmSync(tmp, { force: true });
  }
}

export function writeResults(results: Results, outputs: ResultsOutputs): void {
  if (outputs.junit !== undefined) writeTextFile(outputs.junit, junitXml(results), '--junit');
  if (outputs.json !== undefined) writeTextFile(outputs.json, resultsJson(results), '--json');
}
