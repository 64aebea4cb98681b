// test/sequencer.ts orders the test files longest first, from vitest's results cache or, without
// one (a fresh clone), from the expected durations of test/expected-seconds.ts: every entry there
// must name a test file, or a renamed file would silently drop back among the short ones.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { EXPECTED_SECONDS } from './expected-seconds.ts';

const ROOT = join(import.meta.dirname, '..');

describe('the test sequencer', () => {
  it('expects durations of existing test files only', () => {
    expect(Object.keys(EXPECTED_SECONDS).length).toBeGreaterThan(0);
    for (const file of Object.keys(EXPECTED_SECONDS)) {
      expect(file, file).toMatch(/^(test|properties)\/.*\.test\.ts$/);
      expect(existsSync(join(ROOT, file)), file).toBe(true);
    }
  });
});
