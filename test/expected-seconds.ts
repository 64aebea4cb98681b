// How long each long test file takes, for test/sequencer.ts (vitest's order on a fresh clone).
// A module of its own: test/sequencer.test.ts reads it without loading vitest/node.

/**
 * Seconds each long test file took (tests and hooks; an idle two-core machine, the main phase
 * with both workers busy), rounded. Files under about 4 s are left out. test/sequencer.test.ts
 * checks that every entry names a test file.
 */
export const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'test/package/pack.test.ts': 30,
  'test/kernel/differential.test.ts': 26,
  'test/faults/part-1.test.ts': 25,
  'test/cli-build/build.test.ts': 16,
  'test/reliability/hygiene.test.ts': 16,
  'test/driver/catalog-drivers.test.ts': 13,
  'test/cli/plugin-kit.test.ts': 11,
  'test/faults/part-2.test.ts': 10,
  'test/html/browser.test.ts': 10,
  'test/cli/printed-commands.test.ts': 10,
  'test/reliability/driver.test.ts': 9,
  'test/cli/cli.test.ts': 9,
  'test/driver/bin.test.ts': 9,
  'test/driver/errors.test.ts': 8,
  'test/kernel/tap-relay-differential.test.ts': 8,
  'test/driver/examples.test.ts': 8,
  'test/cli/thresholds.test.ts': 8,
  'test/reliability/signals.test.ts': 8,
  'test/reliability/inputs.test.ts': 7,
  'properties/model-catalog.test.ts': 6,
  'test/cli/profile-module.test.ts': 6,
  'test/results/cli-results.test.ts': 6,
  'test/html/pages.test.ts': 6,
  'test/kernel/cli.test.ts': 6,
  'test/check/parallel.test.ts': 5,
  'test/cli/first-day.test.ts': 5,
  'test/nic/catalog/oracle-agreement.test.ts': 4,
  'test/relay/vlan-bond.test.ts': 4,
  'test/relay/check-profiles-relays.test.ts': 4,
  'properties/model-core.test.ts': 4,
};
