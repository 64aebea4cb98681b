// The package's version, read from its package.json (one directory above src/ in a clone, above
// dist/ in the installed package: the same relative path from both).
import { readFileSync } from 'node:fs';

function readVersion(): string {
  const text = readFileSync(new URL('../package.json', import.meta.url), 'utf8');
  const parsed: unknown = JSON.parse(text);
  const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
  if (typeof version !== 'string') throw new Error('package.json of mcast-testbench has no "version" string');
  return version;
}

/** The mcast-testbench version, e.g. "0.1.0" (package.json's `version`). */
export const VERSION: string = readVersion();
