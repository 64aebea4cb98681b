// `mcast-testbench kernel route` end to end: on this machine's kernel where it has IPv4 and IPv6
// multicast routing, else in the QEMU guest (docs/guest.md), else one visible SKIP line. It may boot
// a guest, so it runs in npm test's guest phase (vitest.config.ts), with test/guest.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { kernelPlace } from '../../src/guest/kernel-place.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const BIN = fileURLToPath(new URL('../../bin/mcast-testbench.js', import.meta.url));

function run(args: string[], options: { timeoutMs?: number } = {}): { code: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8', timeout: options.timeoutMs ?? HANG_BOUND_MS });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

// Where this kernel has no multicast routing, `kernel route` runs in the QEMU guest (docs/guest.md).
const routePlace = kernelPlace(['ip_mroute', 'ip6_mroute']);
if (routePlace.where === 'none') console.log(`SKIP kernel route CLI differential: ${routePlace.reason}`);
describe.skipIf(routePlace.where === 'none')(`mcast-testbench kernel route (${routePlace.where === 'guest' ? 'QEMU guest' : 'live kernel'})`, () => {
  const inGuest = routePlace.where === 'guest';
  // Two commands, a guest boot each in the guest: each bounded by HANG_BOUND_MS, the test by twice that.
  const runs = 40;
  const timeoutMs = HANG_BOUND_MS;
  it('runs routing scenarios on the kernel: 0 differences, and a faulty model (>= thresholds) is caught and shrunk', () => {
    // In the guest one boot is enough here: test/kernel/route-differential.test.ts runs the clean
    // scenarios there; this checks the command's fall-back line, its output and its reproduce line.
    if (!inGuest) {
      const ok = run(['kernel', 'route', '--runs', String(runs), '--seed', '7'], { timeoutMs });
      expect(ok.code, ok.stderr).toBe(0);
      expect(ok.stdout).toContain(`${runs} routing scenarios`);
      expect(ok.stdout).toContain('routing: 0 differences');
    }
    const bad = run(['kernel', 'route', '--runs', '100', '--seed', '7', '--inject-fault', 'ttl-threshold-ge'], { timeoutMs });
    expect(bad.code, bad.stderr).toBe(1);
    expect(bad.stdout).toContain('route differential: copies differs');
    expect(bad.stdout).toContain('--inject-fault ttl-threshold-ge');
    if (inGuest) {
      expect(bad.stdout).toMatch(/^guest \(Linux 6\.1\.\S+, QEMU (TCG|KVM)\), seed 7: \d+ routing scenarios/);
      expect(bad.stderr).toContain('running in the QEMU guest (reproduce with --guest)');
    }
    // The printed command reproduces the run where it ran: in the guest, it names --guest.
    const reproduce = bad.stdout.split('\n').find((l) => l.startsWith('reproduce: '));
    expect(reproduce?.includes(' --guest')).toBe(inGuest);
  }, 2 * HANG_BOUND_MS);
});
