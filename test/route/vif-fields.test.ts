// MRT_ADD_VIF as daemons call it (issue 23): vifc_flags 0 (the device holding vifc_lcl_addr,
// ip_dev_find), VIFF_USE_IFINDEX, VIFF_REGISTER with a local address, vifc_threshold; and what
// /proc/net/ip_mr_vif shows of each (net/ipv4/ipmr.c vif_add, ipmr_vif_seq_show:
// "%2td %-10s %8ld %7ld  %8ld %7ld %05X %08X %08X"). Expected lines are written out by hand.
import { describe, expect, it } from 'vitest';
import { RouteOracle } from '../../src/oracle/route/oracle.ts';
import { MulticastRouter, procVif } from '../../src/route/index.ts';

const devices = [
  { name: 'eth0', ifindex: 2, ipv4: ['10.0.0.1'] },
  { name: 'eth1', ifindex: 3, ipv4: ['10.0.1.1', '192.168.7.1'] },
];
const ipv4 = { eth0: ['10.0.0.1'], eth1: ['10.0.1.1', '192.168.7.1'] };

describe('vif-add fields', () => {
  it('a vif by local address sits on the device holding the address; Flags 00000, Local the address word', () => {
    const r = new MulticastRouter(devices);
    expect(r.mrtInit('m', 'ipv4').error).toBeNull();
    expect(r.vifAdd('m', { vif: 0, local: '192.168.7.1', threshold: 64 }).error).toBeNull();
    expect(r.vifAdd('m', { vif: 1, iface: 'eth0', threshold: 0 }).error).toBeNull();
    expect(r.vifAdd('m', { vif: 2, register: true, local: '10.0.0.1' }).error).toBeNull();
    expect(r.allmulti('eth1')).toBe(1);
    expect(r.allmulti('eth0')).toBe(1);
    expect(procVif(r.table('ipv4')).split('\n').slice(1, 4)).toEqual([
      ' 0 eth1              0       0         0       0 00000 0107A8C0 00000000',
      ' 1 eth0              0       0         0       0 00008 00000002 00000000',
      ' 2 pimreg            0       0         0       0 00004 0100000A 00000000',
    ]);
  });

  it('an address nobody holds, or no device named at all -> EADDRNOTAVAIL; IPv6 has no by-address mif', () => {
    const r = new MulticastRouter(devices);
    const o = new RouteOracle(['eth0', 'eth1'], ipv4);
    for (const [socket, family] of [['m4', 'ipv4'], ['m6', 'ipv6']] as const) {
      expect(r.mrtInit(socket, family).error).toBeNull();
      expect(o.apply({ op: 'mrt-init', socket, family }).error).toBeNull();
    }
    const cases = [
      { socket: 'm4', vif: 0, local: '10.9.9.9', want: 'EADDRNOTAVAIL' },
      { socket: 'm4', vif: 0, iface: 'nosuch', want: 'EADDRNOTAVAIL' },
      { socket: 'm6', vif: 0, local: '10.0.0.1', want: 'EADDRNOTAVAIL' },
      { socket: 'm4', vif: 0, local: '10.0.1.1', want: null },
    ] as const;
    for (const { want, ...spec } of cases) {
      expect(r.vifAdd(spec.socket, spec).error, JSON.stringify(spec)).toBe(want);
      expect(o.apply({ op: 'vif-add', ...spec }).error, JSON.stringify(spec)).toBe(want);
    }
    expect(o.allmulti('eth1')).toBe(1);
  });

  it('after the device goes, its address finds no device', () => {
    const r = new MulticastRouter(devices);
    const o = new RouteOracle(['eth0', 'eth1'], ipv4);
    r.mrtInit('m', 'ipv4');
    o.apply({ op: 'mrt-init', socket: 'm', family: 'ipv4' });
    r.unregisterDevice('eth1');
    o.apply({ op: 'link-del', iface: 'eth1' });
    expect(r.vifAdd('m', { vif: 0, local: '10.0.1.1' }).error).toBe('EADDRNOTAVAIL');
    expect(o.apply({ op: 'vif-add', socket: 'm', vif: 0, local: '10.0.1.1' }).error).toBe('EADDRNOTAVAIL');
  });
});
