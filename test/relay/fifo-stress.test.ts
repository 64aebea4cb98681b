// 1,000,000 entries from a producer worker to a consumer worker through one KniFifo in shared
// memory: nothing lost, duplicated or reordered. Both workers run src/relay/fifo.ts itself
// (loaded through tsx's ESM API inside the worker).
import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { KniFifo, KNI_FIFO_COUNT_MAX } from '../../src/relay/fifo.ts';
import type { StressReport } from './fifo-worker.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const TOTAL = 1_000_000;
const BURST = 32; // rte_kni.c MAX_MBUF_BURST_NUM
const DEADLINE_MS = 20_000;

const BOOTSTRAP = `
const { workerData } = require('node:worker_threads');
import('tsx/esm/api').then((api) => { api.register(); return import(workerData.url); });
`;

function run(role: 'producer' | 'consumer', buffer: SharedArrayBuffer): { worker: Worker; done: Promise<StressReport> } {
  const worker = new Worker(BOOTSTRAP, {
    eval: true,
    workerData: { url: new URL('./fifo-worker.ts', import.meta.url).href, role, buffer, total: TOTAL, burst: BURST },
  });
  const done = new Promise<StressReport>((resolve, reject) => {
    worker.once('message', (m: StressReport) => resolve(m));
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`${role} worker exited with ${code} before reporting`)));
  });
  return { worker, done };
}

describe('KniFifo across two worker threads', () => {
  it(`moves ${TOTAL} entries in order with nothing lost or duplicated`, async () => {
    const fifo = KniFifo.create(KNI_FIFO_COUNT_MAX);
    const consumer = run('consumer', fifo.buffer);
    const producer = run('producer', fifo.buffer);
    let timer: NodeJS.Timeout | undefined;
    const deadline = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no report within ${DEADLINE_MS} ms`)), DEADLINE_MS);
    });
    try {
      const [p, c] = await Promise.race([Promise.all([producer.done, consumer.done]), deadline]);
      expect(p).toMatchObject({ role: 'producer', ok: true });
      expect(c).toMatchObject({ role: 'consumer', ok: true, received: TOTAL });
      expect(fifo.count()).toBe(0);
    } finally {
      clearTimeout(timer);
      await Promise.all([producer.worker.terminate(), consumer.worker.terminate()]);
    }
  }, HANG_BOUND_MS);
});
