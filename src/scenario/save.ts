// Writing scenarios: stable pretty JSON with keys in schema order, saved atomically and never
// over an existing file (a fixture is evidence: a second failure gets name-2.json).
import { closeSync, fsyncSync, linkSync, mkdirSync, openSync, renameSync, rmdirSync, statSync, unlinkSync, writeFileSync, existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { InputError } from '../errors.ts';
import { type JsonSchema, scenarioSchema, stepSchemaFor } from './schema.ts';
import type { Scenario } from './types.ts';

/**
 * Orders object keys as the schema lists its properties (unknown keys after them, in their own
 * order); maps (additionalProperties schemas) keep their own key order.
 */
function ordered(value: unknown, schema: JsonSchema | undefined): unknown {
  if (Array.isArray(value)) {
    const items = schema?.['items'] as JsonSchema | undefined;
    return value.map((v) => ordered(v, items));
  }
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  // A step's schema depends on its op (the schema chooses it with a discriminator).
  const chosen = schema?.['discriminator'] && typeof record['op'] === 'string' ? stepSchemaFor(record['op']) : schema;
  const properties = chosen?.['properties'] as Record<string, JsonSchema> | undefined;
  const additional = chosen?.['additionalProperties'];
  const keys = properties
    ? [...Object.keys(properties).filter((k) => Object.hasOwn(record, k)), ...Object.keys(record).filter((k) => !Object.hasOwn(properties, k))]
    : Object.keys(record);
  const out: Record<string, unknown> = {};
  for (const k of keys) {
    if (record[k] === undefined) continue;
    const sub = properties?.[k] ?? (typeof additional === 'object' ? (additional as JsonSchema) : undefined);
    out[k] = ordered(record[k], sub);
  }
  return out;
}

/** The scenario as saveFixture writes it: 2-space JSON, keys in schema order, final newline. */
export function formatScenario(scenario: Scenario): string {
  return `${JSON.stringify(ordered(scenario, scenarioSchema), null, 2)}\n`;
}

const SAFE_NAME = /[^A-Za-z0-9._-]+/g;
/** Guards the name search against a directory that somehow holds every candidate. */
const MAX_NAME_ATTEMPTS = 10_000;

function fileBase(baseName: string): string {
  const base = baseName.replace(/\.json$/i, '').replace(SAFE_NAME, '-').replace(/^[.-]+/, '');
  return base === '' ? 'scenario' : base;
}

/** Links `tmp` to `target` unless `target` exists; true on success. */
function placeIfAbsent(tmp: string, target: string): boolean {
  try {
    // link(2) fails with EEXIST instead of replacing: no window in which another writer's file
    // could be overwritten, unlike a check followed by rename(2).
    linkSync(tmp, target);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') return false;
    // Filesystems without hard links: check, then rename (atomic, but racy against others).
    if (code === 'EPERM' || code === 'ENOTSUP' || code === 'EOPNOTSUPP' || code === 'ENOSYS') {
      if (existsSync(target)) return false;
      renameSync(tmp, target);
      return true;
    }
    throw e;
  }
}

function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = openSync(dir, 'r');
    fsyncSync(fd);
  } catch {
    // Some platforms cannot open or fsync a directory; the file itself is already synced.
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

/**
 * Saves the scenario as DIR/BASE.json (or BASE-2.json, BASE-3.json, ... if taken), creating DIR.
 * The file appears complete or not at all: written to a temporary file in DIR, fsynced, then
 * linked into place. Returns the path written.
 */
export function saveFixture(dir: string, baseName: string, scenario: Scenario): string {
  return saveNewFile(dir, fileBase(baseName), '.json', formatScenario(scenario));
}

/**
 * Saves TEXT as DIR/BASE+SUFFIX (or BASE-2+SUFFIX, ... if taken), creating DIR: atomically and
 * never over an existing file, as saveFixture does. For other evidence files (driver transcripts).
 */
export function saveNewFile(dir: string, base: string, suffix: string, text: string): string {
  makeDirectory(dir);
  const tmp = join(dir, `.${base}.${process.pid}.${Date.now()}.${Math.random().toString(36).slice(2)}.tmp`);
  const fd = openSync(tmp, 'wx', 0o644);
  try {
    writeFileSync(fd, text);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    for (let n = 1; n <= MAX_NAME_ATTEMPTS; n++) {
      const target = join(dir, n === 1 ? `${base}${suffix}` : `${base}-${n}${suffix}`);
      if (placeIfAbsent(tmp, target)) {
        fsyncDir(dir);
        return target;
      }
    }
    throw new Error(`no free name for ${base}${suffix} in ${dir} after ${MAX_NAME_ATTEMPTS} attempts`);
  } finally {
    if (existsSync(tmp)) unlinkSync(tmp);
  }
}

/** The errno name of a failed fs call, or the error's text when it has none. */
function errnoOf(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | null)?.code;
  return typeof code === 'string' ? code : e instanceof Error ? e.message : String(e);
}

/**
 * mkdir -p one level at a time. Node 20's mkdirSync(dir, { recursive: true }) never returns for
 * a path under /proc (mkdir(2) answers ENOENT for a parent that exists, and Node retries the
 * parent forever at 100% CPU, deaf to signals): bad input must fail at once instead.
 */
export function makeDirectory(dir: string): void {
  const path = resolve(dir);
  try {
    if (statSync(path).isDirectory()) return;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
    if (dirname(path) !== path) makeDirectory(dirname(path));
    mkdirSync(path);
    return;
  }
  mkdirSync(path); // exists but is not a directory: EEXIST
}

/**
 * Checks, before any work starts, that `dir` (given by `option`) is a directory or can be
 * created, without creating it: a run must not find out at its end that it cannot save its
 * evidence. Throws InputError naming the option, the path and the errno.
 */
export function checkOutputDirectory(dir: string, option: string): void {
  const path = resolve(dir);
  const refuse = (at: string, errno: string): never => {
    const where = at === path ? '' : ` (at ${JSON.stringify(at)})`;
    throw new InputError(option, `cannot create directory ${JSON.stringify(dir)}${where}: ${errno}; give a directory that exists or can be created`);
  };
  // The nearest ancestor that exists, and the first missing component below it.
  let existing = path;
  let missing: string | null = null;
  for (;;) {
    try {
      if (!statSync(existing).isDirectory()) refuse(existing, 'ENOTDIR');
      break;
    } catch (e) {
      if (e instanceof InputError) throw e;
      const code = errnoOf(e);
      if (code !== 'ENOENT' || dirname(existing) === existing) refuse(existing, code);
      missing = existing;
      existing = dirname(existing);
    }
  }
  if (missing === null) return;
  // The one test that tells exactly: create the first missing level and remove it again.
  try {
    mkdirSync(missing);
  } catch (e) {
    refuse(missing, errnoOf(e));
  }
  rmdirSync(missing);
}
