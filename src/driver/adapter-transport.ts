// The adapter form of a driver: an object in this process (the library's `--driver-module`
// without a worker).
import { type DriverRequest, DriverError } from './protocol.ts';
import { type DriverOptions, type DriverSession, OPS, type Transport, openSession } from './conversation.ts';

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
  return openSession(new AdapterTransport(adapter), options);
}