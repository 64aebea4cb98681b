// What every command gets from main: line output and the exit code contract.

/** Exit codes of every command (docs/cli.md). */
export const EXIT = {
  ok: 0,
  /** A property or a replay failed. */
  failure: 1,
  /** Usage or input error: bad arguments, an invalid scenario file, an unknown name. */
  usage: 2,
  /** The driver under test misbehaved (crash, hang, protocol error). */
  driver: 3,
  /** This machine cannot run the command: not root, no iproute2, a kernel feature missing (sysexits.h EX_UNAVAILABLE). */
  unavailable: 69,
  /** A bug in mcast-testbench itself (sysexits.h EX_SOFTWARE). */
  internal: 70,
} as const;

/** Thrown by a command to end with a given exit code and one line on stderr. */
export class CliExit extends Error {
  override readonly name = 'CliExit';
  constructor(
    readonly exitCode: number,
    message: string,
  ) {
    super(message);
  }
}

export interface Cli {
  /** Writes one line (or several) to stdout. */
  out(text: string): void;
  /** Writes one line to stderr. */
  err(text: string): void;
  /** The exit code main returns; a command sets it once it knows. */
  exitCode: number;
}

let pipeGuarded = false;

export function processCli(): Cli {
  if (!pipeGuarded) {
    pipeGuarded = true;
    // `mcast-testbench replay fixtures | head`: a closed pipe ends the output, not in a stack trace.
    for (const stream of [process.stdout, process.stderr]) {
      stream.on('error', (e: NodeJS.ErrnoException) => {
        if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
        throw e;
      });
    }
  }
  return {
    out: (text) => void process.stdout.write(`${text}\n`),
    err: (text) => void process.stderr.write(`${oneLine(text)}\n`),
    exitCode: EXIT.ok,
  };
}

/** Error text as one line: whatever produced it, stderr gets exactly one line per error. */
export function oneLine(text: string): string {
  return text.replace(/\s*[\r\n]+\s*/g, ' ').trim();
}
