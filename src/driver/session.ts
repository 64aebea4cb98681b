// A conversation with one driver under test: either a child process speaking JSON lines on
// stdin/stdout (stderr passed through), or an ES module exporting the same operations, run in a
// worker thread.
// Every request is answered before the next is sent; each answer has a deadline; the child is
// killed (its whole process group) when the session closes or the testbench exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { isProfileName } from '../profiles/registry.ts';
import { onShutdown } from '../shutdown.ts';
import { BROADCAST_MAC } from '../wire/mac.ts';
import { DEFAULT_DRIVER_TIMEOUT_MS } from './defaults.ts';
import {
  type AnswerFor,
  type DriverAnswer,
  DRIVER_PROTOCOL_VERSION,
  DriverError,
  type DriverRequest,
  type HelloAnswer,
  encodeRequest,
  validateAnswer,
} from './protocol.ts';

export { DEFAULT_DRIVER_TIMEOUT_MS };
/** Start-up may take much longer than an answer (an interpreter loading on a busy CI machine). */
export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;
/** An answer is a short object; a longer line is garbage, not something to buffer forever. */
const MAX_ANSWER_LINE_BYTES = 64 * 1024;
/** How long a child may take to go after SIGTERM before it gets SIGKILL. */
const KILL_GRACE_MS = 200;

/** One exchange as it went over the wire. `answer` is null when none came. */
export interface Exchange {
  readonly request: string;
  readonly answer: string | null;
}

export interface DriverSession {
  /** The driver's hello answer (the session sends hello first). */
  readonly hello: HelloAnswer;
  /** The hello exchange as it went over the wire (kept when the transcript is cleared). */
  readonly helloExchange: Exchange;
  /** What was sent and received since the last clearTranscript(). */
  readonly transcript: readonly Exchange[];
  clearTranscript(): void;
  request<R extends DriverRequest>(req: R): Promise<AnswerFor<R>>;
  /**
   * Sends every request without waiting (answers are matched in order) and calls onAnswer for
   * each answer in order; stops at the first throw (of onAnswer or a DriverError).
   */
  requestAll(reqs: readonly DriverRequest[], onAnswer: (index: number, answer: DriverAnswer) => void): Promise<void>;
  close(): Promise<void>;
}

export interface DriverOptions {
  /** Per-request deadline in milliseconds. */
  readonly timeoutMs?: number;
  /** Deadline for the hello answer, which includes the interpreter's start-up on a busy machine. */
  readonly startupTimeoutMs?: number;
  /** Where the child's stderr goes: passed through (default) or dropped. */
  readonly stderr?: 'inherit' | 'ignore';
}

/** Low-level transport: sends one request line, resolves with one raw answer line. */
interface Transport {
  exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

class Session implements DriverSession {
  hello: HelloAnswer = { name: '', model: null, order: 'set' };
  helloExchange: Exchange = { request: '', answer: null };
  private log: Exchange[] = [];
  private lastRequest: string | null = null;
  private broken: DriverError | null = null;

  constructor(
    private readonly transport: Transport,
    public timeoutMs: number,
  ) {}

  get transcript(): readonly Exchange[] {
    return this.log;
  }

  clearTranscript(): void {
    this.log = [];
  }

  request<R extends DriverRequest>(req: R): Promise<AnswerFor<R>> {
    if (this.broken) return Promise.reject(this.broken);
    const line = encodeRequest(req);
    this.lastRequest = line;
    return this.settle(req, line, this.transport.exchange(line, req, this.timeoutMs));
  }

  async requestAll(reqs: readonly DriverRequest[], onAnswer: (index: number, answer: DriverAnswer) => void): Promise<void> {
    if (this.broken) throw this.broken;
    const lines = reqs.map(encodeRequest);
    // Written all at once, answered in order: the driver still reads one line and answers it.
    const inFlight = reqs.map((req, i) => {
      const p = this.transport.exchange(lines[i] as string, req, this.timeoutMs);
      p.catch(() => {}); // settled below, or abandoned after an earlier failure
      return p;
    });
    for (let i = 0; i < reqs.length; i++) {
      this.lastRequest = lines[i] as string;
      onAnswer(i, await this.settle(reqs[i] as DriverRequest, lines[i] as string, inFlight[i] as Promise<string>));
    }
  }

  private async settle<R extends DriverRequest>(req: R, line: string, exchange: Promise<string>): Promise<AnswerFor<R>> {
    let raw: string;
    try {
      raw = await exchange;
    } catch (e) {
      this.log.push({ request: line, answer: null });
      throw this.fail(e);
    }
    this.log.push({ request: line, answer: raw });
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw this.fail(new DriverError('garbage', line, `answer is not JSON: ${clip(raw)}`));
    }
    const answer = validateAnswer(req, value);
    if (typeof answer === 'string') {
      // Requests are pipelined: one extra line earlier shifts every later answer by one.
      const shifted = otherOpAnswered(req, value);
      const hint = shifted ? ` (a valid "${shifted}" answer: the answers may be out of step after an extra line earlier)` : '';
      throw this.fail(new DriverError('protocol', line, `${answer}; got ${clip(raw)}${hint}`));
    }
    return answer;
  }

  private fail(e: unknown): DriverError {
    const err =
      e instanceof DriverError
        ? e
        : new DriverError('crash', this.lastRequest, e instanceof Error ? e.message : String(e));
    this.broken = err;
    return err;
  }

  close(): Promise<void> {
    return this.transport.close();
  }
}

/** Requests of every op, to ask whether an answer fits another op than the one it answers. */
const SAMPLE_REQUESTS: readonly DriverRequest[] = [
  { op: 'hello', protocol: DRIVER_PROTOCOL_VERSION },
  { op: 'program', promisc: false, allmulti: false, mc: [] },
  { op: 'rx', dst: BROADCAST_MAC },
];

/** The op (other than req's) whose answer `value` is, if any; reset and program share {"ok":true}. */
function otherOpAnswered(req: DriverRequest, value: unknown): DriverRequest['op'] | null {
  const same = req.op === 'reset' ? 'program' : req.op;
  const other = SAMPLE_REQUESTS.find((r) => r.op !== same && typeof validateAnswer(r, value) !== 'string');
  return other?.op ?? null;
}

function clip(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}...` : s);
}

async function start(transport: Transport, options: DriverOptions): Promise<DriverSession> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DRIVER_TIMEOUT_MS;
  const session = new Session(transport, options.startupTimeoutMs ?? Math.max(timeoutMs, DEFAULT_STARTUP_TIMEOUT_MS));
  try {
    session.hello = await session.request({ op: 'hello', protocol: DRIVER_PROTOCOL_VERSION });
    session.timeoutMs = timeoutMs;
    session.helloExchange = session.transcript[0] as Exchange;
    const model = session.hello.model;
    if (model !== null && !isProfileName(model)) {
      throw new DriverError('protocol', session.helloExchange.request, `hello names model ${JSON.stringify(model)}, which is no built-in profile (see \`mcast-testbench profiles\`)`);
    }
    session.clearTranscript();
  } catch (e) {
    await transport.close();
    throw e;
  }
  return session;
}

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

interface Pending {
  readonly line: string;
  readonly op: DriverRequest['op'];
  readonly timeoutMs: number;
  readonly resolve: (answer: string) => void;
  readonly reject: (e: Error) => void;
  /** Armed when the request is the oldest unanswered one: the deadline is per answer. */
  timer: NodeJS.Timeout | null;
}

/** How long answers printed just before an exit may take to arrive through the pipe. */
const EXIT_DRAIN_MS = 300;
/** The longest close() waits for the child to go after SIGKILL (it cannot ignore it). */
const CLOSE_WAIT_MS = 2_000;

const utf8 = new TextDecoder('utf-8', { fatal: true });

function hexBytes(bytes: Buffer): string {
  const shown = [...bytes.subarray(0, 24)].map((b) => b.toString(16).padStart(2, '0')).join(' ');
  return bytes.length > 24 ? `${shown} ...` : shown;
}

class ProcessTransport implements Transport {
  /** Bytes after the last newline (an answer line in the making). */
  private partial: Buffer[] = [];
  private partialBytes = 0;
  /** Requests written and not answered yet, oldest first: answers come back in request order. */
  private readonly pending: Pending[] = [];
  /** A line that arrived while no request was pending. */
  private unsolicited: string | null = null;
  private exited: string | null = null;
  /** The error that ended the conversation while the driver still ran (timeout, garbage). */
  private failure: DriverError | null = null;
  private readonly exitPromise: Promise<void>;
  private readonly unregister: () => void;

  constructor(
    private readonly child: ChildProcess,
    command: string,
  ) {
    // A driver still running when the testbench exits (normally, by an uncaught error or by a
    // signal: src/shutdown.ts) is killed with its process group, so no driver outlives a run.
    this.unregister = onShutdown(() => killGroup(child, 'SIGKILL'));
    this.exitPromise = new Promise((done) => {
      child.once('exit', () => done());
      child.once('error', () => done());
    });
    child.stdout?.on('data', (chunk: Buffer) => this.onData(chunk));
    child.stdin?.on('error', (e: NodeJS.ErrnoException) => {
      // EPIPE: the driver closed its stdin, or it is gone (then 'exit' below says so first).
      setTimeout(() => {
        if (this.exited === null && child.exitCode === null && child.signalCode === null) {
          this.fail(new DriverError('protocol', this.pending[0]?.line ?? null, `the driver closed its stdin while still running (${e.code ?? e.message} writing a request): a driver reads requests until end of file`));
        }
      }, EXIT_DRAIN_MS).unref();
    });
    child.once('error', (e) => this.onGone(`could not start ${JSON.stringify(command)}: ${e.message}`));
    child.once('exit', (code, signal) => {
      const status = signal ? `driver killed by ${signal}` : `driver exited with status ${code}`;
      // Answers printed just before exiting are still in the pipe: read them first, but never
      // wait for the pipe's end without a bound (a process the driver started may hold it).
      let drained = false;
      const drain = setTimeout(() => {
        drained = true;
        this.onGone(`${status}${this.leftover()}; a process it started still holds its stdout open (killed with the driver's process group)`);
      }, EXIT_DRAIN_MS);
      const ended = (): void => {
        clearTimeout(drain);
        if (!drained) this.onGone(`${status}${this.leftover()}`);
      };
      if (child.stdout === null || child.stdout.readableEnded) ended();
      else child.stdout.once('end', ended);
    });
  }

  /**
   * Whether the driver process no longer holds its stdin (proc(5) /proc/PID/fd/0): a request
   * written before it closed it raised no EPIPE, so this tells a hang from a closed stdin.
   */
  private stdinClosedByDriver(): boolean {
    if (this.child.pid === undefined || this.child.exitCode !== null) return false;
    try {
      readlinkSync(`/proc/${this.child.pid}/fd/0`);
      return false;
    } catch (e) {
      return (e as NodeJS.ErrnoException).code === 'ENOENT';
    }
  }

  /** What the driver printed without a final newline, for the exit message. */
  private leftover(): string {
    if (this.partialBytes === 0) return '';
    const bytes = Buffer.concat(this.partial);
    return ` after printing ${clip(bytes.toString('utf8'))} without a newline (every answer ends with one)`;
  }

  private onData(chunk: Buffer): void {
    if (this.exited !== null && this.pending.length === 0) return;
    let from = 0;
    let nl: number;
    while ((nl = chunk.indexOf(0x0a, from)) >= 0) {
      const bytes = Buffer.concat([...this.partial, chunk.subarray(from, nl)]);
      this.partial = [];
      this.partialBytes = 0;
      from = nl + 1;
      let line: string;
      try {
        line = utf8.decode(bytes).replace(/\r$/, '');
      } catch {
        this.fail(new DriverError('garbage', this.pending[0]?.line ?? null, `answer is not valid UTF-8: bytes ${hexBytes(bytes)}`));
        return;
      }
      if (line.trim() !== '') this.onLine(line);
      if (this.exited !== null) return;
    }
    const rest = chunk.subarray(from);
    if (rest.length > 0) {
      this.partial.push(rest);
      this.partialBytes += rest.length;
    }
    if (this.partialBytes > MAX_ANSWER_LINE_BYTES) {
      const start = Buffer.concat(this.partial).subarray(0, 200).toString('utf8');
      this.fail(new DriverError('garbage', this.pending[0]?.line ?? null, `answer line longer than ${MAX_ANSWER_LINE_BYTES} bytes (no newline after ${this.partialBytes} bytes): ${clip(start)}`));
    }
  }

  private onLine(line: string): void {
    const p = this.pending.shift();
    if (!p) {
      this.unsolicited ??= line;
      return;
    }
    if (p.timer) clearTimeout(p.timer);
    const next = this.pending[0];
    if (next) this.arm(next);
    p.resolve(line);
  }

  /** Starts the deadline of the oldest unanswered request. */
  private arm(p: Pending): void {
    if (p.timer !== null) return;
    p.timer = setTimeout(() => {
      // Later answers would be out of step with their requests: the session is over.
      if (this.stdinClosedByDriver()) {
        this.fail(new DriverError('protocol', p.line, `the driver closed its stdin while still running (no answer to "${p.op}" within ${p.timeoutMs} ms): a driver reads requests until end of file`));
      } else {
        this.fail(new DriverError('timeout', p.line, `no answer to "${p.op}" within ${p.timeoutMs} ms`));
      }
    }, p.timeoutMs);
  }

  /** Ends the conversation: every unanswered request gets `error`; later requests too. */
  private fail(error: DriverError): void {
    if (this.exited !== null) return;
    this.exited = error.message;
    this.partial = [];
    this.partialBytes = 0;
    // Stop reading: what else the driver prints (100 MB of it, say) is not buffered.
    this.child.stdout?.destroy();
    this.failure = error;
    // The oldest request is the one the error names; the later ones are abandoned with it.
    for (const p of this.pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(error);
    }
  }

  private onGone(why: string): void {
    if (this.exited !== null) return;
    this.exited = why;
    for (const p of this.pending.splice(0)) {
      if (p.timer) clearTimeout(p.timer);
      p.reject(new DriverError('crash', p.line, why));
    }
  }

  exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string> {
    if (this.unsolicited !== null) {
      const extra = this.unsolicited;
      this.unsolicited = null;
      return Promise.reject(new DriverError('protocol', line, `unsolicited output before this request: ${clip(extra)}`));
    }
    if (this.failure !== null) return Promise.reject(this.failure);
    if (this.exited !== null) return Promise.reject(new DriverError('crash', line, this.exited));
    return new Promise<string>((resolveLine, reject) => {
      const p: Pending = { line, op: req.op, timeoutMs, resolve: resolveLine, reject, timer: null };
      this.pending.push(p);
      if (this.pending.length === 1) this.arm(p);
      this.child.stdin?.write(`${line}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.pid !== undefined) {
      this.child.stdin?.end();
      // The whole group, even when the shell itself is gone: what it started may still run.
      killGroup(this.child, 'SIGTERM');
      const grace = setTimeout(() => killGroup(this.child, 'SIGKILL'), KILL_GRACE_MS);
      let bound: NodeJS.Timeout | undefined;
      // Bounded: the exit, not the pipes' end (a process that left the group may hold them).
      await Promise.race([this.exitPromise, new Promise<void>((done) => (bound = setTimeout(done, CLOSE_WAIT_MS)))]);
      clearTimeout(grace);
      clearTimeout(bound);
      killGroup(this.child, 'SIGKILL');
      this.child.stdout?.destroy();
      this.child.stderr?.destroy();
      this.child.stdin?.destroy();
    }
    this.unregister();
  }
}

/**
 * Starts `command` through /bin/sh in its own process group and sends hello. Throws
 * DriverError when it cannot be started or does not answer hello properly.
 */
export async function startProcessDriver(command: string, options: DriverOptions = {}): Promise<DriverSession> {
  const child = spawn(command, {
    shell: true,
    detached: true,
    stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'],
  });
  return start(new ProcessTransport(child, command), options);
}

// The module form: an ES module exporting hello, reset, program and rx (sync or async), run in
// a worker thread of plain Node (no tsx loader: the module is imported as `node` would import
// it). A worker can be terminated even in a synchronous infinite loop, so a deadline holds here
// as it does for a process.
const OPS: readonly DriverRequest['op'][] = ['hello', 'reset', 'program', 'rx'];

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

interface PendingCall {
  readonly line: string;
  readonly op: DriverRequest['op'];
  readonly timeoutMs: number;
  readonly resolve: (answer: string) => void;
  readonly reject: (e: Error) => void;
  /** Armed when the call is the oldest unanswered one: the deadline is per answer. */
  timer: NodeJS.Timeout | null;
}

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
  return start(await ModuleTransport.open(path, startup), options);
}

/** Where the driver comes from, as the CLI options name it. */
export type DriverSource = { readonly command: string } | { readonly module: string };

export function startDriver(source: DriverSource, options: DriverOptions = {}): Promise<DriverSession> {
  return 'command' in source ? startProcessDriver(source.command, options) : startModuleDriver(source.module, options);
}

export function describeSource(source: DriverSource): string {
  return 'command' in source ? `--driver ${JSON.stringify(source.command)}` : `--driver-module ${source.module}`;
}

/**
 * A driver adapter in this process: an object with the four operations of the protocol, each
 * taking the request as parsed JSON and returning (or resolving to) the answer. The library's
 * form of `--driver-module`, without a worker: a synchronous endless loop in it cannot be cut off
 * by the deadline (an async answer that never comes can).
 */
export interface DriverAdapter {
  hello(request: unknown): unknown;
  reset(request: unknown): unknown;
  program(request: unknown): unknown;
  rx(request: unknown): unknown;
}

class AdapterTransport implements Transport {
  private closed = false;

  constructor(private readonly adapter: DriverAdapter) {}

  async exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string> {
    if (this.closed) throw new DriverError('crash', line, 'session closed');
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new DriverError('timeout', line, `no answer to "${req.op}" within ${timeoutMs} ms`)), timeoutMs);
    });
    try {
      // The adapter sees what a process would read: the request line, parsed.
      const answer: unknown = await Promise.race([Promise.resolve().then(() => this.adapter[req.op](JSON.parse(line))), deadline]);
      const text = JSON.stringify(answer);
      if (text === undefined) throw new DriverError('protocol', line, `"${req.op}" returned ${String(answer)}`);
      return text;
    } catch (e) {
      if (e instanceof DriverError) throw e;
      throw new DriverError('crash', line, `"${req.op}" threw: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}

/** Starts a session with an in-process adapter and sends hello (DriverError when it is not one). */
export async function startAdapterDriver(adapter: DriverAdapter, options: DriverOptions = {}): Promise<DriverSession> {
  const missing = OPS.filter((op) => typeof (adapter as unknown as Record<string, unknown>)[op] !== 'function');
  if (missing.length > 0) throw new DriverError('spawn', null, `driver adapter does not have ${missing.join(', ')}`);
  return start(new AdapterTransport(adapter), options);
}
