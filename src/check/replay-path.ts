// The replay path `check` prints with a failure ("model~3:0:1~<commands path>") and the command
// line that replays it.
import { InputError } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import { PROFILE_PROPERTIES, type ProfilePropertyName } from './properties.ts';

export const PATH_SEPARATOR = '~';

export interface ParsedPath {
  readonly property: ProfilePropertyName;
  readonly fcPath: string;
  readonly replayPath?: string;
}

/** fast-check's fc.commands replay path: base-64 run counts, ':', base-64 change bits. */
const COMMANDS_REPLAY_PATH = /^[A-Za-z0-9+/]+:[A-Za-z0-9+/]*$/;

export function parsePath(path: string): ParsedPath {
  const bad = (why: string): never => {
    throw new InputError(
      '--path',
      `${JSON.stringify(path)}: ${why}; give a path printed by a failing check, e.g. model${PATH_SEPARATOR}3:0:1 (property ${Object.keys(PROFILE_PROPERTIES).join(' or ')}, then the run path, then for model an optional command replay path)`,
    );
  };
  const parts = path.split(PATH_SEPARATOR);
  const [property, fcPath, replayPath] = parts;
  if (!property || !(property in PROFILE_PROPERTIES)) bad(`unknown property ${JSON.stringify(property ?? '')}`);
  if (!fcPath || !/^\d+(:\d+)*$/.test(fcPath)) bad(`invalid run path ${JSON.stringify(fcPath ?? '')} (numbers separated by ":")`);
  if (parts.length > 3) bad(`too many "${PATH_SEPARATOR}" parts`);
  if (replayPath !== undefined && (property !== 'model' || !COMMANDS_REPLAY_PATH.test(replayPath))) {
    bad(property !== 'model' ? `property ${property} takes no command replay path` : `invalid command replay path ${JSON.stringify(replayPath)}`);
  }
  return { property: property as ProfilePropertyName, fcPath: fcPath as string, ...(replayPath ? { replayPath } : {}) };
}

function shellQuote(s: string): string {
  return /^[\w@%+=:,./~-]+$/.test(s) ? s : `'${s.replace(/'/g, `'\\''`)}'`;
}

export function replayLine(profile: string, seed: number, path: string, faults: FaultSet): string {
  const parts = ['mcast-testbench check --profile', shellQuote(profile), '--seed', String(seed), '--path', shellQuote(path)];
  for (const f of faults) parts.push('--inject-fault', f);
  return parts.join(' ');
}
