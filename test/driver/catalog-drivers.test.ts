// Every built-in profile, answering the driver protocol as the reference driver of its model,
// keeps the contract, long lists past its thresholds included; the same profile with a threshold
// or open-state fault, still claiming the clean model, is caught by the rule that sees it.
import { describe, expect, it } from 'vitest';
import { buildScript, checkDriverContract } from '../../src/driver/contract.ts';
import { LONGEST_LIST, contractRunArb, longLengths, runTargets } from '../../src/driver/contract-runs.ts';
import { checkDriverEndToEnd } from '../../src/driver/end-to-end.ts';
import { ProfileSession } from '../../src/driver/profile-session.ts';
import { type FaultName, NO_FAULTS } from '../../src/faults.ts';
import { builtinProfileNames, resolveProfile } from '../../src/profiles/registry.ts';
import fc from 'fast-check';

const RUNS = 60;
const E2E_RUNS = 15;
const SEED = 20261203;
const PROFILES = [...new Set([...builtinProfileNames(), 'e1000:1', 'e1000:2', 'e1000:3', 'dpdk-vf:64', 'ldd3-ff:8', 'exact-strict:16'])];
/** LDD3's class without a multicast filter drops every group by design: the contract's no-loss rule is what it fails. */
const LOSSY_BY_DESIGN = 'ldd3-nf';

describe('the reference driver of every built-in profile keeps the contract', () => {
  it('ldd3-nf, which declares no multicast reception, fails exactly the no-loss rule', async () => {
    const result = await checkDriverContract(new ProfileSession(resolveProfile(LOSSY_BY_DESIGN), NO_FAULTS), { numRuns: RUNS, seed: SEED });
    expect(result.ok ? 'ok' : result.failure.rule).toBe('no loss');
  });

  it.each(PROFILES.filter((p) => p !== LOSSY_BY_DESIGN))('%s: the contract, then end to end (what check --driver runs)', async (name) => {
    const session = new ProfileSession(resolveProfile(name), NO_FAULTS);
    const result = await checkDriverContract(session, { numRuns: RUNS, seed: SEED });
    expect(result.ok ? 'ok' : `${result.failure.rule}: ${result.failure.message}`).toBe('ok');
    const e2e = await checkDriverEndToEnd(session, { numRuns: E2E_RUNS, seed: SEED });
    expect(e2e.ok ? 'ok' : `${e2e.failure.rule}: ${e2e.failure.message}`).toBe('ok');
  });
});

describe('runs reach every threshold of the model, and 1,001 groups, in one program request each', () => {
  it.each(PROFILES)('%s', (name) => {
    const hello = { name, model: name, order: 'list' as const };
    const targets = runTargets(hello);
    expect(targets.thresholds).toEqual([...new Set(resolveProfile(name).thresholds)].sort((a, b) => a - b));
    const wanted = longLengths(targets.thresholds);
    expect(wanted).toContain(LONGEST_LIST);
    const seen = new Set<number>();
    for (const run of fc.sample(contractRunArb(targets), { numRuns: 400, seed: SEED })) {
      const script = buildScript(run, 'list');
      for (const r of script) if (r.op === 'program') seen.add(r.mc.length + (r.uc?.length ?? 0));
    }
    // Every length around every threshold (with unicast entries counted where they share the table).
    for (const n of wanted) expect(seen.has(n)).toBe(true);
  });

  it('a driver that names no model meets every built-in threshold', () => {
    const targets = runTargets({ name: 'x', model: null, order: 'set' });
    for (const name of builtinProfileNames()) for (const t of resolveProfile(name).thresholds) expect(targets.thresholds).toContain(t);
    expect(targets.sharesUnicast).toBe(false);
  });
});

describe('a wrong driver claiming a catalog model is caught', () => {
  it.each([
    ['e1000:0', 'e1000-filter-type-1', 'model'],
    ['tulip', 'tulip-perfect-15', 'station'],
    ['virtio-qemu', 'qemu-table-65', 'model'],
    ['rtl8139', 'rxconfig-zero-at-open', 'station'],
  ] as const)('%s with %s: %s', async (name, fault, rule) => {
    const session = new ProfileSession(resolveProfile(name), new Set<FaultName>([fault]));
    const result = await checkDriverContract(session, { numRuns: RUNS, seed: SEED });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.rule).toBe(rule);
  });
});
