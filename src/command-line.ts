// Every command the tool prints (terminal, JUnit, JSON, HTML) must reproduce the run when pasted
// where it was printed. `npx mcast-testbench` runs the tool both in a clone and in a project that
// has it as a dev dependency (a bare `mcast-testbench` is on no PATH there); the plug-in modules
// the run loaded go along, or a replay of a plug-in profile would fail on its unknown name.
import { isAbsolute, relative } from 'node:path';
import { loadedProfileModules } from './profile-plugin.ts';

export const TOOL_COMMAND = 'npx mcast-testbench';

/** A word as a POSIX shell reads it back unchanged. */
export function shellQuote(word: string): string {
  return /^[\w@%+=:,./~-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`;
}

/** A path as a person pastes it here: relative to the working directory when inside it. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  if (!isAbsolute(path)) return path;
  const rel = relative(cwd, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : path;
}

/**
 * The command line that runs `words` (unquoted: each is quoted as needed) with this run's plug-in
 * modules, e.g. toolCommand(['replay', file]) -> "npx mcast-testbench replay fixtures/x.json".
 */
export function toolCommand(words: readonly string[]): string {
  const modules = loadedProfileModules().flatMap((m) => ['--profile-module', displayPath(m)]);
  return [TOOL_COMMAND, ...[...words.slice(0, 1), ...modules, ...words.slice(1)].map(shellQuote)].join(' ');
}
