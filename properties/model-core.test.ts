// The model-based property (fc.commands) and the scenario-level property for every core profile.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../src/check/arbitraries.ts';
import { checkScenario } from '../src/check/compare.ts';
import { modelProperty } from '../src/check/properties.ts';
import { hasOracleSpec } from '../src/oracle/index.ts';
import { builtinProfileNames } from '../src/profiles/registry.ts';
import { CORE_PROFILES, MODEL_RUNS, SCENARIO_RUNS } from './profiles.ts';

describe.each(CORE_PROFILES)('profile %s', (profile) => {
  it('is a builtin profile with an oracle spec', () => {
    expect(builtinProfileNames()).toContain(profile);
    expect(hasOracleSpec(profile)).toBe(true);
  });

  it('model-based: every command sequence keeps the model and the oracle in agreement', () => {
    fc.assert(modelProperty({ profile }), { numRuns: MODEL_RUNS.core });
  });

  test.prop([scenarioArbitrary({ profile })], { numRuns: SCENARIO_RUNS.core })(
    'scenario-level: no step of a generated scenario breaks an invariant',
    (scenario) => {
      expect(checkScenario(scenario, { profile })).toEqual([]);
    },
  );
});
