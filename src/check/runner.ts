// `mcast-testbench check`: resolves the profiles, plans the (profile, property) units (sharded on
// request) and runs them here or in worker threads (./parallel.ts); one unit is
// ./run-property.ts's.
import { InputError } from '../errors.ts';
import { builtinProfileNames, resolveProfile } from '../profiles/registry.ts';
import { hasOracleSpec } from '../oracle/index.ts';
import { pluginModulesForWorkers } from '../profile-plugin.ts';
import { type ProfilePropertyName, propertiesFor } from './properties.ts';
import { parsePath } from './replay-path.ts';
import { runProperty } from './run-property.ts';
import { shardUnits } from './shard.ts';
import { type CheckFailure, type CheckOptions, type CheckOutcome, type CheckUnit, type UnitOutcome, profileSeed } from './units.ts';

function resolveProfiles(requested: readonly string[], log: (l: string) => void): string[] {
  if (requested.length > 0) {
    return requested.map((name) => {
      const p = resolveProfile(name).name;
      if (!hasOracleSpec(p)) throw new InputError(name, `the oracle has no spec for profile ${JSON.stringify(p)}: it cannot be checked`);
      return p;
    });
  }
  const names = builtinProfileNames();
  const skipped = names.filter((n) => !hasOracleSpec(n));
  if (skipped.length > 0) log(`skipping ${skipped.join(', ')}: the oracle has no spec for them yet`);
  return names.filter((n) => hasOracleSpec(n));
}

export async function runCheck(options: CheckOptions): Promise<CheckOutcome> {
  if (!Number.isSafeInteger(options.runs) || options.runs < 1) {
    throw new InputError(String(options.runs), '--runs must be a positive integer');
  }
  const replay = options.path !== undefined ? parsePath(options.path) : null;
  if (replay && options.seed === undefined) throw new InputError('--path', `${JSON.stringify(options.path ?? '')}: needs the --seed it was printed with`);
  const seed = options.seed ?? Math.floor(Math.random() * 0x7fffffff);
  const profiles = resolveProfiles(options.profiles, options.log);
  if (options.shard && options.seed === undefined) throw new InputError('--shard', `${options.shard.index}/${options.shard.count}: needs --seed (every shard must run with the same seed)`);
  if (options.shard && replay) throw new InputError('--shard', 'a --path replays one case: it cannot be sharded');
  const only = options.properties;
  const propertiesOf = (profile: string): ProfilePropertyName[] =>
    replay ? [replay.property] : propertiesFor(profile, options.profiles.length === 0).filter((p) => only === undefined || only.includes(p));
  const all: CheckUnit[] = profiles.flatMap((profile) => propertiesOf(profile).map((property) => ({ profile, property })));
  const units = options.shard ? shardUnits(all, options.shard) : all;
  const failures: CheckFailure[] = [];
  const outcomes: UnitOutcome[] = [];
  const shardText = options.shard ? `, shard ${options.shard.index}/${options.shard.count}: ${units.length} of ${all.length} (profile, property) units` : '';
  options.log(`check: ${profiles.length} profile(s), ${options.runs} runs per property, seed ${seed}${shardText}${options.faults.size > 0 ? `, injected faults: ${[...options.faults].join(', ')}` : ''}`);
  options.events?.plan?.(units, replay ? 1 : options.runs);
  // A plug-in registered from an object cannot reach a worker thread: those runs stay in this one.
  const jobs = pluginModulesForWorkers() === null ? 1 : (options.jobs ?? 1);
  if (jobs > 1 && !replay && units.length > 1) {
    const { runUnitsInWorkers } = await import('./parallel.ts');
    const done = await runUnitsInWorkers(units, options, seed, jobs);
    const failed = done.flatMap((o) => (o.failure ? [o.failure] : []));
    return { ok: failed.length === 0, failures: failed, seed, units: done };
  }
  for (const { profile, property } of units) {
    const started = Date.now();
    const caseIds = options.recordCases ? [] : null;
    const { failure, runs } = await runProperty(profile, property, options, seed, replay, caseIds);
    if (failure) failures.push(failure);
    const outcome: UnitOutcome = {
      profile,
      property,
      ok: failure === null,
      runs,
      timeMs: Date.now() - started,
      profileSeed: profileSeed(seed, profile),
      ...(caseIds ? { caseIds } : {}),
      ...(failure ? { failure } : {}),
    };
    outcomes.push(outcome);
    options.events?.unitDone?.(outcome);
  }
  return { ok: failures.length === 0, failures, seed, units: outcomes };
}
