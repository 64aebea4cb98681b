// Reading scenario files: JSON syntax, then the schema, then static validation. Every failure is
// an InputError whose one-line message names the file and the JSON pointer of the bad field,
// e.g. `fixtures/x.json: /steps/3/group: invalid IP address "224.1.1"`.
import { type Stats, closeSync, constants, fstatSync, lstatSync, openSync, readSync, readlinkSync, statSync } from 'node:fs';
import { InputError } from '../errors.ts';
import { assertScenarioShape } from './conform.ts';
import { jsonErrorOffset, lineColumn } from './json-position.ts';
import type { Scenario } from './types.ts';
import { expandRelayInterfaces } from './relay-form.ts';
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
    return expandRelayInterfaces(value);
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

/** What a non-regular file is, for the error line. */
function fileKind(st: Stats): string {
  if (st.isDirectory()) return 'is a directory';
  if (st.isFIFO()) return 'not a regular file (a FIFO)';
  if (st.isCharacterDevice()) return 'not a regular file (a character device)';
  if (st.isBlockDevice()) return 'not a regular file (a block device)';
  if (st.isSocket()) return 'not a regular file (a socket)';
  return 'not a regular file';
}

function cannotRead(path: string, e: unknown): InputError {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  const why =
    code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : code === 'EACCES' ? 'permission denied (EACCES)' : `cannot read (${code ?? String(e)})`;
  return new InputError(path, why);
}

/**
 * Reads a whole regular file as UTF-8. Anything else (a FIFO, a device, a socket, a directory)
 * is refused before a byte is read: a FIFO would block open(2) and read(2) forever and a device
 * may never end. Reads at most MAX_INPUT_FILE_BYTES. Every failure is an InputError naming the
 * path.
 */
export function readInputFile(path: string): string {
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    // stat follows links: a link whose target is missing (lstat finds the link itself).
    if (code === 'ENOENT' && lstatOrNull(path)?.isSymbolicLink()) {
      throw new InputError(path, `a broken symbolic link (to ${JSON.stringify(readlinkOrEmpty(path))}, which does not exist); give a scenario file`);
    }
    throw cannotRead(path, e);
  }
  const notRegular = (s: Stats): InputError => new InputError(path, `${fileKind(s)}; give a scenario file (a regular file of JSON, at most ${MAX_INPUT_FILE_BYTES} bytes)`);
  if (!st.isFile()) throw notRegular(st);
  let fd: number;
  try {
    // O_NONBLOCK: if the path was swapped for a FIFO since the stat, open(2) does not wait for a writer.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (e) {
    throw cannotRead(path, e);
  }
  try {
    const now = fstatSync(fd);
    if (!now.isFile()) throw notRegular(now);
    const chunks: Buffer[] = [];
    let total = 0;
    for (;;) {
      const chunk = Buffer.alloc(1 << 20);
      let n: number;
      try {
        n = readSync(fd, chunk, 0, chunk.length, null);
      } catch (e) {
        throw cannotRead(path, e);
      }
      if (n === 0) break;
      total += n;
      if (total > MAX_INPUT_FILE_BYTES) throw new InputError(path, `larger than ${MAX_INPUT_FILE_BYTES} bytes`);
      chunks.push(chunk.subarray(0, n));
    }
    return Buffer.concat(chunks).toString('utf8');
  } finally {
    closeSync(fd);
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}

function readlinkOrEmpty(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** Reads and parses a scenario file; a missing or unreadable file is one InputError line. */
export function loadScenarioFile(path: string): Scenario {
  const text = readInputFile(path);
  // A UTF-8 byte order mark is not JSON but editors write it.
  return parseScenario(text.startsWith('\uFEFF') ? text.slice(1) : text, path);
}
