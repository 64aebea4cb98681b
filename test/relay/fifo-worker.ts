// Worker for the FIFO stress test: one side of a KniFifo shared with another worker. The
// producer puts 0, 1, ..., total-1; the consumer checks it gets exactly that sequence.
// Run with `--import tsx` (see fifo-stress.test.ts).
import { parentPort, workerData } from 'node:worker_threads';
import { KniFifo } from '../../src/relay/fifo.ts';

interface Job {
  readonly role: 'producer' | 'consumer';
  readonly buffer: SharedArrayBuffer;
  readonly total: number;
  readonly burst: number;
}

export type StressReport =
  | { readonly role: 'producer'; readonly ok: true; readonly spins: number }
  | { readonly role: 'consumer'; readonly ok: true; readonly received: number; readonly spins: number }
  | { readonly role: 'consumer'; readonly ok: false; readonly at: number; readonly expected: number; readonly got: number };

const job = workerData as Job;
const fifo = KniFifo.attach(job.buffer);

function produce(): StressReport {
  let next = 0;
  let spins = 0;
  const batch: number[] = [];
  while (next < job.total) {
    batch.length = 0;
    for (let v = next; v < Math.min(job.total, next + job.burst); v++) batch.push(v);
    const n = fifo.put(batch);
    if (n === 0) spins++;
    next += n;
  }
  return { role: 'producer', ok: true, spins };
}

function consume(): StressReport {
  let expected = 0;
  let spins = 0;
  while (expected < job.total) {
    const got = fifo.get(job.burst);
    if (got.length === 0) spins++;
    for (const v of got) {
      if (v !== expected) return { role: 'consumer', ok: false, at: expected, expected, got: v };
      expected++;
    }
  }
  // Nothing may follow the last entry.
  const extra = fifo.get(1);
  if (extra.length > 0) return { role: 'consumer', ok: false, at: expected, expected: -1, got: extra[0]! };
  return { role: 'consumer', ok: true, received: expected, spins };
}

parentPort!.postMessage(job.role === 'producer' ? produce() : consume());
