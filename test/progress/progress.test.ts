// The progress display with a fake clock and stream: a bar redrawn in place on a terminal,
// plain lines no more often than the interval otherwise, and an estimate from the share done.
import { describe, expect, it } from 'vitest';
import { Progress, type ProgressStream, clock, estimateMs } from '../../src/progress/progress.ts';

function fake(isTTY: boolean): { stream: ProgressStream; out: string[]; tick: (ms: number) => void; now: () => number } {
  let t = 1_000_000;
  const out: string[] = [];
  return { stream: { isTTY, columns: 200, write: (s: string) => out.push(s) }, out, tick: (ms) => void (t += ms), now: () => t };
}

describe('progress', () => {
  it('plain: a line per interval with items, runs, elapsed and an estimate; nothing in between', () => {
    const f = fake(false);
    const p = new Progress('check', 'profiles', { stream: f.stream, now: f.now, intervalMs: 10_000 });
    p.update({ done: 0, total: 4, runs: 0, totalRuns: 400 });
    f.tick(5_000);
    p.update({ runs: 50 });
    expect(f.out).toEqual([]);
    f.tick(5_000);
    p.update({ done: 1, runs: 100 }, 'hash64 model');
    // 100 of 400 runs in 10 s: 30 s left.
    expect(f.out).toEqual(['check: 1/4 profiles, 100/400 runs, 0:10 elapsed, about 0:30 left (hash64 model)\n']);
    f.tick(1_000);
    p.update({ runs: 110 });
    expect(f.out).toHaveLength(1);
  });

  it('terminal: the bar is redrawn in place (carriage return, erase line) and cleared at the end', () => {
    const f = fake(true);
    const p = new Progress('check', 'profiles', { stream: f.stream, now: f.now, redrawMs: 100 });
    p.update({ done: 0, total: 2, runs: 0, totalRuns: 10 });
    f.tick(200);
    p.update({ done: 1, runs: 5 });
    const last = f.out.at(-1) ?? '';
    expect(last.startsWith('\r\x1b[2K[##########----------] check: 1/2 profiles, 5/10 runs, 0:00 elapsed')).toBe(true);
    expect(last).not.toContain('\n');
    p.note('a warning');
    expect(f.out.slice(-3)).toEqual(['\r\x1b[2K', 'a warning\n', expect.stringMatching(/^\r\x1b\[2K\[#/)]);
    p.done();
    expect(f.out.at(-1)).toBe('\r\x1b[2K');
  });

  it('formats the clock and estimates only once something is done', () => {
    expect(clock(0)).toBe('0:00');
    expect(clock(61_400)).toBe('1:01');
    expect(clock(3_723_000)).toBe('1:02:03');
    expect(estimateMs({ done: 0, total: 3, runs: 0, totalRuns: 30 }, 5000)).toBeNull();
    expect(estimateMs({ done: 1, total: 4, runs: 0, totalRuns: 0 }, 5000)).toBe(15_000);
  });
});
