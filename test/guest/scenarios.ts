// Scenarios of the guest differential tests: generated ones (the `kernel diff` generators, one
// or two interfaces) and, per fault, a hand-built one the faulty model gets wrong, found with the model
// alone (the guest is run only once on it).
import fc from 'fast-check';
import { scenarioArbitrary } from '../../src/check/arbitraries.ts';
import { withProbeSends } from '../../src/live/probe-sends.ts';
import { withoutBlind } from '../../src/live/blindness.ts';
import type { FaultName } from '../../src/faults.ts';
import { diffResults } from '../../src/scenario/compare.ts';
import type { Scenario, SimulateResult, Step } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';
import { resolveProfile } from '../../src/profiles/registry.ts';

/** `runs` generated scenarios with `interfaces` plain interfaces (the guest's NICs: no link-del). */
export function generated(profile: string, runs: number, seed: number, interfaces: 1 | 2 = 1): Scenario[] {
  const arb = scenarioArbitrary({ profile, interfaces, linkDel: false });
  return fc.sample(fc.oneof(arb, arb.map(withProbeSends)), { numRuns: runs, seed });
}

/** NIC state and list order, as the guest backend is blind to them. */
const BLIND = { nicState: true, listOrder: true } as const;
const seen = (r: SimulateResult): SimulateResult => withoutBlind(r, BLIND);

const hex2 = (n: number): string => n.toString(16).padStart(2, '0');

/**
 * K groups joined (K the smallest count at which the faulty model differs from the correct one),
 * then frames to the candidate MACs on which the two models disagree and a few on which they
 * agree; past 200, a fill just past each larger threshold. null when none shows the fault.
 */
export function faultScenario(profile: string, fault: FaultName): Scenario | null {
  // Broadcast and a foreign unicast first: every NIC shows their verdict (a hash the emulated NIC lacks does not).
  const candidates = [
    'ff:ff:ff:ff:ff:ff',
    '02:00:00:aa:bb:cc',
    ...Array.from({ length: 512 }, (_, i) => `01:00:5e:${hex2(5 + (i >> 8))}:${hex2((i * 37) & 0xff)}:${hex2(i & 0xff)}`),
    ...Array.from({ length: 512 }, (_, i) => `33:33:${hex2(i >> 8)}:${hex2((i * 53) & 0xff)}:00:${hex2(i & 0xff)}`),
  ];
  const frames = (macs: readonly string[]): Step[] => macs.map((dst, i): Step => ({ op: 'frame', id: `f${i}`, iface: 'eth0', dst }));
  for (let k = 0; k <= 200; k++) {
    // 20 memberships per socket (net/ipv4/igmp.c sysctl_igmp_max_memberships): a socket per 20 joins.
    const opens: Step[] = Array.from({ length: Math.ceil(k / 20) }, (_, n): Step => ({ op: 'open', socket: `s${n}`, family: 'ipv4', bind: '0.0.0.0', port: 5000 }));
    const joins: Step[] = Array.from({ length: k }, (_, i): Step => ({ op: 'join', socket: `s${Math.floor(i / 20)}`, group: `239.133.${i >> 8}.${(i & 0xff) + 1}`, iface: 'eth0' }));
    const steps: Step[] = [...opens, ...joins, { op: 'promisc', iface: 'eth0', on: false }];
    const base = (more: Step[]): Scenario => ({
      schema: 'mcast-testbench/scenario@1',
      description: `guest fault case: ${fault} on ${profile}, ${k} groups`,
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:01:02', ipv4: ['10.99.0.2/24'], ipv6: ['2001:db8::2/64'], nic: profile }],
      steps: [...steps, ...more],
    });
    const found = showing(base);
    if (found) return found;
  }
  // Past 200 groups: one `fill` just past each threshold the profile declares (vmxnet3's 10,922).
  for (const t of resolveProfile(profile).thresholds.filter((n) => n > 200)) {
    const found = showing((more) => ({
      schema: 'mcast-testbench/scenario@1',
      description: `guest fault case: ${fault} on ${profile}, a list of ${t + 1} groups and more`,
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:01:02', ipv4: ['10.99.0.2/24'], ipv6: ['2001:db8::2/64'], nic: profile }],
      steps: [{ op: 'fill', iface: 'eth0', count: t + 1, first: 0x10000 }, ...more],
    }));
    if (found) return found;
  }
  return null;

  function showing(base: (more: Step[]) => Scenario): Scenario | null {
    const all = base(frames(candidates));
    const clean = simulate(all, { profile });
    const faulty = simulate(all, { profile, faults: new Set([fault]) });
    if (diffResults(seen(clean), seen(faulty)).length === 0) return null;
    const differing = candidates.filter((_, i) => clean.deliveries[`f${i}`]?.nic !== faulty.deliveries[`f${i}`]?.nic);
    const agreeing = candidates.filter((_, i) => clean.deliveries[`f${i}`]?.nic === faulty.deliveries[`f${i}`]?.nic);
    return base(frames([...differing.slice(0, 8), ...agreeing.slice(0, 4)]));
  }
}

/**
 * A datagram that arrives on eth1 for a group socket s0 joined only on eth0, with a source filter
 * that excludes its source. The kernel delivers it to s0: ip_mc_sf_allow (net/ipv4/igmp.c) finds
 * no membership of s0 on the arrival interface and answers inet->mc_all (IP_MULTICAST_ALL, 1 by
 * default). s1's join on eth1 makes eth1's NIC accept the frame. The delivery-any-iface model
 * filters by s0's eth0 membership and drops it.
 */
export function otherInterfaceScenario(profile: string): Scenario {
  return {
    schema: 'mcast-testbench/scenario@1',
    description: 'a datagram for a group s0 joined on eth0 (with a source filter) arrives on eth1',
    interfaces: [
      { name: 'eth0', mac: '02:00:00:00:01:02', ipv4: ['10.99.0.2/24'], disableIpv6: true, nic: profile },
      { name: 'eth1', mac: '02:00:00:01:01:02', ipv4: ['10.100.0.2/24'], disableIpv6: true, nic: profile },
    ],
    steps: [
      { op: 'open', socket: 's0', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
      { op: 'join', socket: 's0', group: '239.1.2.3', iface: 'eth0', mode: 'include', sources: ['10.99.0.9'] },
      { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
      { op: 'join', socket: 's1', group: '239.1.2.3', iface: 'eth1' },
      { op: 'send', id: 'd0', iface: 'eth1', src: '10.100.0.7', dst: '239.1.2.3', port: 5000 },
      { op: 'send', id: 'd1', iface: 'eth0', src: '10.99.0.7', dst: '239.1.2.3', port: 5000 },
    ],
  };
}

/**
 * A frame to 00:00:00:00:00:01 on a fresh interface: its MTA vector (octets 5:4 >> 4 = 0x010) is
 * 01:00:5e:00:00:01's and 33:33:00:00:00:01's, which the kernel joins itself. QEMU's e1000 and
 * e1000e accept it (hw/net/e1000x_common.c e1000x_rx_group_filter tests the MTA for unicast
 * destinations too); the profiles, like the chips, drop it. Found by
 * `guest diff --nic e1000e --nics 2 --runs 300 --seed 20261207`, shrunk in the guest to this step.
 */
export function unicastMtaScenario(profile: string): Scenario {
  return {
    schema: 'mcast-testbench/scenario@1',
    description: "a unicast frame whose MTA vector is the all-hosts groups': QEMU's e1000x MTA takes it",
    interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', nic: profile }],
    steps: [
      { op: 'frame', id: 'f0', iface: 'eth0', dst: '00:00:00:00:00:01' },
      { op: 'frame', id: 'f1', iface: 'eth0', dst: '00:00:00:00:00:02' },
    ],
  };
}
