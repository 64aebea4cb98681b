// Profile plug-ins: a NIC profile from outside this repository, given as its model (a profile
// family, as src/nic/ builds them) and the oracle's spec of the same filter (as src/oracle/filters/
// writes them). Both are needed: `check` compares the model against the spec, so a plug-in
// written twice, independently, is checked like a built-in profile. `--profile-module FILE`
// (src/cli/profile-module.ts) loads a file exporting plug-ins; the library exports
// registerProfile for a user's own property file.
import { existsSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { InputError } from './errors.ts';
import type { FixedFamily, ParameterisedFamily } from './nic/family.ts';
import { addProfileFamily, hasProfileFamily, removeProfileFamily } from './profiles/registry.ts';
import type { NicProfile } from './nic/filter.ts';
import { addSpecFamily, hasSpecFamily, removeSpecFamily } from './oracle/filters/index.ts';
import type { FilterSpec, FilterSpecFamily } from './oracle/filters/spec.ts';

/** A NIC profile from outside the repository: its model and its oracle spec, named alike. */
export interface ProfilePlugin {
  /**
   * The model: how the driver programs the hardware and what the hardware accepts. Build it with
   * fixedFamily(...) or parameterisedFamily(...); `base` is the profile's name ("my-nic", or
   * "my-nic:N" when parameterised).
   */
  readonly model: FixedFamily | ParameterisedFamily;
  /**
   * The oracle's spec of the same filter, with the same `base` (and the same parameter range):
   * which frames the NIC must, may and must not accept, written from the driver's documentation
   * apart from the model. hashFilterAcceptance and refusingTableAcceptance cover the common hash
   * and exact-table shapes.
   */
  readonly spec: FilterSpecFamily;
}

const BASE_RE = /^[a-z0-9][a-z0-9._-]{0,62}$/;

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The fields of a plug-in that must be there, checked before anything is registered. */
function checkShape(value: unknown, where: string): asserts value is ProfilePlugin {
  if (!isObject(value)) throw new InputError(where, `a profile plug-in is an object { model, spec }, got ${value === null ? 'null' : typeof value}`);
  const { model, spec } = value;
  if (!isObject(model)) throw new InputError(where, 'a profile plug-in needs `model`: a profile family (fixedFamily(...) or parameterisedFamily(...))');
  if (!isObject(spec)) throw new InputError(where, 'a profile plug-in needs `spec`: the oracle\'s FilterSpecFamily of the same profile');
  if (typeof model['base'] !== 'string' || !BASE_RE.test(model['base'])) {
    throw new InputError(where, `model.base must be a profile name of lowercase letters, digits, '.', '_' and '-' (no ':' or '+'), got ${JSON.stringify(model['base'])}`);
  }
  if ('stacked' in model) throw new InputError(where, `profile ${model['base']}: a plug-in cannot be a stacked device`);
  if (typeof model['profile'] !== 'function') throw new InputError(where, `profile ${model['base']}: model.profile must be a function`);
  if (typeof model['source'] !== 'string' || typeof model['summary'] !== 'string') {
    throw new InputError(where, `profile ${model['base']}: model.source and model.summary must be strings`);
  }
  if (spec['base'] !== model['base']) {
    throw new InputError(where, `profile ${model['base']}: spec.base must equal model.base, got ${JSON.stringify(spec['base'])}`);
  }
  if (typeof spec['spec'] !== 'function') throw new InputError(where, `profile ${model['base']}: spec.spec must be a function`);
}

function checkProfile(profile: NicProfile, expectedName: string, where: string): void {
  if (!isObject(profile) || profile.name !== expectedName) {
    throw new InputError(where, `profile ${expectedName}: model.profile() must return a NicProfile named ${JSON.stringify(expectedName)}, got ${JSON.stringify(isObject(profile) ? profile.name : profile)}`);
  }
  if (!Array.isArray(profile.thresholds) || !profile.thresholds.every((t) => Number.isSafeInteger(t) && t >= 0)) {
    throw new InputError(where, `profile ${expectedName}: thresholds must be an array of non-negative integers, got ${JSON.stringify(profile.thresholds)}`);
  }
  if (typeof profile.create !== 'function') throw new InputError(where, `profile ${expectedName}: create must be a function`);
}

function checkSpec(spec: FilterSpec, expectedName: string, where: string): void {
  if (!isObject(spec) || spec.name !== expectedName || typeof spec.acceptance !== 'function') {
    throw new InputError(where, `profile ${expectedName}: spec.spec() must return a FilterSpec named ${JSON.stringify(expectedName)} with an acceptance function`);
  }
  const r = spec.refusesBeyond;
  if (r !== null && !(Number.isSafeInteger(r) && r >= 0)) {
    throw new InputError(where, `profile ${expectedName}: spec refusesBeyond must be null or a non-negative integer, got ${JSON.stringify(r)}`);
  }
}

/**
 * Adds a plug-in profile for the rest of the process: `check`, `simulate`, `replay`, a driver's
 * `model` and every function taking a profile name then know it (registered plug-ins also join
 * the default profile list of runCheck). Checks the plug-in first (names, parameter ranges, one
 * profile and one spec built at the default parameter) and throws InputError naming `where` and
 * the profile; nothing is registered when it throws.
 */
export function registerProfile(plugin: ProfilePlugin, where = 'profile plug-in'): void {
  checkShape(plugin, where);
  const { model, spec } = plugin;
  const base = model.base;
  if (hasProfileFamily(base) || hasSpecFamily(base)) {
    throw new InputError(where, `a NIC profile named ${JSON.stringify(base)} exists already; a plug-in profile needs a new name`);
  }
  if (model.parameter) {
    const { min, max, default: def } = model.parameter;
    if (!(Number.isSafeInteger(min) && Number.isSafeInteger(max) && Number.isSafeInteger(def) && min <= def && def <= max)) {
      throw new InputError(where, `profile ${base}: model.parameter needs integers min <= default <= max, got ${JSON.stringify(model.parameter)}`);
    }
    if (spec.parameter === null || spec.parameter.min !== min || spec.parameter.max !== max) {
      throw new InputError(where, `profile ${base}:N: spec.parameter must be { min: ${min}, max: ${max} } like the model's, got ${JSON.stringify(spec.parameter)}`);
    }
    checkProfile(model.profile(def), `${base}:${def}`, where);
    checkSpec(spec.spec(def), `${base}:${def}`, where);
  } else {
    if (spec.parameter !== null) throw new InputError(where, `profile ${base}: the model takes no parameter, so spec.parameter must be null`);
    checkProfile(model.profile(), base, where);
    checkSpec(spec.spec(), base, where);
  }
  addSpecFamily(spec, where);
  addProfileFamily(model, where);
  registered.push({ base, inProcess: !loadingModule });
  if (!loadingModule) inProcessPlugins++;
}

/** Every plug-in registered in this process, in order, and whether it came from an object. */
const registered: { base: string; inProcess: boolean }[] = [];

/**
 * Marks the plug-ins registered so far and returns a function that removes every plug-in
 * registered after the mark and forgets the modules loaded after it (loading one again registers
 * its export again: ESM keeps the module, the registry does not). A test file that shares its
 * process with others (vitest `isolate: false`) leaves no profile behind this way.
 */
export function pluginCheckpoint(): () => void {
  const mark = registered.length;
  const modules = new Set(loadedModules);
  return () => {
    for (const r of registered.splice(mark).reverse()) {
      removeProfileFamily(r.base);
      removeSpecFamily(r.base);
      if (r.inProcess) inProcessPlugins--;
    }
    for (const m of [...loadedModules]) {
      if (!modules.has(m)) {
        loadedModules.delete(m);
        outOfCommands.delete(m);
      }
    }
  };
}

/** Files already loaded by loadProfileModule (absolute paths): a second load is a no-op. */
const loadedModules = new Set<string>();
/** Plug-ins registered from an object in this process rather than from a module file. */
let inProcessPlugins = 0;
let loadingModule = false;

/**
 * What a worker thread of `check --jobs` must load to know the same plug-ins: the module files,
 * or null when some plug-in was registered from an object (it cannot cross to another thread).
 */
export function pluginModulesForWorkers(): string[] | null {
  return inProcessPlugins > 0 ? null : [...loadedModules];
}

/**
 * Imports the ES module at `file` (relative to the working directory) and registers the profile
 * plug-ins it exports: `export default plugin`, `export default [plugin, ...]`, or a named
 * `profiles` array. Returns the registered profile bases. Throws InputError (where = the file)
 * when the file is missing, cannot be imported or exports no valid plug-in.
 */
export async function loadProfileModule(file: string): Promise<string[]> {
  const path = resolve(file);
  if (!existsSync(path) || !statSync(path).isFile()) throw new InputError(file, `profile module ${file} does not exist or is not a file`);
  if (loadedModules.has(path)) return [];
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (e) {
    throw new InputError(file, `cannot import profile module ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
  const exported = ns['default'] ?? ns['profiles'];
  if (exported === undefined) {
    throw new InputError(file, `profile module ${file} exports no profile: export default { model, spec } (or an array of them, or a named \`profiles\` array)`);
  }
  const plugins: unknown[] = Array.isArray(exported) ? exported : [exported];
  if (plugins.length === 0) throw new InputError(file, `profile module ${file} exports an empty list of profiles`);
  // Every plug-in is checked before the first is registered.
  plugins.forEach((p, i) => checkShape(p, plugins.length > 1 ? `${file}[${i}]` : file));
  const names: string[] = [];
  loadingModule = true;
  try {
    for (const [i, p] of plugins.entries()) {
      registerProfile(p as ProfilePlugin, plugins.length > 1 ? `${file}[${i}]` : file);
      names.push((p as ProfilePlugin).model.base);
    }
  } finally {
    loadingModule = false;
  }
  loadedModules.add(path);
  return names;
}

/** Loaded modules that printed commands leave out: those a finished assertProfileHolds loaded. */
const outOfCommands = new Set<string>();

/** The plug-in module files loaded so far (absolute paths, in load order): printed commands pass them on. */
export function loadedProfileModules(): readonly string[] {
  return [...loadedModules].filter((m) => !outOfCommands.has(m));
}

/** A worker thread of `check --jobs`: printed commands name exactly the main thread's `files`, not every module it loaded. */
export function nameInCommandsOnly(files: readonly string[]): void {
  for (const m of loadedModules) if (!files.includes(m)) outOfCommands.add(m);
}

/**
 * Names `file` in printed commands only while `run` runs: a test process checks one plug-in after
 * another (vitest shares modules between files), and each run's replay lines name its own module.
 */
export async function withProfileModule<T>(file: string, run: () => Promise<T>): Promise<T> {
  await loadProfileModule(file);
  const path = resolve(file);
  outOfCommands.delete(path);
  try {
    return await run();
  } finally {
    outOfCommands.add(path);
  }
}

/**
 * The plug-in as written, typed: `export default definePlugin({ model, spec })`. In a plain
 * JavaScript plug-in checked with `tsc --strict` (checkJs), the call gives the object literal its
 * type, so `multicast: 'may'` stays the union member rather than widening to `string`.
 */
export function definePlugin<const P extends ProfilePlugin>(plugin: P): P {
  return plugin;
}
