// The model-based and scenario-level properties for the driver-modelled builtin profiles.
import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../src/check/arbitraries.ts';
import { checkScenario } from '../src/check/compare.ts';
import { modelProperty } from '../src/check/properties.ts';
import { hasOracleSpec } from '../src/oracle/index.ts';
import { builtinProfileNames } from '../src/profiles/registry.ts';
import { MODEL_RUNS, SCENARIO_RUNS, catalogProfiles } from './profiles.ts';

it('every builtin profile has an oracle spec, so `check` runs them all', () => {
  expect(builtinProfileNames().filter((n) => !hasOracleSpec(n))).toEqual([]);
});

describe.each(catalogProfiles())('profile %s', (profile) => {
  it('model-based: every command sequence keeps the model and the oracle in agreement', () => {
    fc.assert(modelProperty({ profile }), { numRuns: MODEL_RUNS.catalog });
  });

  test.prop([scenarioArbitrary({ profile })], { numRuns: SCENARIO_RUNS.catalog })(
    'scenario-level: no step of a generated scenario breaks an invariant',
    (scenario) => {
      expect(checkScenario(scenario, { profile })).toEqual([]);
    },
  );
});
