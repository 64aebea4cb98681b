// Network namespaces owned by one run: unique names (mtb-<pid>-<n>), entered by setns on the
// calling thread only for the one call that needs it, and removed on exit, SIGINT, SIGTERM and SIGHUP (src/shutdown.ts).
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync } from 'node:fs';
import { onShutdown } from '../shutdown.ts';
import { CLONE_NEWNET, KernelCallError, setns } from './ffi.ts';

export const NETNS_PREFIX = 'mtb-';
const NETNS_DIR = '/run/netns'; // iproute2 ip/ipnetns.c NETNS_RUN_DIR
/**
 * A bound against a hung `ip`, never a measure of speed: on a machine whose cores are busy a
 * batch of a thousand `maddr add`s took over 10 s (a loaded .ci/run, ETIMEDOUT), so a batch gets
 * more time per line.
 */
const IP_TIMEOUT_MS = 120_000;
const IP_TIMEOUT_PER_LINE_MS = 100;

/** A failure of the environment (an `ip` command, a namespace), not of the scenario. */
export class KernelEnvError extends Error {
  override readonly name = 'KernelEnvError';
}

/** Runs `ip ARGS` (stdin for -batch), throws KernelEnvError with ip's message on failure. */
export function ip(args: readonly string[], input?: string): string {
  const lines = input === undefined ? 0 : input.split('\n').length;
  const r = spawnSync('ip', args, { input, encoding: 'utf8', timeout: IP_TIMEOUT_MS + lines * IP_TIMEOUT_PER_LINE_MS });
  if (r.error) throw new KernelEnvError(`ip ${args.join(' ')}: ${r.error.message}`);
  if (r.status !== 0) {
    throw new KernelEnvError(`ip ${args.join(' ')}: ${(r.stderr || r.stdout).trim().split('\n')[0]}`);
  }
  return r.stdout;
}

const owned = new Set<string>();
let counter = 0;
let handlersInstalled = false;

function removeAllOwned(): void {
  for (const name of [...owned]) {
    spawnSync('ip', ['netns', 'del', name], { timeout: IP_TIMEOUT_MS });
    owned.delete(name);
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Removed on exit and on SIGINT/SIGTERM/SIGHUP (src/shutdown.ts exits 128 + N after).
  onShutdown(removeAllOwned);
}

/** Creates a fresh namespace mtb-<pid>-<n> (loopback up) and registers it for removal. */
export function createNamespace(): string {
  installHandlers();
  let name: string;
  do name = `${NETNS_PREFIX}${process.pid}-${counter++}`;
  while (existsSync(`${NETNS_DIR}/${name}`));
  owned.add(name);
  ip(['netns', 'add', name]);
  ip(['-n', name, 'link', 'set', 'lo', 'up']);
  return name;
}

export function deleteNamespace(name: string): void {
  if (!owned.has(name)) throw new KernelEnvError(`namespace ${name} is not owned by this run`);
  owned.delete(name);
  ip(['netns', 'del', name]);
}

/** Namespaces this process created and has not removed yet. */
export function ownedNamespaces(): string[] {
  return [...owned];
}

let homeFd = -1;

/**
 * Runs fn with the calling thread inside namespace `name` (setns), then returns to the thread's
 * own namespace. fn must be synchronous: sockets and /proc/thread-self/net opened inside belong
 * to `name` for their whole life; nothing asynchronous may run while the thread is away.
 */
export function inNamespace<T>(name: string, fn: () => T): T {
  if (homeFd < 0) homeFd = openSync('/proc/thread-self/ns/net', 'r');
  const fd = openSync(`${NETNS_DIR}/${name}`, 'r');
  try {
    const r = setns(fd, CLONE_NEWNET);
    if (!r.ok) throw new KernelCallError(`setns(${name})`, r.errno);
    try {
      return fn();
    } finally {
      const back = setns(homeFd, CLONE_NEWNET);
      if (!back.ok) throw new KernelCallError('setns(home)', back.errno);
    }
  } finally {
    closeSync(fd);
  }
}
