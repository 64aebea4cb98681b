// `ip link del` in a scenario, with multicast routing on: the deleted devices' vifs go with them
// (net/ipv4/ipmr.c ipmr_device_event, NETDEV_UNREGISTER), a deleted macvlan's flag counts and sync
// references leave its lower (macvlan_stop from dev_close), and a later vif-add naming the device
// or its address finds nothing (EADDRNOTAVAIL). The same hand-written expectations hold for the
// model (src/host) and the oracle (src/oracle).
import { describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host.ts';
import { Oracle } from '../../src/oracle/index.ts';
import type { AnyStep, InterfaceSpec } from '../../src/scenario/types.ts';

const ETH0: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:01', ipv4: ['10.99.0.1/24'], disableIpv6: true };
const ETH1: InterfaceSpec = { name: 'eth1', mac: '02:00:00:00:00:02', ipv4: ['10.101.0.1/24'], disableIpv6: true };
const MV0: InterfaceSpec = { name: 'mv0', kind: 'macvlan', lower: 'eth0', mac: '02:00:00:10:00:01', ipv4: ['10.100.0.50/24'], disableIpv6: true };

interface System {
  apply(step: AnyStep): string | null;
  names(): string[];
  list(iface: string): Record<string, number>;
  counters(iface: string): { promisc: number; allmulti: number };
}

function model(interfaces: InterfaceSpec[]): System & { host: Host } {
  const host = new Host(interfaces);
  return {
    host,
    apply: (s) => host.apply(s).error,
    names: () => host.interfaceNames(),
    list: (i) => Object.fromEntries(host.deviceList(i).map((e) => [e.mac, e.users])),
    counters: (i) => host.counters(i),
  };
}

function oracle(interfaces: InterfaceSpec[]): System {
  const o = new Oracle(interfaces);
  return {
    apply: (s) => o.apply(s).error,
    names: () => o.interfaceNames(),
    list: (i) => Object.fromEntries(o.deviceList(i).map((e) => [e.mac, e.users])),
    counters: (i) => o.counters(i),
  };
}

// 224.0.0.1 and ff02::1 (ipv6_add_dev joins it even with disable_ipv6), one reference each.
const OWN = { '01:00:5e:00:00:01': 1, '33:33:00:00:00:01': 1 };

describe.each([
  ['model', model],
  ['oracle', oracle],
])('link-del with routing (%s)', (_who, make) => {
  it('a deleted macvlan takes its vif and the allmulti and promiscuity counts it held on its lower', () => {
    const s = make([ETH0, ETH1, MV0]);
    expect(s.apply({ op: 'mrt-init', socket: 'r4', family: 'ipv4' })).toBeNull();
    expect(s.apply({ op: 'vif-add', socket: 'r4', vif: 0, iface: 'mv0' })).toBeNull();
    expect(s.apply({ op: 'vif-add', socket: 'r4', vif: 1, iface: 'eth1' })).toBeNull();
    // The vif's IFF_ALLMULTI flip on the up mv0 reaches eth0 as one count; mv0's MAC in eth0's uc list: one promiscuity count.
    expect(s.counters('eth0')).toEqual({ promisc: 1, allmulti: 1 });
    expect(s.list('eth0')).toEqual({ '01:00:5e:00:00:01': 2, '33:33:00:00:00:01': 2 });
    expect(s.apply({ op: 'link-del', iface: 'mv0' })).toBeNull();
    expect(s.names()).toEqual(['eth0', 'eth1']);
    expect(s.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
    expect(s.list('eth0')).toEqual(OWN);
    expect(s.counters('eth1')).toEqual({ promisc: 0, allmulti: 1 });
    // vif 0 is free again; the device is gone, by name and by its address.
    expect(s.apply({ op: 'vif-add', socket: 'r4', vif: 0, iface: 'mv0' })).toBe('EADDRNOTAVAIL');
    expect(s.apply({ op: 'vif-add', socket: 'r4', vif: 0, local: '10.100.0.50' })).toBe('EADDRNOTAVAIL');
    expect(s.apply({ op: 'vif-add', socket: 'r4', vif: 0, iface: 'eth0' })).toBeNull();
    expect(s.counters('eth0')).toEqual({ promisc: 0, allmulti: 1 });
    // A plain interface with a vif: the vif and its count go with it; eth0's stays.
    expect(s.apply({ op: 'link-del', iface: 'eth1' })).toBeNull();
    expect(s.names()).toEqual(['eth0']);
    expect(s.apply({ op: 'vif-add', socket: 'r4', vif: 1, local: '10.101.0.1' })).toBe('EADDRNOTAVAIL');
    expect(s.counters('eth0')).toEqual({ promisc: 0, allmulti: 1 });
  });

  it('deleting a lower deletes its macvlans; deleting a macvlan created down leaves its lower as it was', () => {
    const s = make([ETH0, ETH1, { ...MV0, up: false }]);
    expect(s.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
    // Down, mv0 holds only ff02::1 (no 224.0.0.1 before its first up) and has synced nothing.
    expect(s.list('mv0')).toEqual({ '33:33:00:00:00:01': 1 });
    expect(s.list('eth0')).toEqual(OWN);
    expect(s.apply({ op: 'link-del', iface: 'eth0' })).toBeNull();
    expect(s.names()).toEqual(['eth1']);
    expect(s.list('eth1')).toEqual(OWN);
  });
});

describe('link-del in the model\'s views', () => {
  it('ip_mr_vif loses the deleted devices\' vifs and dev_mcast keeps the others\' ifindex', async () => {
    const { simulate } = await import('../../src/simulate.ts');
    const r = simulate(
      {
        schema: 'mcast-testbench/scenario@1',
        interfaces: [ETH0, ETH1, MV0],
        steps: [
          { op: 'mrt-init', socket: 'r4', family: 'ipv4' },
          { op: 'vif-add', socket: 'r4', vif: 0, iface: 'mv0' },
          { op: 'vif-add', socket: 'r4', vif: 1, iface: 'eth1' },
          { op: 'link-del', iface: 'eth0' },
        ],
      },
      { trace: true },
    );
    const last = r.steps.at(-1);
    // eth1 is ifindex 3 (lo 1, eth0 2): its vif stays, mv0's went with eth0.
    const vifRows = (last?.proc?.ip_mr_vif ?? '').trim().split('\n').slice(1);
    expect(vifRows).toHaveLength(1);
    expect(vifRows[0]).toMatch(/^ 1 eth1 /);
    // docs/semantics.md "Interfaces": ff02::1 enters the list at register, 224.0.0.1 at up.
    expect(last?.views?.dev_mcast).toBe('3    eth1            1     0     333300000001\n3    eth1            1     0     01005e000001\n');
    expect(Object.keys(r.interfaces)).toEqual(['eth1']);
  });
});
