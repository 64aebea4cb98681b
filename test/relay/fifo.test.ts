// The KNI FIFO against a plain array queue of capacity len - 1 (kni_fifo.h: one slot stays empty).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { KniFifo } from '../../src/relay/fifo.ts';

type Op = { readonly kind: 'put'; readonly values: readonly number[] } | { readonly kind: 'get'; readonly n: number };

const POWERS = [2, 4, 8, 16, 32, 64] as const;

const opArb = (len: number): fc.Arbitrary<Op> =>
  fc.oneof(
    fc.record({ kind: fc.constant('put' as const), values: fc.array(fc.nat({ max: 0xffffffff }), { maxLength: len + 2 }) }),
    fc.record({ kind: fc.constant('get' as const), n: fc.nat({ max: len + 2 }) }),
  );

describe('KniFifo', () => {
  it('matches an array queue of capacity len-1 over any sequence of puts and gets, for every length 2..64', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...POWERS).chain((len) => fc.tuple(fc.constant(len), fc.array(opArb(len), { maxLength: 60 }))),
        ([len, ops]) => {
          const fifo = KniFifo.create(len);
          const model: number[] = [];
          for (const op of ops) {
            if (op.kind === 'put') {
              const room = len - 1 - model.length;
              const expectedN = Math.min(room, op.values.length);
              expect(fifo.put(op.values)).toBe(expectedN);
              model.push(...op.values.slice(0, expectedN));
            } else {
              const expectedOut = model.splice(0, op.n);
              expect(fifo.get(op.n)).toEqual(expectedOut);
            }
            expect(fifo.count()).toBe(model.length);
            expect(fifo.free()).toBe(len - 1 - model.length);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('wraps around: many rounds of fill-to-full then drain keep order and capacity len-1', () => {
    for (const len of POWERS) {
      const fifo = KniFifo.create(len);
      let next = 0;
      for (let round = 0; round < 3 * len; round++) {
        const chunk = Array.from({ length: len + 1 }, (_, i) => next + i);
        expect(fifo.put(chunk)).toBe(len - 1);
        expect(fifo.free()).toBe(0);
        expect(fifo.put([1])).toBe(0);
        // Drain a varying amount so the indexes land everywhere.
        const take = 1 + (round % (len - 1));
        expect(fifo.get(take)).toEqual(chunk.slice(0, take));
        expect(fifo.get(len)).toEqual(chunk.slice(take, len - 1));
        expect(fifo.count()).toBe(0);
        expect(fifo.get(1)).toEqual([]);
        next += len + 1;
      }
    }
  });

  it('a length-2 ring holds exactly one entry', () => {
    const fifo = KniFifo.create(2);
    expect(fifo.put([7, 8])).toBe(1);
    expect(fifo.count()).toBe(1);
    expect(fifo.free()).toBe(0);
    expect(fifo.get(5)).toEqual([7]);
    expect(fifo.put([9])).toBe(1);
    expect(fifo.get(1)).toEqual([9]);
  });

  it('attach sees what the creator put (the same shared memory)', () => {
    const a = KniFifo.create(8);
    const b = KniFifo.attach(a.buffer);
    expect(a.put([1, 2, 3])).toBe(3);
    expect(b.count()).toBe(3);
    expect(b.get(2)).toEqual([1, 2]);
    expect(a.free()).toBe(6);
  });

  it('refuses a length that is not a power of two >= 2 with an InputError naming len', () => {
    for (const bad of [0, 1, 3, 6, 12, 100, -4, 2.5, Number.NaN]) {
      expect(() => KniFifo.create(bad)).toThrow(InputError);
      try {
        KniFifo.create(bad);
      } catch (e) {
        expect((e as InputError).where).toBe('len');
        expect((e as InputError).message).toContain(String(bad));
      }
    }
    expect(() => KniFifo.attach(new SharedArrayBuffer(4 * (2 + 3)))).toThrow(InputError);
  });
});
