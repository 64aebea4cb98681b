// Finding scenario files: a path is a file, or a directory searched for *.json. Directories hold
// other JSON formats too (e.g. fixtures/kernel/tun-filter-vectors.json): a found file whose
// top-level "schema" names another format is listed as skipped, never validated as a scenario.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../errors.ts';
import { SCENARIO_SCHEMA_ID } from './types.ts';

export interface FoundFile {
  readonly path: string;
  /** Why a file found in a directory is not a scenario; absent for scenarios and named files. */
  readonly skip?: string;
}

/** The top-level "schema" string of a JSON file, if it parses and has one. */
function declaredSchema(path: string): string | undefined {
  try {
    const value: unknown = JSON.parse(readFileSync(path, 'utf8'));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      const schema = (value as Record<string, unknown>)['schema'];
      return typeof schema === 'string' ? schema : undefined;
    }
  } catch {
    // Unreadable or invalid JSON: loading it as a scenario will say what is wrong.
  }
  return undefined;
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
    throw new InputError(path, 'no such file or directory');
  }
  if (!isDirectory) return [{ path }];
  const found = (readdirSync(path, { recursive: true, encoding: 'utf8' }) as string[])
    .filter((rel) => rel.endsWith('.json') && !rel.split(/[\\/]/).some((part) => part.startsWith('.')))
    .map((rel) => join(path, rel))
    .filter((file) => statSync(file).isFile())
    .sort();
  if (found.length === 0) throw new InputError(path, 'no *.json scenario files in this directory');
  return found.map((file) => {
    const schema = declaredSchema(file);
    return schema !== undefined && schema !== SCENARIO_SCHEMA_ID
      ? { path: file, skip: `schema ${JSON.stringify(schema)} is not ${SCENARIO_SCHEMA_ID}` }
      : { path: file };
  });
}
