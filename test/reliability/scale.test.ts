// Long runs of `maddr` steps (issue 11, case 8). No timed assertion: the figure for 20,000
// steps is in the report of the change; here the work per step is counted.
import { describe, expect, it } from 'vitest';
import type { Scenario, Step } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { macCrcsComputed } from '../../src/wire/crc.ts';

function maddrScenario(n: number, nic: string, base: number): Scenario {
  const steps: Step[] = [];
  for (let j = 0; j < n; j++) {
    const i = base + j;
    const octets = [(i >> 16) & 0x7f, (i >> 8) & 0xff, i & 0xff].map((b) => b.toString(16).padStart(2, '0'));
    steps.push({ op: 'maddr', iface: 'eth0', mac: `01:00:5e:${octets.join(':')}`, add: true } as Step);
  }
  return { schema: 'mcast-testbench/scenario@1', interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], nic }], steps };
}

describe('case 8: maddr steps on hash filters', () => {
  it.each([
    ['tun', 0x10000],
    ['hash64', 0x20000],
  ] as const)('%s: the CRCs computed grow with the distinct MACs, not with steps x list length', (nic, base) => {
    const n = 1500;
    const before = macCrcsComputed();
    const result = simulate(maddrScenario(n, nic, base));
    const computed = macCrcsComputed() - before;
    expect(result.steps.every((s) => s.error === null)).toBe(true);
    // Each MAC once (the station's automatic groups add a handful): before, every program
    // hashed the whole list again, n * n / 2 = 1,125,000 CRCs here.
    expect(computed).toBeGreaterThanOrEqual(n - 16); // tun matches its first 8 addresses exactly
    expect(computed).toBeLessThanOrEqual(n + 16);
  });
});

describe('case 8: AppendFold (the tun hash loop, extended when addresses were only appended)', () => {
  it('always equals the plain fold, whatever the sequence of lists', async () => {
    const fc = (await import('fast-check')).default;
    const { AppendFold } = await import('../../src/nic/append-fold.ts');
    const pool = ['a', 'b', 'c', 'd', 'e'];
    const step = (acc: string, x: string): string => `${acc}${x}`;
    // Each next list: the previous with items appended (the common case), or anything else.
    const change = fc.oneof(
      fc.record({ kind: fc.constant('append' as const), items: fc.array(fc.constantFrom(...pool), { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('other' as const), items: fc.array(fc.constantFrom(...pool), { maxLength: 8 }) }),
    );
    fc.assert(
      fc.property(fc.array(fc.tuple(change, fc.nat({ max: 4 })), { maxLength: 30 }), (changes) => {
        const f = new AppendFold<string, string>('', step);
        let list: string[] = [];
        for (const [c, from] of changes) {
          list = c.kind === 'append' ? [...list, ...c.items] : [...c.items];
          expect(f.fold(list, from)).toBe(list.slice(from).reduce(step, ''));
        }
      }),
    );
  });

  it('folds only the appended items when the list grows by one', async () => {
    const { AppendFold } = await import('../../src/nic/append-fold.ts');
    let steps = 0;
    const f = new AppendFold<number, number>(0, (acc, x) => (steps++, acc + x));
    const list: number[] = [];
    for (let i = 0; i < 1000; i++) {
      list.push(i);
      f.fold([...list], 2);
    }
    expect(steps).toBe(998);
  });
});
