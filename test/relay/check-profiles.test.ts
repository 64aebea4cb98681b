// `check` on the exception-path profiles (issue 12): the fixed relays (kni-mc, tap-relay) pass
// over every physical profile, strict tables smaller than the lists included; the broken ones
// (kni-stub, tap-stub, kni-flags) fail, each with a loss.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCheck } from '../../src/check/runner.ts';
import { NO_FAULTS } from '../../src/faults.ts';
import { builtinProfiles, resolveProfile } from '../../src/profiles/registry.ts';

const tmp = mkdtempSync(join(tmpdir(), 'mcast-relay-check-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));
const quiet = { log: () => {}, progress: () => {} };
const PHYSICAL = builtinProfiles()
  .filter((p) => !p.stacked)
  .map((p) => p.name);

describe('check over every physical profile', () => {
  it('bare names stand on exact-strict:4, a strict table smaller than the lists', () => {
    expect(resolveProfile('kni-mc').name).toBe('kni-mc+exact-strict:4');
    expect(resolveProfile('kni-mc').stacked?.lower.name).toBe('exact-strict:4');
    expect(() => resolveProfile('kni-mc+kni-mc')).toThrow(/physical profile/);
    expect(() => resolveProfile('tun+e100')).toThrow(/not a stacked device/);
  });

  it.each(PHYSICAL.flatMap((p) => [`kni-mc+${p}`, `tap-relay+${p}`]))('%s passes', async (profile) => {
    const outcome = await runCheck({ profiles: [profile], runs: 12, seed: 3, faults: NO_FAULTS, fixturesDir: join(tmp, 'pass'), ...quiet });
    expect(outcome.failures.map((f) => `${f.property}: ${f.message}`)).toEqual([]);
  });

  // virtio-user-relay shares tap-relay's mirroring (src/relay/tap.ts): over the DPDK ports only.
  it.each(['mlx5-dpdk', 'virtio-dpdk', 'virtio-dpdk-noctrl', 'i40e-dpdk', 'enic-dpdk', 'exact-strict:4'].map((p) => `virtio-user-relay+${p}`))('%s passes', async (profile) => {
    const outcome = await runCheck({ profiles: [profile], runs: 12, seed: 3, faults: NO_FAULTS, fixturesDir: join(tmp, 'pass'), ...quiet });
    expect(outcome.failures.map((f) => `${f.property}: ${f.message}`)).toEqual([]);
  });

  // A guest behind a host macvtap, libvirt relaying (src/relay/macvtap.ts): over kernel NICs.
  it.each(['ldd3-ff:4', 'accept-all', 'hash64', 'e1000:0', 'virtio-qemu', 'tulip'].map((p) => `macvtap-libvirt+${p}`))('%s passes', async (profile) => {
    const outcome = await runCheck({ profiles: [profile], runs: 12, seed: 3, faults: NO_FAULTS, fixturesDir: join(tmp, 'pass'), ...quiet });
    expect(outcome.failures.map((f) => `${f.property}: ${f.message}`)).toEqual([]);
  });

  it.each(['kni-stub', 'kni-promisc', 'tap-stub', 'kni-flags', 'virtio-user-stub', 'kni-stub+mlx5-dpdk', 'tap-stub+e1000:0', 'virtio-user-stub+virtio-dpdk', 'kni-flags+i40e-dpdk'])('%s fails with a loss', async (profile) => {
    const outcome = await runCheck({ profiles: [profile], runs: 50, seed: 3, faults: NO_FAULTS, fixturesDir: join(tmp, 'fail'), ...quiet });
    expect(outcome.ok).toBe(false);
    expect(outcome.failures.some((f) => /: loss: /.test(f.message))).toBe(true);
  });
});
