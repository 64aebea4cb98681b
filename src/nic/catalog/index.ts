// The catalog, collected: every profile family exported by a file of this folder (a profile
// modelled on a real driver), in file-name order. Adding a catalog profile is one file here
// exporting its family (fixedFamily / parameterisedFamily, or the same shape written out), plus
// its oracle spec in src/oracle/filters/ (collected the same way) and its test vectors.
// Works from src/ (.ts, through tsx or vitest) and from the build in dist/ (.js).
import { readdirSync } from 'node:fs';
import type { FixedFamily, ParameterisedFamily } from '../family.ts';

/** A catalog family: the exported objects that have a name, a source and a profile builder. */
function isFamily(value: unknown): value is FixedFamily | ParameterisedFamily {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  return typeof v['base'] === 'string' && typeof v['source'] === 'string' && typeof v['summary'] === 'string' && typeof v['profile'] === 'function';
}

const HERE = new URL('./', import.meta.url);
const FILES = readdirSync(HERE)
  .filter((f) => /\.(ts|js)$/.test(f) && !f.endsWith('.d.ts') && !/^index\.(ts|js)$/.test(f))
  .sort();
const MODULES: Record<string, unknown>[] = await Promise.all(FILES.map((f) => import(new URL(f, HERE).href) as Promise<Record<string, unknown>>));

/** Every family of src/nic/catalog/, ordered by file, then by export name within a file. */
// Sorted by name explicitly: a module namespace lists its exports by name, a test runner's module object may not.
export const CATALOG_FAMILIES: readonly (FixedFamily | ParameterisedFamily)[] = MODULES.flatMap((m) =>
  Object.keys(m)
    .sort()
    .map((k) => m[k])
    .filter(isFamily),
);
