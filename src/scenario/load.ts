// Reading scenario files: JSON syntax, then the schema, then static validation. Every failure is
// an InputError whose one-line message names the file and the JSON pointer of the bad field,
// e.g. `fixtures/x.json: /steps/3/group: invalid IP address "224.1.1"`.
import { closeSync, openSync, readSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { assertScenarioShape } from './conform.ts';
import { jsonErrorOffset, lineColumn } from './json-position.ts';
import type { Scenario } from './types.ts';
import { bareMessage, validateScenario } from './validate.ts';

/** One line: control characters (newlines in a V8 message or a value) become spaces. */
function oneLine(text: string): string {
  return text.replace(/[\r\n\t]+/g, ' ');
}

function parseJson(text: string, source: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(source, 'invalid JSON: nested too deeply');
    let offset: number;
    try {
      offset = jsonErrorOffset(text);
    } catch {
      offset = text.length;
    }
    const { line, column } = lineColumn(text, offset);
    const found = offset >= text.length ? 'unexpected end of input' : `unexpected ${JSON.stringify(text[offset])}`;
    throw new InputError(source, `invalid JSON at line ${line} column ${column}: ${found}`);
  }
}

/**
 * Parses and validates a scenario. `source` names it in errors (the path as the user gave it).
 * Throws InputError `${source}: ${pointer}: ${message}` (one line).
 */
export function parseScenario(text: string, source: string): Scenario {
  const value = parseJson(text, source);
  try {
    assertScenarioShape(value);
    validateScenario(value);
    return value;
  } catch (e) {
    if (e instanceof InputError) {
      const where = e.where ? `${source}: ${e.where}` : source;
      throw new InputError(where, oneLine(bareMessage(e)));
    }
    throw e;
  }
}

/**
 * Largest input file read (scenarios and driver transcripts are kilobytes): a device such as
 * /dev/zero or a runaway file is an input error, not an endless read.
 */
export const MAX_INPUT_FILE_BYTES = 64 * 1024 * 1024;

/** Reads a whole file as UTF-8, throwing RangeError past MAX_INPUT_FILE_BYTES. */
export function readInputFile(path: string): string {
  const fd = openSync(path, 'r');
  try {
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(1 << 20);
      const n = readSync(fd, chunk, 0, chunk.length, null);
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_FILE_BYTES) throw new RangeError(`larger than ${MAX_INPUT_FILE_BYTES} bytes`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

/** Reads and parses a scenario file; a missing or unreadable file is one InputError line. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readInputFile(path);
  } catch (e) {
    if (e instanceof RangeError) throw new InputError(path, e.message);
    const code = (e as NodeJS.ErrnoException).code;
    const why =
      code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied' : `cannot read (${code ?? String(e)})`;
    throw new InputError(path, why);
  }
  // A UTF-8 byte order mark is not JSON but editors write it.
  return parseScenario(text.startsWith('\uFEFF') ? text.slice(1) : text, path);
}
