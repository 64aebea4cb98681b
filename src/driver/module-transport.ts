// The module form of a driver: an ES module exporting hello, reset, program and rx (sync or
// async), run in a worker thread of plain Node (no tsx loader: the module is imported as `node`
// would import it). A worker can be terminated even in a synchronous infinite loop, so a
// deadline holds here as it does for a process.
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DEFAULT_DRIVER_TIMEOUT_MS } from './defaults.ts';
import { type DriverRequest, DriverError } from './protocol.ts';
import { DEFAULT_STARTUP_TIMEOUT_MS, type DriverOptions, type DriverSession, OPS, type PendingAnswer, type Transport, openSession } from './conversation.ts';

/**
 * The worker's code (CommonJS, evaluated): imports the module, says which operations are
 * missing, then answers one request at a time, in order, as a process reads one line at a time.
 */
const MODULE_WORKER_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
const OPS = ${JSON.stringify(OPS)};
const message = (e) => (e instanceof Error ? e.message : String(e));
import(workerData.url).then(
  (ns) => {
    const d = ns.default;
    const source = OPS.every((op) => typeof ns[op] === 'function') || typeof d !== 'object' || d === null ? ns : d;
    const missing = OPS.filter((op) => typeof source[op] !== 'function');
    parentPort.postMessage({ kind: 'loaded', missing });
    if (missing.length > 0) return;
    let queue = Promise.resolve();
    parentPort.on('message', ({ id, op, line }) => {
      queue = queue.then(async () => {
        try {
          const answer = await source[op](JSON.parse(line));
          const text = JSON.stringify(answer);
          parentPort.postMessage(text === undefined ? { kind: 'undefined', id, shown: String(answer) } : { kind: 'answer', id, text });
        } catch (e) {
          parentPort.postMessage({ kind: 'threw', id, message: message(e) });
        }
      });
    });
  },
  (e) => parentPort.postMessage({ kind: 'import-failed', message: message(e) }),
);
`;

type WorkerReply =
  | { readonly kind: 'loaded'; readonly missing: readonly string[] }
  | { readonly kind: 'import-failed'; readonly message: string }
  | { readonly kind: 'answer'; readonly id: number; readonly text: string }
  | { readonly kind: 'undefined'; readonly id: number; readonly shown: string }
  | { readonly kind: 'threw'; readonly id: number; readonly message: string };

type PendingCall = PendingAnswer;

class ModuleTransport implements Transport {
  private nextId = 0;
  private readonly pending = new Map<number, PendingCall>();
  private gone: string | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (reply: WorkerReply) => this.onReply(reply));
    worker.on('error', (e) => this.onGone(`driver module failed outside a request: ${e.message}`));
    worker.on('exit', (code) => this.onGone(`driver module's worker exited with status ${code}`));
  }

  /** Starts the worker and waits until the module is imported and has every operation. */
  static open(path: string, startupTimeoutMs: number): Promise<ModuleTransport> {
    const worker = new Worker(MODULE_WORKER_SOURCE, {
      eval: true,
      execArgv: [],
      workerData: { url: pathToFileURL(resolve(path)).href },
    });
    return new Promise<ModuleTransport>((resolveOpen, reject) => {
      const fail = (why: string): void => {
        clearTimeout(timer);
        void worker.terminate();
        reject(new DriverError('spawn', null, why));
      };
      const timer = setTimeout(() => fail(`driver module ${path} was not imported within ${startupTimeoutMs} ms`), startupTimeoutMs);
      const onError = (e: Error): void => fail(`cannot import driver module ${path}: ${e.message}`);
      worker.once('error', onError);
      worker.once('message', (reply: WorkerReply) => {
        if (reply.kind === 'import-failed') return fail(`cannot import driver module ${path}: ${reply.message}`);
        if (reply.kind === 'loaded' && reply.missing.length > 0) return fail(`driver module ${path} does not export ${reply.missing.join(', ')}`);
        clearTimeout(timer);
        worker.off('error', onError);
        resolveOpen(new ModuleTransport(worker));
      });
    });
  }

  private onReply(reply: WorkerReply): void {
    if (reply.kind === 'loaded' || reply.kind === 'import-failed') return;
    const call = this.pending.get(reply.id);
    if (!call) return; // answered after its deadline: the session is over already
    this.pending.delete(reply.id);
    if (call.timer) clearTimeout(call.timer);
    // Requests are answered in order: the next one's deadline starts now.
    const [nextId, next] = this.pending.entries().next().value ?? [];
    if (nextId !== undefined && next) this.arm(nextId, next);
    if (reply.kind === 'answer') call.resolve(reply.text);
    else if (reply.kind === 'undefined') call.reject(new DriverError('protocol', call.line, `"${call.op}" returned ${reply.shown}`));
    else call.reject(new DriverError('crash', call.line, `"${call.op}" threw: ${reply.message}`));
  }

  private onGone(why: string): void {
    if (this.gone !== null) return;
    this.gone = why;
    for (const call of this.pending.values()) {
      if (call.timer) clearTimeout(call.timer);
      call.reject(new DriverError('crash', call.line, why));
    }
    this.pending.clear();
  }

  exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string> {
    if (this.gone !== null) return Promise.reject(new DriverError('crash', line, this.gone));
    const id = this.nextId++;
    return new Promise<string>((resolveLine, reject) => {
      const call: PendingCall = { line, op: req.op, timeoutMs, resolve: resolveLine, reject, timer: null };
      // A Map iterates in insertion order: the first entry is the oldest call.
      this.pending.set(id, call);
      if (this.pending.size === 1) this.arm(id, call);
      // The module sees exactly what a process would read: the request line, parsed.
      this.worker.postMessage({ id, op: req.op, line });
    });
  }

  private arm(id: number, call: PendingCall): void {
    if (call.timer !== null) return;
    call.timer = setTimeout(() => {
      // A module that does not answer may be stuck in a loop: stop it, the session is over.
      this.pending.delete(id);
      this.onGone(`no answer to an earlier request ("${call.op}")`);
      call.reject(new DriverError('timeout', call.line, `no answer to "${call.op}" within ${call.timeoutMs} ms`));
      void this.worker.terminate();
    }, call.timeoutMs);
  }

  async close(): Promise<void> {
    this.gone ??= 'session closed';
    await this.worker.terminate();
  }
}

/** Imports the module at `path` (relative to the working directory) in a worker and sends hello. */
export async function startModuleDriver(path: string, options: DriverOptions = {}): Promise<DriverSession> {
  const startup = options.startupTimeoutMs ?? Math.max(options.timeoutMs ?? DEFAULT_DRIVER_TIMEOUT_MS, DEFAULT_STARTUP_TIMEOUT_MS);
  // Importing the module is the worker's start-up, not the driver's answer: on a busy machine it
  // alone may take longer than a short hello deadline, so it gets the default start-up bound at least.
  return openSession(await ModuleTransport.open(path, Math.max(startup, DEFAULT_STARTUP_TIMEOUT_MS)), options);
}