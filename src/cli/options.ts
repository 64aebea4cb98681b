// Option values shared by several commands (commander argParsers and name checks), checked
// before any work starts.
import { InvalidArgumentError } from 'commander';
import { InputError } from '../errors.ts';
import { FAULTS, type FaultName, type FaultSet, isFaultName } from '../faults.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { bareMessage } from '../scenario/validate.ts';

/** commander argParser for repeatable options: collects every value in order. */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** commander argParser: a decimal integer >= 1. */
export function positiveInteger(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer.');
  return n;
}

/** commander argParser: a decimal integer (fast-check seeds are 32-bit signed). */
export function seedValue(value: string): number {
  const n = /^-?[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < -(2 ** 31) || n >= 2 ** 31) {
    throw new InvalidArgumentError('must be an integer from -2147483648 to 2147483647.');
  }
  return n;
}

/** Resolves the profile name now, so a typo is a usage error before anything runs. */
export function checkProfileName(name: string, option = '--profile'): string {
  try {
    return resolveProfile(name).name;
  } catch (e) {
    if (e instanceof InputError) throw new InputError(option, bareMessage(e));
    throw e;
  }
}

export function faultSet(names: readonly string[] | undefined): FaultSet {
  const set = new Set<FaultName>();
  for (const name of names ?? []) {
    if (!isFaultName(name)) {
      throw new InputError('--inject-fault', `unknown fault ${JSON.stringify(name)}; known faults: ${Object.keys(FAULTS).join(', ')}`);
    }
    set.add(name);
  }
  return set;
}
