// Headless Chromium driven over the DevTools protocol on a pipe (--remote-debugging-pipe: fd 3
// to the browser, fd 4 from it, NUL-terminated JSON), so no npm client and no port are needed.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import type { Readable, Writable } from 'node:stream';

/** The chromium executable, or why there is none. */
export function findChromium(): { path: string } | { reason: string } {
  for (const name of [process.env['CHROMIUM'], 'chromium', 'chromium-browser'].filter((n): n is string => !!n)) {
    const r = spawnSync(name, ['--version'], { encoding: 'utf8', timeout: 30_000 });
    if (r.status === 0) return { path: name };
  }
  return { reason: 'no chromium on PATH (Debian: apt-get install chromium; or set CHROMIUM)' };
}

export interface CdpEvent {
  readonly method: string;
  readonly params: Record<string, unknown>;
  readonly sessionId?: string;
}

export class Browser {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: Record<string, unknown>) => void; reject: (e: Error) => void }>();
  private readonly waiters: { method: string; resolve: (e: CdpEvent) => void }[] = [];
  readonly events: CdpEvent[] = [];
  private buffer = '';
  private readonly exited: Promise<void>;

  private constructor(private readonly proc: ChildProcess) {
    const from = proc.stdio[4] as Readable;
    from.setEncoding('utf8');
    from.on('data', (chunk: string) => this.receive(chunk));
    this.exited = new Promise((resolve) => proc.once('exit', () => resolve()));
    proc.once('exit', () => {
      for (const p of this.pending.values()) p.reject(new Error('chromium exited'));
      this.pending.clear();
    });
  }

  static launch(path: string, userDataDir: string): Browser {
    const proc = spawn(
      path,
      ['--headless', '--no-sandbox', '--disable-gpu', '--remote-debugging-pipe', `--user-data-dir=${userDataDir}`, '--window-size=1280,900', '--hide-scrollbars', '--no-first-run', '--force-device-scale-factor=1', 'about:blank'],
      { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'] },
    );
    proc.stderr?.resume();
    return new Browser(proc);
  }

  private receive(chunk: string): void {
    this.buffer += chunk;
    let end: number;
    while ((end = this.buffer.indexOf('\0')) >= 0) {
      const message = JSON.parse(this.buffer.slice(0, end)) as { id?: number; result?: Record<string, unknown>; error?: { message: string }; method?: string; params?: Record<string, unknown>; sessionId?: string };
      this.buffer = this.buffer.slice(end + 1);
      if (message.id !== undefined) {
        const p = this.pending.get(message.id);
        this.pending.delete(message.id);
        if (message.error) p?.reject(new Error(message.error.message));
        else p?.resolve(message.result ?? {});
      } else if (message.method) {
        const event: CdpEvent = { method: message.method, params: message.params ?? {}, ...(message.sessionId ? { sessionId: message.sessionId } : {}) };
        this.events.push(event);
        for (const w of this.waiters.filter((w) => w.method === event.method)) {
          this.waiters.splice(this.waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    }
  }

  send(method: string, params: Record<string, unknown> = {}, sessionId?: string): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    const to = this.proc.stdio[3] as Writable;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      to.write(`${JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) })}\0`);
    });
  }

  /** The next event of this method (registered before the command that causes it). */
  next(method: string): Promise<CdpEvent> {
    return new Promise((resolve) => this.waiters.push({ method, resolve }));
  }

  async close(): Promise<void> {
    try {
      await this.send('Browser.close');
    } catch {
      // already gone
    }
    if (this.proc.exitCode === null && this.proc.signalCode === null) {
      const t = setTimeout(() => this.proc.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(t);
    }
  }
}
