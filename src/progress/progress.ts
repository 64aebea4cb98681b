// Progress of a long command on stderr: a bar redrawn in place when stderr is a terminal, plain
// lines every PLAIN_INTERVAL_MS otherwise (CI logs). Driven by the command's own events (no
// timers of its own, so nothing keeps the process alive); clock and stream are injectable.

/** What Progress writes to: process.stderr or a test double. */
export interface ProgressStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
}

export interface ProgressOptions {
  readonly stream: ProgressStream;
  readonly now?: () => number;
  /** Plain mode: a line at most this often (default PLAIN_INTERVAL_MS). */
  readonly intervalMs?: number;
  /** Terminal mode: a redraw at most this often (default TTY_REDRAW_MS). */
  readonly redrawMs?: number;
}

export const PLAIN_INTERVAL_MS = 10_000;
export const TTY_REDRAW_MS = 100;
const BAR_WIDTH = 20;

export interface ProgressCounts {
  /** Items done and planned (profiles, files, phases). */
  readonly done: number;
  readonly total: number;
  /** Generated runs done and planned (0 planned: unknown). */
  readonly runs: number;
  readonly totalRuns: number;
}

/** m:ss or h:mm:ss. */
export function clock(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  const hh = Math.floor(s / 3600);
  const mm = Math.floor((s % 3600) / 60);
  const ss = String(s % 60).padStart(2, '0');
  return hh > 0 ? `${hh}:${String(mm).padStart(2, '0')}:${ss}` : `${mm}:${ss}`;
}

/** Time left, from the share of runs (or items) done so far; null before anything is done. */
export function estimateMs(c: ProgressCounts, elapsedMs: number): number | null {
  const [done, total] = c.totalRuns > 0 ? [c.runs, c.totalRuns] : [c.done, c.total];
  if (done <= 0 || total <= 0) return null;
  return Math.max(0, (elapsedMs * (total - Math.min(done, total))) / done);
}

export class Progress {
  private counts: ProgressCounts = { done: 0, total: 0, runs: 0, totalRuns: 0 };
  private status = '';
  private readonly started: number;
  private lastShown: number;
  private drawn = false;
  private readonly now: () => number;
  readonly tty: boolean;

  constructor(
    /** What is done, e.g. "check", and what the items are, e.g. "profiles". */
    private readonly label: string,
    private readonly items: string,
    private readonly options: ProgressOptions,
  ) {
    this.now = options.now ?? Date.now;
    this.tty = options.stream.isTTY === true;
    this.started = this.now();
    this.lastShown = this.started;
  }

  /** The line both modes show. */
  line(): string {
    const c = this.counts;
    const elapsed = this.now() - this.started;
    const parts = [`${c.done}/${c.total} ${this.items}`];
    if (c.totalRuns > 0) parts.push(`${c.runs}/${c.totalRuns} runs`);
    else if (c.runs > 0) parts.push(`${c.runs} runs`);
    parts.push(`${clock(elapsed)} elapsed`);
    const left = estimateMs(c, elapsed);
    if (left !== null && c.done < c.total) parts.push(`about ${clock(left)} left`);
    return `${this.label}: ${parts.join(', ')}${this.status ? ` (${this.status})` : ''}`;
  }

  update(counts: Partial<ProgressCounts>, status?: string): void {
    this.counts = { ...this.counts, ...counts };
    if (status !== undefined) this.status = status;
    this.show(false);
  }

  /** A line of the command's own (a warning, a shrinking note): printed above the bar. */
  note(text: string): void {
    this.around(() => this.options.stream.write(`${text}\n`));
  }

  /** Output to the same terminal (stdout): the bar is cleared first and drawn again after it. */
  around(write: () => void): void {
    const redraw = this.tty && this.drawn;
    if (this.tty) this.clear();
    write();
    if (redraw) this.show(true);
  }

  /** Ends the display: the bar is cleared; plain mode prints the final line. */
  done(): void {
    if (this.tty) this.clear();
    else if (this.now() - this.started >= (this.options.intervalMs ?? PLAIN_INTERVAL_MS)) this.options.stream.write(`${this.line()}\n`);
  }

  private show(force: boolean): void {
    const now = this.now();
    if (this.tty) {
      if (!force && now - this.lastShown < (this.options.redrawMs ?? TTY_REDRAW_MS)) return;
      this.lastShown = now;
      const c = this.counts;
      const share = c.totalRuns > 0 ? c.runs / c.totalRuns : c.total > 0 ? c.done / c.total : 0;
      const full = Math.round(Math.min(1, share) * BAR_WIDTH);
      const text = `[${'#'.repeat(full)}${'-'.repeat(BAR_WIDTH - full)}] ${this.line()}`;
      const width = Math.max(20, (this.options.stream.columns || 80) - 1);
      this.options.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
      this.drawn = true;
      return;
    }
    if (now - this.lastShown < (this.options.intervalMs ?? PLAIN_INTERVAL_MS)) return;
    this.lastShown = now;
    this.options.stream.write(`${this.line()}\n`);
  }

  private clear(): void {
    if (this.drawn) this.options.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}
