// The one place SIGINT, SIGTERM and SIGHUP are handled. Whoever owns something that must not
// outlive the run (a driver's process group, a network namespace, a temporary file) registers
// a synchronous cleanup here; on a signal every cleanup runs and the process exits with
// 128 + the signal number (130 SIGINT, 143 SIGTERM, 129 SIGHUP); on a normal exit they run too.
// With nothing registered a signal keeps its default action (the process ends at once, which
// a shell reports with the same 128 + N).
// Long synchronous work must yield to the event loop now and then (await a setImmediate) so
// that a signal is seen: handlers run only between two turns of the loop.

/** A cleanup: synchronous (it may run from process 'exit'), safe to call when nothing is left. */
export type Cleanup = () => void;

const SIGNAL_NUMBERS = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 } as const;
type HandledSignal = keyof typeof SIGNAL_NUMBERS;

const cleanups = new Set<Cleanup>();
let installed = false;
let signalled: HandledSignal | null = null;

function runCleanups(): void {
  for (const fn of [...cleanups]) {
    cleanups.delete(fn);
    try {
      fn();
    } catch {
      // One failed cleanup must not keep the others from running.
    }
  }
}

function onSignal(signal: HandledSignal): void {
  if (signalled !== null) return; // a second signal while cleaning up: the first one decides
  signalled = signal;
  runCleanups();
  process.exit(128 + SIGNAL_NUMBERS[signal]);
}

const listeners = new Map<HandledSignal, () => void>(
  (Object.keys(SIGNAL_NUMBERS) as HandledSignal[]).map((signal) => [signal, () => onSignal(signal)]),
);

/**
 * The signal listeners are installed only while a cleanup is registered: with none, a signal
 * keeps its default action and ends the process at once, even inside long synchronous work
 * (a listener would wait for the event loop).
 */
function setInstalled(on: boolean): void {
  if (on === installed) return;
  installed = on;
  for (const [signal, listener] of listeners) {
    if (on) process.on(signal, listener);
    else process.off(signal, listener);
  }
}

let exitHooked = false;

/** Registers a cleanup for exit and the handled signals; returns the function that unregisters it. */
export function onShutdown(fn: Cleanup): () => void {
  if (!exitHooked) {
    exitHooked = true;
    process.on('exit', runCleanups);
  }
  cleanups.add(fn);
  setInstalled(true);
  return () => {
    cleanups.delete(fn);
    if (cleanups.size === 0 && signalled === null) setInstalled(false);
  };
}

/** Cleanups registered and not run yet (for tests). */
export function pendingCleanups(): number {
  return cleanups.size;
}

/** How often the parent is looked at: a second is the promise, a tenth of it the check. */
const PARENT_POLL_MS = 100;
let watchingParent = false;

/**
 * Ends this process (cleanups first, exit 129 as for SIGHUP: "the controlling process died")
 * when its parent goes. `npx mcast-testbench` runs npm -> sh -> node: npm forwards SIGTERM to
 * sh, sh dies of it and never passes it on, and node would run on as an orphan with its driver.
 * Whatever the chain above, the parent's death reaches us within PARENT_POLL_MS of a turn of
 * the event loop.
 */
export function endWithParent(): void {
  if (watchingParent) return;
  watchingParent = true;
  const parent = process.ppid;
  if (parent <= 1) return; // started by init (a container's entry point): nothing above to lose
  setInterval(() => {
    if (process.ppid !== parent) onSignal('SIGHUP');
  }, PARENT_POLL_MS).unref();
}
