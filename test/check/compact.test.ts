// The pass after fast-check's shrinking that turns one-at-a-time list growth into a `fill`
// (src/check/compact.ts): a threshold counterexample becomes one step.
import { describe, expect, it } from 'vitest';
import { checkScenario } from '../../src/check/compare.ts';
import { type Counterexample, compactCounterexample } from '../../src/check/compact.ts';
import type { FaultName } from '../../src/faults.ts';
import type { AnyStep, InterfaceSpec } from '../../src/scenario/types.ts';

const ETH0: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:01', ipv6: ['2001:db8::1/64'] };

function joins(n: number): AnyStep[] {
  const steps: AnyStep[] = [{ op: 'open', socket: 's0', family: 'ipv4', bind: '0.0.0.0', port: 5000 }];
  for (let i = 1; i <= n; i++) steps.push({ op: 'join', socket: 's0', group: `239.3.0.${i}`, iface: 'eth0' });
  return steps;
}

function against(profile: string, fault: FaultName): (c: Counterexample) => ReturnType<typeof checkScenario> {
  return (c) => checkScenario(c, { profile, faults: new Set([fault]) });
}

describe('compactCounterexample', () => {
  it('tulip with a 15-entry perfect filter: 12 joins (15 entries with 224.0.0.1, ff02::1 and the one solicited-node MAC) become one fill of 12', () => {
    const cx = { interfaces: [ETH0], steps: joins(16) };
    const out = compactCounterexample(cx, against('tulip', 'tulip-perfect-15'));
    // Fewer than 12 leaves 14 entries, which the perfect filter holds with or without the fault.
    expect(out.steps).toEqual([{ op: 'fill', iface: 'eth0', count: 12, first: 0x7e0000 }]);
    expect(against('tulip', 'tulip-perfect-15')(out)[0]?.kind).toBe('loss');
  });

  it('a counterexample of four steps or fewer is returned as it is', () => {
    const cx = { interfaces: [ETH0], steps: joins(3) };
    expect(compactCounterexample(cx, against('tulip', 'tulip-perfect-15'))).toBe(cx);
  });

  it('nothing shorter that still fails: the same object comes back', () => {
    // Without the fault nothing fails, so no candidate can be kept.
    const cx = { interfaces: [ETH0], steps: joins(16) };
    expect(compactCounterexample(cx, (c) => checkScenario(c, { profile: 'tulip' }))).toBe(cx);
  });
});

describe('dropSteps', () => {
  it('leaves out every step the failure does not need, last first, and keeps the order', async () => {
    const { dropSteps } = await import('../../src/check/compact.ts');
    // Fails while 2 comes before 5 (a setup step, then the step that shows the fault).
    const fails = (s: readonly number[]) => s.includes(2) && s.includes(5) && s.indexOf(2) < s.indexOf(5);
    expect(dropSteps([0, 1, 2, 3, 4, 5, 6], fails)).toEqual([2, 5]);
    // Nothing can go: returned as it was.
    expect(dropSteps([2, 5], fails)).toEqual([2, 5]);
  });
});
