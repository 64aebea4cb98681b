// One conversation with a driver under test, whatever carries it (a child process, a worker
// running an ES module, an adapter in this process): every request answered before its deadline,
// each answer checked against the request it answers (src/driver/protocol.ts), the session over
// at the first failure. The transports are in process-transport.ts, module-transport.ts and
// adapter-transport.ts; session.ts is the front door.
import { isProfileName } from '../profiles/registry.ts';
import { BROADCAST_MAC } from '../wire/mac.ts';
import { DEFAULT_DRIVER_TIMEOUT_MS } from './defaults.ts';
import {
  type AnswerFor,
  type DriverAnswer,
  DRIVER_PROTOCOL_BASE,
  DRIVER_PROTOCOL_VERSIONS,
  DriverError,
  type DriverRequest,
  type HelloAnswer,
  encodeRequest,
  requestForVersion,
  validateAnswer,
} from './protocol.ts';


export { DEFAULT_DRIVER_TIMEOUT_MS };
/** Start-up may take much longer than an answer (an interpreter loading on a busy CI machine). */
export const DEFAULT_STARTUP_TIMEOUT_MS = 10_000;
/** An answer is a short object; a longer line is garbage, not something to buffer forever. */
export const MAX_ANSWER_LINE_BYTES = 64 * 1024;
/** How long a child may take to go after SIGTERM before it gets SIGKILL. */
export const KILL_GRACE_MS = 200;

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
export interface Transport {
  exchange(line: string, req: DriverRequest, timeoutMs: number): Promise<string>;
  close(): Promise<void>;
}

class Session implements DriverSession {
  hello: HelloAnswer = { name: '', model: null, order: 'set', protocol: DRIVER_PROTOCOL_BASE };
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

  request<R extends DriverRequest>(asked: R): Promise<AnswerFor<R>> {
    if (this.broken) return Promise.reject(this.broken);
    const req = requestForVersion(asked, this.hello.protocol);
    const line = encodeRequest(req);
    this.lastRequest = line;
    return this.settle(req, line, this.transport.exchange(line, req, this.timeoutMs));
  }

  async requestAll(reqs: readonly DriverRequest[], onAnswer: (index: number, answer: DriverAnswer) => void): Promise<void> {
    if (this.broken) throw this.broken;
    reqs = reqs.map((r) => requestForVersion(r, this.hello.protocol));
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
      throw this.fail(new DriverError('garbage', line, `answer is not JSON: ${clip(raw)}${STDERR_TIP}`));
    }
    const answer = validateAnswer(req, value);
    if (typeof answer === 'string') {
      // Requests are pipelined: one extra line earlier shifts every later answer by one.
      const shifted = otherOpAnswered(req, value);
      const hint = shifted ? ` (a valid "${shifted}" answer: the answers may be out of step after an extra line earlier)${STDERR_TIP}` : '';
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
  { op: 'hello', protocol: DRIVER_PROTOCOL_BASE, versions: DRIVER_PROTOCOL_VERSIONS },
  { op: 'program', promisc: false, allmulti: false, mc: [] },
  { op: 'rx', dst: BROADCAST_MAC },
];

/** The op (other than req's) whose answer `value` is, if any; reset and program share {"ok":true}. */
function otherOpAnswered(req: DriverRequest, value: unknown): DriverRequest['op'] | null {
  const same = req.op === 'reset' ? 'program' : req.op;
  const other = SAMPLE_REQUESTS.find((r) => r.op !== same && typeof validateAnswer(r, value) !== 'string');
  return other?.op ?? null;
}

export function clip(s: string): string {
  return JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}...` : s);
}

export async function openSession(transport: Transport, options: DriverOptions): Promise<DriverSession> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_DRIVER_TIMEOUT_MS;
  const session = new Session(transport, options.startupTimeoutMs ?? Math.max(timeoutMs, DEFAULT_STARTUP_TIMEOUT_MS));
  try {
    session.hello = await session.request({ op: 'hello', protocol: DRIVER_PROTOCOL_BASE, versions: DRIVER_PROTOCOL_VERSIONS });
    session.timeoutMs = timeoutMs;
    session.helloExchange = session.transcript[0] as Exchange;
    const model = session.hello.model;
    if (model !== null && !isProfileName(model)) {
      throw new DriverError('protocol', session.helloExchange.request, `hello names model ${JSON.stringify(model)}, which is neither a built-in profile (see \`npx mcast-testbench profiles\`) nor a loaded plug-in: if it is a plug-in, pass its module with --profile-module FILE`);
    }
    session.clearTranscript();
  } catch (e) {
    await transport.close();
    throw e;
  }
  return session;
}

/** A request written and not answered yet, as both the process and the module transports keep it. */
export interface PendingAnswer {
  readonly line: string;
  readonly op: DriverRequest['op'];
  readonly timeoutMs: number;
  readonly resolve: (answer: string) => void;
  readonly reject: (e: Error) => void;
  /** Armed when the request is the oldest unanswered one: the deadline is per answer. */
  timer: NodeJS.Timeout | null;
}

/** Said where a driver's stdout carries something besides answers: debug prints are the usual cause. */
export const STDERR_TIP = '; stdout carries only answers: a driver logs to stderr';

/** The operations of the protocol, in the order a conversation uses them. */
export const OPS: readonly DriverRequest['op'][] = ['hello', 'reset', 'program', 'rx'];
