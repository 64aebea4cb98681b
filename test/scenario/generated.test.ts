// Contract between the scenario generators (src/check/arbitraries.ts) and the scenario format:
// every generated scenario passes static validation, and formatScenario round-trips it.
import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { scenarioArbitrary } from '../../src/check/arbitraries.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import { formatScenario } from '../../src/scenario/save.ts';

const RUNS = 100;

describe('generated scenarios', () => {
  test.prop([fc.oneof(scenarioArbitrary({ profile: 'accept-all', interfaces: 2 }), scenarioArbitrary({ profile: 'tun' }))], { numRuns: RUNS })(
    'pass static validation and survive formatScenario -> parseScenario unchanged',
    (scenario) => {
      const text = formatScenario(scenario);
      expect(parseScenario(text, 'generated.json')).toEqual(JSON.parse(JSON.stringify(scenario)));
      // Stable: formatting the parsed scenario again gives the same text.
      expect(formatScenario(parseScenario(text, 'generated.json'))).toBe(text);
    },
  );
});
