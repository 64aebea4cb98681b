// `check --jobs N`: the (profile, property) units of a run spread over N worker threads
// (./check-worker.ts), each taking the next unit when it is free. Every unit runs with the seed
// and the code it would run with alone, so the outcome is the single-threaded one; log lines
// are printed unit by unit in the run's order, so the output is too (only the progress line and
// the elapsed times differ).
import { Worker } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import type { CheckFailure, CheckOptions, CheckUnit, UnitOutcome } from './units.ts';
import { profileSeed } from './units.ts';
import { loadedProfileModules, pluginModulesForWorkers } from '../profile-plugin.ts';
import { resolveProfile } from '../profiles/registry.ts';

export interface CheckWorkerData {
  readonly runs: number;
  readonly seed: number;
  readonly faults: readonly string[];
  readonly fixturesDir: string;
  readonly recordCases: boolean;
  /** --profile-module files to load before the first unit (src/profile-plugin.ts). */
  readonly profileModules: readonly string[];
  /** Those of them printed commands name (loadedProfileModules): a finished assertProfileHolds's module is loaded but not named. */
  readonly commandModules: readonly string[];
}

export interface WorkerRequest extends CheckUnit {
  readonly index: number;
}

export type WorkerReply =
  | { readonly kind: 'log'; readonly index: number; readonly line: string }
  | { readonly kind: 'progress'; readonly line: string }
  | { readonly kind: 'run' | 'shrink'; readonly index: number }
  | {
      readonly kind: 'done';
      readonly index: number;
      readonly unit: CheckUnit;
      readonly failure: CheckFailure | null;
      readonly runs: number;
      readonly timeMs: number;
      readonly caseIds?: readonly string[];
    }
  | { readonly kind: 'error'; readonly index: number; readonly input: { where: string; message: string } | null; readonly message: string };

/** Runs src/check/check-worker.ts (or the built .js next to this file) in a worker thread. */
function startWorker(data: CheckWorkerData): Worker {
  const fromSource = import.meta.url.endsWith('.ts');
  const url = new URL(fromSource ? './check-worker.ts' : './check-worker.js', import.meta.url).href;
  // From the sources the worker needs tsx's loader, as the CLI itself does (bin/mcast-testbench.js).
  // An eval'd worker resolves bare names from the current directory: hand it tsx's own URL.
  // From the sources a plug-in's import of the package name must also reach them (self-reference.ts).
  const bootstrap = fromSource
    ? `const { workerData } = require('node:worker_threads'); import(workerData.tsx).then((api) => { api.register(); return import(workerData.self); }).then((s) => { s.registerSelfReference(); return import(workerData.url); });`
    : `const { workerData } = require('node:worker_threads'); import(workerData.url);`;
  const sourceOnly = fromSource ? { tsx: import.meta.resolve('tsx/esm/api'), self: new URL('../self-reference.ts', import.meta.url).href } : {};
  return new Worker(bootstrap, { eval: true, workerData: { ...data, url, ...sourceOnly } });
}

/** The units' outcomes in the units' order, computed by `jobs` worker threads. */
export function runUnitsInWorkers(units: readonly CheckUnit[], options: CheckOptions, seed: number, jobs: number): Promise<UnitOutcome[]> {
  const data: CheckWorkerData = {
    runs: options.runs,
    seed,
    faults: [...options.faults],
    fixturesDir: options.fixturesDir,
    recordCases: options.recordCases === true,
    profileModules: pluginModulesForWorkers() ?? [],
    commandModules: loadedProfileModules(),
  };
  const outcomes: (UnitOutcome | undefined)[] = new Array(units.length);
  const logs: string[][] = units.map(() => []);
  let next = 0;
  let printed = 0;
  const workers: Worker[] = [];
  return new Promise<UnitOutcome[]>((resolve, reject) => {
    let settled = false;
    const finish = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      for (const w of workers) void w.terminate();
      if (error) reject(error);
      else resolve(outcomes as UnitOutcome[]);
    };
    // Units finish out of order; their lines are printed in order, each unit's at once.
    const flush = (): void => {
      while (printed < units.length && outcomes[printed]) {
        for (const line of logs[printed] ?? []) options.log(line);
        options.events?.unitDone?.(outcomes[printed] as UnitOutcome);
        printed++;
      }
      if (printed === units.length) finish(null);
    };
    const order = dispatchOrder(units);
    const feed = (w: Worker): void => {
      if (next >= units.length) return;
      const index = order[next++] as number;
      const unit = units[index] as CheckUnit;
      w.postMessage({ index, profile: unit.profile, property: unit.property } satisfies WorkerRequest);
    };
    for (let k = 0; k < Math.min(jobs, units.length); k++) {
      const w = startWorker(data);
      workers.push(w);
      w.on('message', (m: WorkerReply) => {
        switch (m.kind) {
          case 'log':
            logs[m.index]?.push(m.line);
            return;
          case 'progress':
            options.progress(m.line);
            return;
          case 'run':
            options.events?.run?.(units[m.index] as CheckUnit);
            return;
          case 'shrink':
            options.events?.shrink?.(units[m.index] as CheckUnit);
            return;
          case 'error':
            finish(m.input ? new InputError(m.input.where, m.input.message.startsWith(`${m.input.where}: `) ? m.input.message.slice(m.input.where.length + 2) : m.input.message) : new Error(`check worker: ${m.message}`));
            return;
          case 'done':
            outcomes[m.index] = {
              ...m.unit,
              ok: m.failure === null,
              runs: m.runs,
              timeMs: m.timeMs,
              profileSeed: profileSeed(seed, m.unit.profile),
              ...(m.caseIds ? { caseIds: m.caseIds } : {}),
              ...(m.failure ? { failure: m.failure } : {}),
            };
            feed(w);
            flush();
            return;
        }
      });
      w.on('error', (e) => finish(new Error(`check worker: ${e.message}`)));
      w.on('exit', (code) => {
        if (!settled) finish(new Error(`check worker exited with ${code} before the run ended`));
      });
      feed(w);
    }
  });
}

/** Property weights for dispatchOrder: a scenario runs whole generated scenarios, a model run fast-check commands. */
const PROPERTY_WEIGHT: Readonly<Record<string, number>> = { scenario: 3, model: 2, route: 1, relay: 1, ethdev: 1 };

/**
 * The order units are handed to workers (their lines still print in plan order): the longest
 * first, so that no long unit starts when the other worker is nearly done. A unit's cost grows
 * with the longest list its generators fill (the profile's largest threshold: vmxnet3's 10,922).
 */
export function dispatchOrder(units: readonly CheckUnit[]): number[] {
  const cost = units.map((u) => {
    let largest = 0;
    try {
      largest = Math.max(0, ...resolveProfile(u.profile).thresholds);
    } catch {
      // a profile the workers will refuse: its error comes from them
    }
    return Math.log2(largest + 16) * (PROPERTY_WEIGHT[u.property] ?? 1);
  });
  return units.map((_, i) => i).sort((a, b) => (cost[b] as number) - (cost[a] as number) || a - b);
}
