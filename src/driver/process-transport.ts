// The process form of a driver: a child speaking JSON lines on stdin/stdout (stderr passed
// through), started through /bin/sh in its own process group, which is killed with it when the
// session closes or the testbench exits (src/shutdown.ts).
import { type ChildProcess, spawn } from 'node:child_process';
import { readlinkSync } from 'node:fs';
import { onShutdown } from '../shutdown.ts';
import { type DriverRequest, DriverError } from './protocol.ts';
import { type DriverOptions, type DriverSession, KILL_GRACE_MS, MAX_ANSWER_LINE_BYTES, type PendingAnswer, STDERR_TIP, type Transport, clip, openSession } from './conversation.ts';

function killGroup(child: ChildProcess, signal: NodeJS.Signals): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is gone already
  }
}

type Pending = PendingAnswer;

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
      return Promise.reject(new DriverError('protocol', line, `unsolicited output before this request: ${clip(extra)}${STDERR_TIP}`));
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
  return openSession(new ProcessTransport(child, command), options);
}