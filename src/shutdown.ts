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
