// The KNI data path over small rings: every frame gets one verdict, a ring-full drop is a
// 'fifo-drop' (never 'filtered'), what is queued arrives once and in order, no mbuf is lost.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { type IngressVerdict, KniDataPath } from '../../src/relay/data-path.ts';
import { OWN, groups, mode } from './helpers.ts';

const G = groups(6);
const PROGRAMMED = G.slice(0, 3);

type Step =
  | { readonly op: 'rx'; readonly dsts: readonly number[] }
  | { readonly op: 'krx' }
  | { readonly op: 'ktx'; readonly n: number }
  | { readonly op: 'utx'; readonly n: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  fc.record({ op: fc.constant('rx' as const), dsts: fc.array(fc.nat({ max: G.length - 1 }), { maxLength: 12 }) }),
  fc.record({ op: fc.constant('krx' as const) }),
  fc.record({ op: fc.constant('ktx' as const), n: fc.integer({ min: 1, max: 6 }) }),
  fc.record({ op: fc.constant('utx' as const), n: fc.integer({ min: 0, max: 8 }) }),
);

function physical() {
  const nic = resolveProfile('exact-strict:4').create(OWN, new Set());
  nic.program(mode(PROGRAMMED));
  return nic;
}

describe('KniDataPath', () => {
  it('one verdict per frame; filtered exactly when the table lacks the group; fifo-drop only past a full rx_q; order kept; mbufs conserved', () => {
    fc.assert(
      fc.property(fc.constantFrom(4, 8), fc.integer({ min: 2, max: 40 }), fc.array(stepArb, { maxLength: 40 }), (fifoLen, mbufs, steps) => {
        const dp = new KniDataPath(physical(), { fifoLen, mbufs });
        let nextId = 0;
        const queuedIn: number[] = [];
        const deliveredIn: number[] = [];
        const queuedOut: number[] = [];
        const sentOut: number[] = [];
        const drain = (): void => {
          for (let i = 0; i < 100 && dp.rxQ.count() + dp.freeQ.count() > 0; i++) {
            deliveredIn.push(...dp.kernelRx());
            dp.userRx([]);
          }
          for (let i = 0; i < 100 && dp.txQ.count() > 0; i++) sentOut.push(...dp.userTx());
        };
        for (const s of steps) {
          if (s.op === 'rx') {
            const frames = s.dsts.map((d) => ({ id: nextId++, dst: G[d]! }));
            const roomBefore = dp.rxQ.free();
            const verdicts = dp.userRx(frames);
            expect(verdicts).toHaveLength(frames.length);
            let fifoDrops = 0;
            let admitted = 0;
            frames.forEach((f, i) => {
              const v: IngressVerdict = verdicts[i]!;
              expect(v === 'filtered').toBe(!PROGRAMMED.includes(f.dst));
              if (v === 'queued') queuedIn.push(f.id);
              if (v === 'fifo-drop') fifoDrops++;
              if (v === 'queued' || v === 'fifo-drop') admitted++;
            });
            expect(fifoDrops).toBe(Math.max(0, admitted - roomBefore));
          } else if (s.op === 'krx') {
            deliveredIn.push(...dp.kernelRx());
          } else if (s.op === 'ktx') {
            for (let i = 0; i < s.n; i++) {
              const full = dp.txQ.free() === 0 || dp.allocQ.count() === 0;
              const id = nextId++;
              const v = dp.kernelTx(id);
              expect(v).toBe(full ? 'fifo-drop' : 'queued');
              if (v === 'queued') queuedOut.push(id);
            }
          } else {
            sentOut.push(...dp.userTx(s.n));
          }
          expect(dp.mbufsAccounted()).toBe(mbufs);
        }
        drain();
        expect(deliveredIn).toEqual(queuedIn);
        expect(sentOut).toEqual(queuedOut);
        expect(dp.mbufsAccounted()).toBe(mbufs);
      }),
      { numRuns: 300 },
    );
  });

  it('a full rx_q drops the tail of a burst as fifo-drop while the filter still passes those groups', () => {
    const dp = new KniDataPath(physical(), { fifoLen: 4, mbufs: 16 });
    const frames = [0, 1, 2, 0, 1].map((g, id) => ({ id, dst: G[g]! }));
    expect(dp.userRx(frames)).toEqual(['queued', 'queued', 'queued', 'fifo-drop', 'fifo-drop']);
    expect(dp.userRx([{ id: 9, dst: G[5]! }])).toEqual(['filtered']);
    expect(dp.kernelRx()).toEqual([0, 1, 2]);
    expect(dp.state()).toMatchObject({ counters: { filtered: 1, rxFifoDrop: 2, delivered: 3 } });
  });

  it('egress needs an mbuf on alloc_q: nothing can be sent before the application refills it', () => {
    const dp = new KniDataPath(physical(), { fifoLen: 4, mbufs: 16 });
    expect(dp.kernelTx(1)).toBe('fifo-drop');
    expect(dp.userTx()).toEqual([]);
    expect(dp.allocQ.count()).toBe(3);
    expect(dp.kernelTx(2)).toBe('queued');
    expect(dp.userTx()).toEqual([2]);
  });

  it('an empty mempool drops as no-mbuf, not as fifo-drop or filtered', () => {
    const dp = new KniDataPath(physical(), { fifoLen: 8, mbufs: 1 });
    expect(dp.userRx([{ id: 0, dst: G[0]! }, { id: 1, dst: G[1]! }])).toEqual(['queued', 'no-mbuf']);
  });
});
