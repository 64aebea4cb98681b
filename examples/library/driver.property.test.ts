// A project's own vitest property file against its driver, using mcast-testbench as a library
// (docs/library.md). Copy it into your project, replace `myDriver` with an adapter over your
// driver (or point checkDriver at a command: { command: 'python3 my_driver.py' }), and run
// `npx vitest run`. test/package/pack.test.ts runs this very file against the packed tarball.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type DriverAdapter,
  Oracle,
  type Scenario,
  VERSION,
  checkDriver,
  checkScenario,
  formatDriverReport,
  registerProfile,
  resolveProfile,
  scenarioArbitrary,
} from 'mcast-testbench';
// The plug-in `mcast-testbench check --profile-module` loads, registered here through the API.
import hash32 from './hash32-profile.js';

const BROADCAST = 'ff:ff:ff:ff:ff:ff';
const isMulticast = (mac: string): boolean => (parseInt(mac.slice(0, 2), 16) & 1) === 1;

/**
 * The driver under test, in this process: a strict exact table of 4 groups that refuses a longer
 * list and keeps the old one (like a DPDK PMD), so it claims the built-in model exact-strict:4.
 * With `stickyAllmulti` it has a classic bug: all-multicast stays on once the list shrinks.
 */
function myDriver(options: { stickyAllmulti?: boolean } = {}): DriverAdapter {
  let own = BROADCAST;
  let promisc = false;
  let allmulti = false;
  let table: string[] = [];
  let sticky = false;
  return {
    hello: () => ({ name: options.stickyAllmulti ? 'my-driver-sticky' : 'my-driver', model: 'exact-strict:4' }),
    reset: (req) => {
      own = (req as { mac: string }).mac;
      [promisc, allmulti, table, sticky] = [false, false, [], false];
      return { ok: true };
    },
    program: (req) => {
      const r = req as { promisc: boolean; allmulti: boolean; mc: string[] };
      promisc = r.promisc;
      allmulti = r.allmulti || (options.stickyAllmulti === true && sticky);
      if (r.mc.length > 4) {
        sticky = true;
        return { ok: false, error: 'ENOSPC' };
      }
      table = [...r.mc];
      return { ok: true };
    },
    rx: (req) => {
      const dst = (req as { dst: string }).dst;
      return { accept: promisc || dst === own || dst === BROADCAST || (allmulti && isMulticast(dst)) || table.includes(dst) };
    },
  };
}

describe(`my driver against mcast-testbench ${VERSION}`, () => {
  it('keeps the filter contract, equals its model, and delivers end to end', async () => {
    const report = await checkDriver({ adapter: myDriver(), label: 'my-driver' }, { runs: 30, seed: 1 });
    expect(report.ok, formatDriverReport(report)).toBe(true);
  });

  it('a driver with sticky all-multicast is caught, with the transcript that shows it', async () => {
    const report = await checkDriver({ adapter: myDriver({ stickyAllmulti: true }) }, { runs: 100, seed: 1 });
    expect(report.ok).toBe(false);
    if (report.ok) return;
    expect(report.kind).toBe('violation');
    expect(report.transcript).toContain('"op":"program"');
  });
});

describe('a plug-in profile, checked with the generators and the oracle', () => {
  registerProfile(hash32, 'examples/library/hash32-profile.js');

  it('the model of hash32 agrees with its spec on generated scenarios', () => {
    expect(resolveProfile('hash32').thresholds).toEqual([16]);
    fc.assert(
      fc.property(scenarioArbitrary({ profile: 'hash32', maxSteps: 20 }), (scenario: Scenario) => {
        expect(checkScenario(scenario, { profile: 'hash32' })).toEqual([]);
      }),
      { numRuns: 30, seed: 1 },
    );
  });

  it('the oracle alone says who receives a datagram', () => {
    const oracle = new Oracle([{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.0.0.2/24'], nic: 'hash32' }]);
    oracle.apply({ op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 });
    oracle.apply({ op: 'join', socket: 's1', group: '239.1.1.1', iface: 'eth0' });
    const sent = oracle.apply({ op: 'send', id: 'p1', iface: 'eth0', src: '10.0.0.1', dst: '239.1.1.1', port: 5000 });
    expect(sent.verdict).toBe('must');
    expect(sent.sockets).toEqual(['s1']);
  });
});
