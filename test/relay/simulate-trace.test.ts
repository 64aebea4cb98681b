// simulate --trace shows, step by step, what the KNI relay carried: the SET_MC_LIST request in
// the sync area gains 239.1.1.1's MAC (01:00:5e:01:01:01, low 23 bits 0x010101) at the join.
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { simulate } from '../../src/simulate.ts';

const FIXTURE = join(import.meta.dirname, '../../fixtures/kni-mc-joined-group.json');

interface RelayTrace {
  readonly channel: { readonly syncArea: { readonly request: { readonly id: string; readonly list: readonly string[] } } };
}

describe('simulate --trace on a kni-mc interface', () => {
  it('shows the sync area after each step; without trace the steps carry no state', () => {
    const scenario = loadScenarioFile(FIXTURE);
    const traced = simulate(scenario, { trace: true });
    const list = (i: number): readonly string[] => (traced.steps[i]?.nic?.['vEth0'] as unknown as RelayTrace).channel.syncArea.request.list;
    expect((traced.steps[0]?.nic?.['vEth0'] as unknown as RelayTrace).channel.syncArea.request.id).toBe('SET_MC_LIST');
    expect(list(0)).not.toContain('01:00:5e:01:01:01');
    expect(list(1)).toContain('01:00:5e:01:01:01');
    expect(simulate(scenario).steps.every((s) => s.nic === undefined)).toBe(true);
  });
});
