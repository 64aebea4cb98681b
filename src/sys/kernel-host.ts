// The few verbs the routing and stacked benches need from a Linux kernel (src/kernel/route-bench.ts,
// stacked-diff.ts), so that one bench runs in two places: this machine's kernel (local-host.ts:
// koffi and netns.ts) or a QEMU guest's (src/guest/kernel-host.ts: the agent's exec, nsocket,
// sockopt, getopt, bindh, sendh, drain, close, nsread, nswrite and sleep commands). Calls go in batches:
// a batch runs in order without waiting for the caller, so a whole scenario costs the guest one
// round trip; a failed call does not stop the batch, its answer says how it failed.

/** One verb. Sockets are named by a handle the caller chooses; an unknown handle acts as fd -1 (EBADF). */
export type HostCall =
  /** `ip ARGS` (iproute2); fails with errno 'EXIT' and ip's first error line. */
  | { readonly call: 'ip'; readonly args: readonly string[] }
  /** Writes `value` to `path` opened inside namespace `ns` (a sysctl of that namespace). */
  | { readonly call: 'write'; readonly ns: string; readonly path: string; readonly value: string }
  /** Reads `path` opened inside `ns` (/proc/thread-self/net/... follows the namespace). */
  | { readonly call: 'read'; readonly ns: string; readonly path: string }
  /** socket(domain, type, protocol) inside `ns`; the socket stays in `ns` for its life. */
  | { readonly call: 'socket'; readonly ns: string; readonly handle: string; readonly domain: number; readonly type: number; readonly protocol: number }
  | { readonly call: 'setsockopt'; readonly handle: string; readonly level: number; readonly name: number; readonly value: Buffer }
  /** getsockopt with a `len`-byte buffer; the answer's `messages[0]` holds the bytes it returned. */
  | { readonly call: 'getsockopt'; readonly handle: string; readonly level: number; readonly name: number; readonly len: number }
  | { readonly call: 'bind'; readonly handle: string; readonly addr: Buffer }
  | { readonly call: 'sendto'; readonly handle: string; readonly data: Buffer; readonly addr: Buffer }
  /** Every message queued on the socket now (non-blocking recv, at most `max` bytes each). */
  | { readonly call: 'drain'; readonly handle: string; readonly max: number }
  | { readonly call: 'close'; readonly handle: string }
  /** Sleeps on the kernel's side (real ticks of the routing differential). */
  | { readonly call: 'sleep'; readonly ms: number };

export type HostAnswer =
  | { readonly ok: true; readonly text: string; readonly messages: readonly Buffer[] }
  | { readonly ok: false; readonly errno: string; readonly message: string };

export interface KernelHost {
  /** Where the calls run, as a person reads it: "this machine (Linux 6.18.44)", "guest (Linux 6.1.0-57-amd64, QEMU TCG)". */
  readonly label: string;
  /** The kernel's release (uname -r). */
  readonly release: string;
  /** Runs the calls in order; one answer per call. */
  run(calls: readonly HostCall[]): Promise<HostAnswer[]>;
  /** A fresh network namespace (loopback up) owned by this host until deleteNamespace. */
  createNamespace(): Promise<string>;
  deleteNamespace(name: string): Promise<void>;
  /** Pins the caller to one CPU where that matters (every send is through the router before sendto returns). */
  pin(): { restore(): void };
  dispose(): Promise<void>;
}

/** A call that must not fail in a correct setup failed: an environment problem, named with the call. */
export class HostCallError extends Error {
  override readonly name = 'HostCallError';
  constructor(
    readonly what: string,
    readonly errno: string,
    detail: string,
  ) {
    super(`${what} failed: ${errno}${detail ? ` (${detail})` : ''}`);
  }
}

/** Short text of a call for error messages. */
export function describeCall(c: HostCall): string {
  switch (c.call) {
    case 'ip':
      return `ip ${c.args.join(' ')}`;
    case 'write':
    case 'read':
      return `${c.call} ${c.path} in ${c.ns}`;
    case 'socket':
      return `socket(${c.domain}, ${c.type}, ${c.protocol}) in ${c.ns} as ${c.handle}`;
    case 'setsockopt':
      return `setsockopt(${c.handle}, ${c.level}, ${c.name})`;
    case 'getsockopt':
      return `getsockopt(${c.handle}, ${c.level}, ${c.name})`;
    case 'sleep':
      return `sleep ${c.ms} ms`;
    default:
      return `${c.call}(${c.handle})`;
  }
}

/** The answer's text and messages, or a HostCallError naming the call. */
export function mustAnswer(call: HostCall, a: HostAnswer | undefined): { text: string; messages: readonly Buffer[] } {
  if (!a) throw new HostCallError(describeCall(call), 'ENOANSWER', 'the batch returned fewer answers than calls');
  if (!a.ok) throw new HostCallError(describeCall(call), a.errno, a.message);
  return a;
}

/** Runs the calls and requires every one to succeed; their answers' texts. */
export async function runAll(host: KernelHost, calls: readonly HostCall[]): Promise<string[]> {
  const answers = await host.run(calls);
  return calls.map((c, i) => mustAnswer(c, answers[i]).text);
}

/** `ip ARGS` on the host, its standard output. */
export async function hostIp(host: KernelHost, args: readonly string[]): Promise<string> {
  return (await runAll(host, [{ call: 'ip', args }]))[0] as string;
}
