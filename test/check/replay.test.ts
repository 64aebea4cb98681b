// replayScenario: expect is checked against the model; the oracle comparison runs unless
// meta.oracle is false.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { replayScenario, usesOracle } from '../../src/check/replay.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/kernel-fact-ipv4-mapping-drops-bit-23.json');

describe('replayScenario', () => {
  it('replays a hand-written fixture without problems', () => {
    expect(replayScenario(loadScenarioFile(FIXTURE))).toEqual([]);
  });

  it('reports where the model departs from expect', () => {
    const s = loadScenarioFile(FIXTURE);
    const e = s.expect!;
    const wrong: Scenario = {
      ...s,
      expect: { ...e, deliveries: { 'to-224-129': { nic: true, sockets: [] } } },
    };
    expect(replayScenario(wrong)).toEqual(['expect: delivery to-224-129: expected sockets [], got [s1]']);
  });

  it('with a fault injected, reports both expect and oracle problems', () => {
    // ipv4-map-24bit maps 224.129.1.1 (bit 23 set) to 01:00:5e:81:01:01 instead of :01:01:01.
    const problems = replayScenario(loadScenarioFile(FIXTURE), { faults: new Set(['ipv4-map-24bit']) });
    expect(problems.some((p) => p.startsWith('expect: interface eth0: device list has unexpected 01:00:5e:81:01:01'))).toBe(true);
    expect(problems.some((p) => p.startsWith('oracle: step 2: device-list'))).toBe(true);
  });

  it('skips the oracle when meta.oracle is false', () => {
    const { expect: _e, ...noExpect } = loadScenarioFile(FIXTURE);
    const faults = new Set(['ipv4-map-24bit'] as const);
    expect(replayScenario(noExpect, { faults }).length).toBeGreaterThan(0);
    const noOracle: Scenario = { ...noExpect, meta: { oracle: false } };
    expect(usesOracle(noOracle)).toBe(false);
    expect(replayScenario(noOracle, { faults })).toEqual([]);
  });
});
