// A conversation with one driver under test: either a child process speaking JSON lines on
// stdin/stdout (stderr passed through), or an ES module exporting the same operations.
// Every request is answered before the next is sent; each answer has a deadline; the child is
// killed (its whole process group) when the session closes or the testbench exits.
import { type ChildProcess, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { isProfileName } from '../nic/registry.ts';
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
const MAX_ANSWER_LINE_CHARS = 64 * 1024;
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
      throw this.fail(new DriverError('protocol', line, `${answer}; got ${clip(raw)}`));
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

// Children still running when the testbench exits (normally, by an uncaught error or by a
// signal) are killed with their process group, so no driver outlives a run.
const liveChildren = new Set<ChildProcess>();
let exitHooksInstalled = false;

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

function installExitHooks(): void {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  process.on('exit', () => {
    for (const child of liveChildren) killGroup(child, 'SIGKILL');
  });
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.once(signal, () => {
      for (const child of liveChildren) killGroup(child, 'SIGKILL');
      liveChildren.clear();
      process.kill(process.pid, signal);
    });
  }
}

interface Pending {
  readonly line: string;
  readonly resolve: (answer: string) => void;
  readonly reject: (e: Error) => void;
  readonly timer: NodeJS.Timeout;
}

class ProcessTransport implements Transport {
  private buffer = '';
  /** Requests written and not answered yet, oldest first: answers come back in request order. */
  private readonly pending: Pending[] = [];
  /** A line that arrived while no request was pending. */
  private unsolicited: string | null = null;
  private exited: string | null = null;
  private readonly exitPromise: Promise<void>;

  constructor(
    private readonly child: ChildProcess,
    command: string,
  ) {
    liveChildren.add(child);
    this.exitPromise = new Promise((done) => {
      child.once('close', () => done());
      child.once('error', () => done());
    });
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => this.onData(chunk));
    child.stdin?.on('error', () => {
      // EPIPE when the child is gone: reported through 'exit' below.
    });
    child.once('error', (e) => this.onGone(`could not start ${JSON.stringify(command)}: ${e.message}`));
    child.once('exit', (code, signal) => {
      // Answers printed just before exiting are still in the pipe: read them first.
      child.stdout?.once('end', () => this.onGone(signal ? `driver killed by ${signal}` : `driver exited with status ${code}`));
      if (child.stdout === null || child.stdout.readableEnded) {
        this.onGone(signal ? `driver killed by ${signal}` : `driver exited with status ${code}`);
      }
    });
  }

  private onData(chunk: string): void {
    this.buffer += chunk;
    let nl: number;
    while ((nl = this.buffer.indexOf('\n')) >= 0) {
      const line = this.buffer.slice(0, nl).replace(/\r$/, '');
      this.buffer = this.buffer.slice(nl + 1);
      if (line.trim() !== '') this.onLine(line);
    }
    if (this.buffer.length > MAX_ANSWER_LINE_CHARS) {
      const line = this.buffer;
      this.buffer = '';
      this.onLine(line);
    }
  }

  private onLine(line: string): void {
    const p = this.pending.shift();
    if (!p) {
      this.unsolicited ??= line;
      return;
    }
    clearTimeout(p.timer);
    p.resolve(line);
  }

  private onGone(why: string): void {
    if (this.exited !== null) return;
    this.exited = why;
    for (const p of this.pending.splice(0)) {
      clearTimeout(p.timer);
      p.reject(new DriverError('crash', p.line, why));
    }
  }

  exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string> {
    if (this.unsolicited !== null) {
      const extra = this.unsolicited;
      this.unsolicited = null;
      return Promise.reject(new DriverError('protocol', line, `unsolicited output before this request: ${clip(extra)}`));
    }
    if (this.exited !== null) return Promise.reject(new DriverError('crash', line, this.exited));
    return new Promise<string>((resolveLine, reject) => {
      const timer = setTimeout(() => {
        const i = this.pending.findIndex((p) => p.timer === timer);
        // Later answers would be out of step with their requests: the session is over.
        if (i >= 0) this.pending.splice(i);
        reject(new DriverError('timeout', line, `no answer to "${req.op}" within ${timeoutMs} ms`));
      }, timeoutMs);
      this.pending.push({ line, resolve: resolveLine, reject, timer });
      this.child.stdin?.write(`${line}\n`);
    });
  }

  async close(): Promise<void> {
    if (this.child.pid !== undefined) {
      this.child.stdin?.end();
      // The whole group, even when the shell itself is gone: what it started may still run.
      killGroup(this.child, 'SIGTERM');
      const grace = setTimeout(() => killGroup(this.child, 'SIGKILL'), KILL_GRACE_MS);
      await this.exitPromise;
      clearTimeout(grace);
      killGroup(this.child, 'SIGKILL');
    }
    liveChildren.delete(this.child);
  }
}

/**
 * Starts `command` through /bin/sh in its own process group and sends hello. Throws
 * DriverError when it cannot be started or does not answer hello properly.
 */
export async function startProcessDriver(command: string, options: DriverOptions = {}): Promise<DriverSession> {
  installExitHooks();
  const child = spawn(command, {
    shell: true,
    detached: true,
    stdio: ['pipe', 'pipe', options.stderr ?? 'inherit'],
  });
  return start(new ProcessTransport(child, command), options);
}

/** The in-process form: a module exporting hello, reset, program and rx (sync or async). */
type DriverFunction = (req: DriverRequest) => unknown;
type DriverModule = Readonly<Record<DriverRequest['op'], DriverFunction>>;

const OPS: readonly DriverRequest['op'][] = ['hello', 'reset', 'program', 'rx'];

function asDriverModule(ns: Record<string, unknown>, path: string): DriverModule {
  const dflt = ns['default'];
  const source: Record<string, unknown> =
    OPS.every((op) => typeof ns[op] === 'function') || typeof dflt !== 'object' || dflt === null
      ? ns
      : (dflt as Record<string, unknown>);
  const missing = OPS.filter((op) => typeof source[op] !== 'function');
  if (missing.length > 0) {
    throw new DriverError('spawn', null, `driver module ${path} does not export ${missing.join(', ')}`);
  }
  return source as DriverModule;
}

class ModuleTransport implements Transport {
  constructor(private readonly driver: DriverModule) {}

  async exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string> {
    // The module sees exactly what a process would read: the parsed request line.
    const parsed = JSON.parse(line) as DriverRequest;
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new DriverError('timeout', line, `no answer to "${req.op}" within ${timeoutMs} ms`)),
        timeoutMs,
      );
    });
    try {
      const answer = await Promise.race([Promise.resolve().then(() => this.driver[req.op](parsed)), deadline]);
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

  async close(): Promise<void> {}
}

/** Imports the module at `path` (relative to the working directory) and sends hello. */
export async function startModuleDriver(path: string, options: DriverOptions = {}): Promise<DriverSession> {
  let ns: Record<string, unknown>;
  try {
    ns = (await import(pathToFileURL(resolve(path)).href)) as Record<string, unknown>;
  } catch (e) {
    throw new DriverError('spawn', null, `cannot import driver module ${path}: ${e instanceof Error ? e.message : String(e)}`);
  }
  return start(new ModuleTransport(asDriverModule(ns, path)), options);
}

/** Where the driver comes from, as the CLI options name it. */
export type DriverSource = { readonly command: string } | { readonly module: string };

export function startDriver(source: DriverSource, options: DriverOptions = {}): Promise<DriverSession> {
  return 'command' in source ? startProcessDriver(source.command, options) : startModuleDriver(source.module, options);
}

export function describeSource(source: DriverSource): string {
  return 'command' in source ? `--driver ${JSON.stringify(source.command)}` : `--driver-module ${source.module}`;
}
