// A worker thread of `check --jobs N` (./parallel.ts): runs the (profile, property) units the
// main thread sends, one at a time, with the same code and seeds as a single-threaded run, and
// posts back every log line, progress line, case and shrink event, then the unit's result.
import { parentPort, workerData } from 'node:worker_threads';
import { InputError } from '../errors.ts';
import type { FaultName } from '../faults.ts';
import type { CheckWorkerData, WorkerReply, WorkerRequest } from './parallel.ts';
import { runProperty } from './run-property.ts';
import { loadProfileModule, nameInCommandsOnly } from '../profile-plugin.ts';

const data = workerData as CheckWorkerData;
const port = parentPort;
if (!port) throw new Error('check-worker.ts runs as a worker thread of check --jobs');
const post = (m: WorkerReply): void => port.postMessage(m);

// The same plug-ins as the main thread (--profile-module), loaded before any unit runs.
const ready = (async () => {
  for (const file of data.profileModules) await loadProfileModule(file);
  nameInCommandsOnly(data.commandModules);
})();

port.on('message', (req: WorkerRequest) => {
  void ready.then(() => runUnit(req), (e: unknown) => post({ kind: 'error', index: req.index, input: null, message: e instanceof Error ? e.message : String(e) }));
});

function runUnit(req: WorkerRequest): void {
  const unit = { profile: req.profile, property: req.property };
  const caseIds = data.recordCases ? [] : null;
  const started = Date.now();
  runProperty(
    req.profile,
    req.property,
    {
      profiles: [],
      runs: data.runs,
      seed: data.seed,
      faults: new Set(data.faults as FaultName[]),
      fixturesDir: data.fixturesDir,
      log: (line) => post({ kind: 'log', index: req.index, line }),
      progress: (line) => post({ kind: 'progress', line }),
      events: { run: () => post({ kind: 'run', index: req.index }), shrink: () => post({ kind: 'shrink', index: req.index }) },
    },
    data.seed,
    null,
    caseIds,
  ).then(
    ({ failure, runs }) => post({ kind: 'done', index: req.index, unit, failure, runs, timeMs: Date.now() - started, ...(caseIds ? { caseIds } : {}) }),
    (e: unknown) =>
      post({
        kind: 'error',
        index: req.index,
        input: e instanceof InputError ? { where: e.where, message: e.message } : null,
        // The stack only on request, as the CLI prints internal errors (MCAST_TESTBENCH_DEBUG).
        message: e instanceof Error ? (process.env['MCAST_TESTBENCH_DEBUG'] ? (e.stack ?? e.message) : e.message) : String(e),
      }),
  );
}
