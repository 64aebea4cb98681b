// Long runs of `maddr` steps (issue 11, case 8; issue 14). No timed assertion: the figure for 20,000
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
  // Every CRC is computed (none is remembered): the count is the programming's own work.
  it.each([
    ['tun', 0x5a0000],
    ['hash64', 0x5b0000],
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

describe('issue 14: the work per list change does not grow with the device list', () => {
  // Work counted: entries copied out of dev->mc (the whole-list copy, list heads, entry views)
  // and MAC CRCs computed. A batch is 500 `ip maddr add` of new MACs then their 500 deletes.
  async function batchWork(nic: string): Promise<{ small: number; large: number }> {
    const { Host } = await import('../../src/host/host.ts');
    const { deviceListEntriesCopied } = await import('../../src/netdev/device-list.ts');
    const host = new Host([{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], nic }]);
    const mac = (i: number): string => `01:00:5e:${[(i >> 16) & 0x7f, (i >> 8) & 0xff, i & 0xff].map((b) => b.toString(16).padStart(2, '0')).join(':')}`;
    const run = (from: number, to: number, add: boolean): void => {
      for (let i = from; i < to; i++) expect(host.apply({ op: 'maddr', iface: 'eth0', mac: mac(i), add } as Step).error).toBeNull();
    };
    const batch = (base: number): number => {
      const before = deviceListEntriesCopied() + macCrcsComputed();
      run(base, base + 500, true);
      run(base, base + 500, false);
      return deviceListEntriesCopied() + macCrcsComputed() - before;
    };
    run(0, 500, true);
    const small = batch(0x40000);
    run(500, 10000, true);
    const large = batch(0x50000);
    return { small, large };
  }

  it.each(['tun', 'hash64', 'exact-strict:4', 'e1000:0', 'tulip', 'accept-all'])('%s: a batch at 10,000 entries costs what it costs at 500', async (nic) => {
    const { small, large } = await batchWork(nic);
    // Per step at most a list head (e1000's 14 RARs) and a CRC or two: far below the 500 or
    // 10,000 entries a whole-list copy per step would count.
    expect(small).toBeLessThanOrEqual(1000 * 16);
    expect(large).toBeLessThanOrEqual(small + 16);
  });
});
