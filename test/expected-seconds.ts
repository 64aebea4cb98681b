// How long each long test file takes, for test/sequencer.ts (vitest's order on a fresh clone).
// A module of its own: test/sequencer.test.ts reads it without loading vitest/node.

/**
 * Seconds each long test file took (tests and hooks, on two busy cores), rounded. Files under
 * about 4 s are left out. test/sequencer.test.ts checks that every entry names a test file.
 */
export const EXPECTED_SECONDS: Readonly<Record<string, number>> = {
  'test/faults/part-1.test.ts': 45,
  'test/faults/part-2.test.ts': 35,
  'test/package/pack.test.ts': 40,
  'test/kernel/differential.test.ts': 33,
  'test/cli/thresholds.test.ts': 24,
  'test/cli/profile-module.test.ts': 22,
  'test/html/pages.test.ts': 21,
  'test/reliability/hygiene.test.ts': 19,
  'test/cli/plugin-kit.test.ts': 18,
  'test/driver/bin.test.ts': 17,
  'test/cli/printed-commands.test.ts': 17,
  'test/reliability/driver.test.ts': 16,
  'test/cli-build/build.test.ts': 14,
  'test/driver/catalog-drivers.test.ts': 14,
  'test/reliability/inputs.test.ts': 13,
  'test/cli/cli.test.ts': 13,
  'test/driver/errors.test.ts': 13,
  'test/check/parallel.test.ts': 12,
  'properties/model-catalog.test.ts': 11,
  'test/reliability/signals.test.ts': 12,
  'test/relay/vlan-bond.test.ts': 10,
  'test/driver/examples.test.ts': 10,
  'test/html/browser.test.ts': 9,
  'test/relay/check-profiles.test.ts': 8,
  'test/results/cli-results.test.ts': 8,
  'test/kernel/tap-relay-differential.test.ts': 8,
  'properties/model-core.test.ts': 8,
  'test/relay/check-profiles-relays.test.ts': 7,
  'test/nic/incremental.test.ts': 6,
  'test/nic/catalog/properties.test.ts': 6,
  'test/cli/first-day.test.ts': 6,
  'test/nic/catalog/oracle-agreement.test.ts': 6,
  'test/kernel/cli.test.ts': 5,
  'test/check/runner.test.ts': 5,
};
