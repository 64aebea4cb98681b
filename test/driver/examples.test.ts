// The example drivers behave as docs/driver-protocol.md states: the correct ones keep the
// contract (and equal the model they name), every fault-catalog driver is caught with a short
// transcript naming the rule it breaks.
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDriverContract, runScript } from '../../src/driver/contract.ts';
import { type ContractRun, buildScript, longLengths, runTargets } from '../../src/driver/contract-runs.ts';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { type DriverSession, startModuleDriver, startProcessDriver } from '../../src/driver/session.ts';

const examples = fileURLToPath(new URL('../../examples/drivers/', import.meta.url));
const RUNS = 100;
const SEED = 20261123;

let session: DriverSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

describe('correct example drivers pass', () => {
  it.each([
    ['tun_filter.py', 'tun'],
    ['exact_strict.py', 'exact-strict:4'],
  ])('%s (model %s)', async (file, model) => {
    session = await startProcessDriver(`python3 ${examples}${file}`);
    expect(session.hello.model).toBe(model);
    const result = await checkDriverContract(session, { numRuns: RUNS, seed: SEED });
    expect(result.ok ? 'ok' : result.failure.message).toBe('ok');
  });

  it('module form: module/ldd3-ff.mjs (model ldd3-ff:4)', async () => {
    session = await startModuleDriver(`${examples}module/ldd3-ff.mjs`);
    expect(session.hello).toEqual({ name: 'ldd3-ff.mjs', model: 'ldd3-ff:4', order: 'set' });
    const result = await checkDriverContract(session, { numRuns: RUNS, seed: SEED });
    expect(result.ok ? 'ok' : result.failure.message).toBe('ok');
  });
});

describe('every fault-catalog driver is caught', () => {
  // [file, the rule that must catch it]: stale entries and sticky all-multicast leave the
  // list's own groups accepted, so only history independence can see them; the others lose a
  // listed group or a PROMISC frame.
  it.each([
    ['stale_entries.py', 'history independence'],
    ['sticky_allmulti.py', 'history independence'],
    ['overflow_no_allmulti.py', 'no loss'],
    ['off_by_one.py', 'no loss'],
    ['wrong_crc_bit_order.py', 'no loss'],
    ['ignore_promisc_with_allmulti.py', 'promisc'],
    ['truncate_silently.py', 'no loss'],
    ['partial_refusal.py', 'refusal keeps state'],
  ])('%s: %s', async (file, rule) => {
    session = await startProcessDriver(`python3 ${examples}faults/${file}`);
    const result = await checkDriverContract(session, { numRuns: RUNS, seed: SEED });
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failure.kind).toBe('violation');
    expect(result.failure.rule).toBe(rule);
    // Shrunk: one reset, at most a few programs, each followed by one probe per address.
    const programs = result.failure.transcript.filter((x) => x.request.startsWith('{"op":"program"'));
    expect(programs.length).toBeGreaterThan(0);
    expect(programs.length).toBeLessThanOrEqual(3);
    // The transcript ends at the answer that broke the rule.
    expect(result.failure.transcript.at(-1)?.request).toMatch(/^\{"op":"rx"/);
  });
});

describe('correct example drivers take lists past their thresholds', () => {
  // Every length around each of the model's thresholds (t - 1, t, t + 1, 2t) and 1,001 groups,
  // one program request each, with and without ALLMULTI, each probed: no loss, the model's answers.
  it.each([
    ['process', 'tun_filter.py'],
    ['process', 'exact_strict.py'],
    ['module', 'module/ldd3-ff.mjs'],
  ] as const)('%s %s', async (form, file) => {
    session = form === 'module' ? await startModuleDriver(`${examples}${file}`) : await startProcessDriver(`python3 ${examples}${file}`);
    const model = session.hello.model as string;
    const thresholds = resolveProfile(model).thresholds;
    expect(thresholds.length).toBeGreaterThan(0);
    const lengths = [...new Set([...thresholds.flatMap((t) => [t - 1, t, t + 1, 2 * t]), ...longLengths(runTargets(session.hello).thresholds)])];
    expect(Math.max(...lengths)).toBeGreaterThanOrEqual(1001);
    const run: ContractRun = {
      pool: [],
      extraProbes: [],
      steps: lengths.flatMap((n) => [false, true].map((allmulti) => ({ promisc: false, allmulti, mc: [], twice: false, long: n }))),
    };
    const script = buildScript(run, 'list');
    await expect(runScript(session, script)).resolves.toBeUndefined();
    const programmed = script.filter((r) => r.op === 'program').map((r) => (r.op === 'program' ? r.mc.length : 0));
    for (const t of thresholds) expect(programmed).toContain(t + 1);
  });
});
