// simulate --trace (issue 23 point 3): every view after every step, not only at the end: the
// device lists with refcounts, flag counters, group records, /proc/net/dev_mcast as Linux prints
// it ("%-4d %-15s %-5d %-5d %*phN", net/core/net-procfs.c) and, once routing is on, the /proc
// routing views. Expected texts are written out by hand.
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';

const scenario = {
  schema: 'mcast-testbench/scenario@1',
  interfaces: [
    { name: 'eth0', mac: '02:00:00:00:00:01', ipv4: ['10.0.0.1/24'], disableIpv6: true },
    { name: 'eth1', mac: '02:00:00:00:00:02', ipv4: ['10.0.1.1/24'], disableIpv6: true },
  ],
  steps: [
    { op: 'open', socket: 'a', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
    { op: 'join', socket: 'a', group: '239.1.1.1', iface: 'eth1' },
    { op: 'maddr', iface: 'eth1', mac: '01:00:5e:01:01:01', add: true },
    { op: 'mrt-init', socket: 'r', family: 'ipv4' },
    { op: 'vif-add', socket: 'r', vif: 0, iface: 'eth1' },
  ],
} as unknown as Scenario;

describe('simulate --trace: every view after every step', () => {
  it('dev_mcast, refcounts and counters after each step; without trace no views', () => {
    const out = simulate(scenario, { trace: true });
    const views = (i: number) => out.steps[i]?.views;
    // Even with IPv6 disabled the device joins ff02::1 at registration (ipv6_add_dev), then 224.0.0.1
    // when it comes up; after the join eth1 holds 239.1.1.1's MAC too, one user each, in list order.
    expect(views(1)?.dev_mcast).toBe(
      [
        '2    eth0            1     0     333300000001',
        '2    eth0            1     0     01005e000001',
        '3    eth1            1     0     333300000001',
        '3    eth1            1     0     01005e000001',
        '3    eth1            1     0     01005e010101',
        '',
      ].join('\n'),
    );
    // `ip maddr add` of the same MAC: a second user and global use 1.
    expect(views(2)?.dev_mcast.split('\n')[4]).toBe('3    eth1            2     1     01005e010101');
    expect(views(2)?.interfaces['eth1']?.mc).toContainEqual({ mac: '01:00:5e:01:01:01', users: 2 });
    expect(views(3)?.interfaces['eth1']?.allmulti).toBe(0);
    expect(views(3)?.proc?.ip_mr_vif).toBe('Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote\n');
    // The vif: allmulti 1 on eth1, and its row.
    expect(views(4)?.interfaces['eth1']?.allmulti).toBe(1);
    expect(views(4)?.proc?.ip_mr_vif.split('\n')[1]).toBe(' 0 eth1              0       0         0       0 00008 00000003 00000000');
    expect(views(0)?.proc).toBeUndefined();
    expect(simulate(scenario).steps.every((s) => s.views === undefined)).toBe(true);
  });
});
