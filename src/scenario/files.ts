// Finding scenario files: a path is a file, or a directory searched for *.json. Directories hold
// other JSON formats too (e.g. fixtures/kernel/tun-filter-vectors.json): a found file whose
// top-level "schema" names another format is listed as skipped, never validated as a scenario.
import { lstatSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { readInputFile } from './load.ts';
import { SCENARIO_SCHEMA_ID } from './types.ts';

export interface FoundFile {
  readonly path: string;
  /** Why a file found in a directory is not a scenario; absent for scenarios and named files. */
  readonly skip?: string;
}

/** The top-level "schema" string of a JSON file, if it parses and has one. */
function declaredSchema(path: string): string | undefined {
  try {
    const value: unknown = JSON.parse(readInputFile(path));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const schema = (value as Record<string, unknown>)['schema'];
      return typeof schema === 'string' ? schema : undefined;
    }
  } catch {
    // Unreadable or invalid JSON: loading it as a scenario will say what is wrong.
  }
  return undefined;
}

/** A directory (through links); a broken link or anything else is not. */
function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return lstatSync(path).isDirectory();
  }
}

/**
 * A named file as is; a directory: every *.json below it, sorted, skipping names that start
 * with "." (temporary files of saveFixture). Throws InputError for a missing path or a
 * directory without *.json files.
 */
export function findScenarioFiles(path: string): FoundFile[] {
  let isDirectory: boolean;
  try {
    isDirectory = statSync(path).isDirectory();
  } catch {
    // A link whose target is missing is named as such: "no such file" would puzzle.
    let link = false;
    try {
      link = lstatSync(path).isSymbolicLink();
    } catch {
      // not there at all
    }
    throw new InputError(path, link ? 'a broken symbolic link (its target does not exist)' : 'no such file or directory');
  }
  if (!isDirectory) return [{ path }];
  const found = (readdirSync(path, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((rel) => rel.endsWith('.json') && !rel.split(/[\\/]/).some((part) => part.startsWith('.')))
    .map((rel) => join(path, rel))
    // Not the folders; everything else is listed, so a broken link or a FIFO named *.json is
    // reported by name (readInputFile refuses it) instead of vanishing or crashing the search.
    .filter((file) => !isFolder(file))
    .sort();
  if (found.length === 0) throw new InputError(path, 'no *.json scenario files in this directory');
  return found.map((file) => {
    const schema = declaredSchema(file);
    return schema !== undefined && schema !== SCENARIO_SCHEMA_ID
      ? { path: file, skip: `schema ${JSON.stringify(schema)} is not ${SCENARIO_SCHEMA_ID}` }
      : { path: file };
  });
}
