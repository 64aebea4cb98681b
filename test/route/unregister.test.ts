// A device that goes away takes its vifs (net/ipv4/ipmr.c ipmr_device_event, net/ipv6/ip6mr.c
// ip6mr_device_event: NETDEV_UNREGISTER -> vif_delete / mif6_delete for each vif on the device).
import { describe, expect, it } from 'vitest';
import { MulticastRouter, procVif } from '../../src/route/index.ts';
import { RouteOracle } from '../../src/oracle/route/oracle.ts';

const devices = [
  { name: 'eth0', ifindex: 2 },
  { name: 'eth1', ifindex: 3 },
  { name: 'eth2', ifindex: 4 },
];

describe('device unregister', () => {
  it('removes the vifs on the device in both tables, static ones too, and their allmulti counts', () => {
    const r = new MulticastRouter(devices);
    expect(r.mrtInit('m4', 'ipv4').error).toBeNull();
    expect(r.mrtInit('m6', 'ipv6').error).toBeNull();
    expect(r.mrtInit('s4', 'ipv4').error).toBe('EADDRINUSE'); // opened, not the router
    expect(r.vifAdd('m4', { vif: 0, iface: 'eth0' }).error).toBeNull();
    expect(r.vifAdd('s4', { vif: 5, iface: 'eth2' }).error).toBeNull(); // static (not the mroute socket)
    expect(r.vifAdd('m6', { vif: 1, iface: 'eth2' }).error).toBeNull();
    expect(r.allmulti('eth2')).toBe(2);
    r.unregisterDevice('eth2');
    expect(r.hasDevice('eth2')).toBe(false);
    expect(r.table('ipv4').vifs[5] ?? null).toBeNull();
    expect(r.table('ipv4').maxvif).toBe(1); // shrinks to one past vif 0
    expect(r.table('ipv6').maxvif).toBe(0);
    expect(r.allmulti('eth0')).toBe(1);
    expect(procVif(r.table('ipv4')).split('\n').filter((l) => l.includes('eth2'))).toEqual([]);
    // The name no longer resolves to an ifindex.
    expect(r.vifAdd('m4', { vif: 5, iface: 'eth2' }).error).toBe('EADDRNOTAVAIL');
    expect(r.vifAdd('m6', { vif: 1, iface: 'eth2' }).error).toBe('EADDRNOTAVAIL');
  });

  it('keeps MFC entries: an entry whose output vif went away forwards to the rest', () => {
    const r = new MulticastRouter(devices);
    r.mrtInit('m4', 'ipv4');
    for (const [vif, iface] of ['eth0', 'eth1', 'eth2'].entries()) expect(r.vifAdd('m4', { vif, iface }).error).toBeNull();
    expect(r.mfcAdd('m4', { origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 1, 1] }).error).toBeNull();
    r.unregisterDevice('eth2');
    const res = r.input({ id: 'd', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 5, length: 44 });
    expect(res.forwarded.map((c) => c.iface)).toEqual(['eth1']);
  });

  it('the oracle agrees: vif-add on the gone device is EADDRNOTAVAIL, the slot is free again', () => {
    const o = new RouteOracle(['eth0', 'eth1', 'eth2']);
    expect(o.apply({ op: 'mrt-init', socket: 'm', family: 'ipv4' }).error).toBeNull();
    expect(o.apply({ op: 'vif-add', socket: 'm', vif: 2, iface: 'eth2' }).error).toBeNull();
    expect(o.apply({ op: 'link-del', iface: 'eth2' }).error).toBeNull();
    expect(o.apply({ op: 'vif-add', socket: 'm', vif: 2, iface: 'eth2' }).error).toBe('EADDRNOTAVAIL');
    expect(o.apply({ op: 'vif-add', socket: 'm', vif: 2, iface: 'eth1' }).error).toBeNull();
  });
});
