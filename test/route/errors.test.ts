// MRT socket option errors, each expectation read off net/ipv4/ipmr.c ip_mroute_setsockopt /
// vif_add / vif_delete / ipmr_mfc_add / ipmr_mfc_delete and net/ipv6/ip6mr.c (and confirmed by the
// routing differential on Linux 6.18).
import { describe, expect, it } from 'vitest';
import { MulticastRouter } from '../../src/route/index.ts';

const devices = [
  { name: 'eth0', ifindex: 2 },
  { name: 'eth1', ifindex: 3 },
];

describe('MRT socket option errors', () => {
  it('MRT_INIT: the socket kind, the option length and a second router', () => {
    const r = new MulticastRouter(devices);
    expect(r.mrtInit('u', 'ipv4', 'udp').error).toBe('EOPNOTSUPP');
    expect(r.mrtInit('a', 'ipv4', 'igmp', 8).error).toBe('EINVAL'); // IPv4: optlen != sizeof(int)
    expect(r.mrtInit('b', 'ipv6', 'icmpv6', 8).error).toBeNull(); // IPv6: optlen >= sizeof(int)
    expect(r.mrtInit('c', 'ipv6', 'icmpv6', 2).error).toBe('EINVAL');
    expect(r.mrtInit('a', 'ipv4').error).toBeNull();
    expect(r.mrtInit('a', 'ipv4').error).toBe('EADDRINUSE'); // the mroute socket itself, too
    expect(r.mrtInit('d', 'ipv4').error).toBe('EADDRINUSE');
    expect(r.mcForwarding('ipv4')).toBe(1);
  });

  it('MRT_VERSION cannot be set: ENOPROTOOPT on a routing socket, EOPNOTSUPP on any other, EBADF unopened', () => {
    const r = new MulticastRouter(devices);
    expect(r.mrtVersion('nobody').error).toBe('EBADF');
    expect(r.mrtInit('u', 'ipv6', 'udp').error).toBe('EOPNOTSUPP');
    expect(r.mrtVersion('u').error).toBe('EOPNOTSUPP');
    expect(r.mrtInit('m', 'ipv4').error).toBeNull();
    expect(r.mrtVersion('m').error).toBe('ENOPROTOOPT');
    expect(r.mrtInit('m6', 'ipv6').error).toBeNull();
    expect(r.mrtVersion('m6').error).toBe('ENOPROTOOPT');
  });

  it('MRT_DONE by another socket is EACCES; by the router it lowers all.mc_forwarding and drops non-static vifs', () => {
    const r = new MulticastRouter(devices);
    expect(r.mrtInit('m', 'ipv4').error).toBeNull();
    expect(r.mrtInit('s', 'ipv4').error).toBe('EADDRINUSE');
    expect(r.mrtDone('s').error).toBe('EACCES');
    expect(r.vifAdd('m', { vif: 0, iface: 'eth0' }).error).toBeNull();
    expect(r.vifAdd('s', { vif: 1, iface: 'eth1' }).error).toBeNull(); // root, not the router: VIFF_STATIC
    expect(r.allmulti('eth0')).toBe(1);
    expect(r.mrtDone('m').error).toBeNull();
    expect(r.mcForwarding('ipv4')).toBe(0);
    expect(r.allmulti('eth0')).toBe(0);
    expect(r.allmulti('eth1')).toBe(1);
    expect(r.table('ipv4').vifs[1]?.flags).toBe(0x8008); // VIFF_STATIC | VIFF_USE_IFINDEX
  });

  it('vifs: ENFILE, EADDRINUSE, EADDRNOTAVAIL, one register vif', () => {
    const r = new MulticastRouter(devices);
    r.mrtInit('m', 'ipv4');
    expect(r.vifAdd('m', { vif: 32, iface: 'eth0' }).error).toBe('ENFILE');
    expect(r.vifAdd('m', { vif: 3, iface: 'wlan9' }).error).toBe('EADDRNOTAVAIL');
    expect(r.vifAdd('m', { vif: 3, iface: 'eth0' }).error).toBeNull();
    expect(r.vifAdd('m', { vif: 3, iface: 'eth1' }).error).toBe('EADDRINUSE');
    expect(r.vifAdd('m', { vif: 4, register: true }).error).toBeNull();
    expect(r.vifAdd('m', { vif: 5, register: true }).error).toBe('EADDRINUSE');
    expect(r.vifDel('m', 32).error).toBe('ENFILE');
    expect(r.vifDel('m', 7).error).toBe('EADDRNOTAVAIL');
    expect(r.vifDel('m', 2).error).toBe('EADDRNOTAVAIL');
    expect(r.vifDel('m', 3).error).toBeNull();
  });

  it('entries: ENFILE for parent >= 32, EINVAL for a unicast group, ENOENT on deleting a missing one', () => {
    const r = new MulticastRouter(devices);
    r.mrtInit('m', 'ipv4');
    expect(r.mfcAdd('m', { origin: '10.0.0.2', group: '239.1.1.1', parent: 32 }).error).toBe('ENFILE');
    expect(r.mfcAdd('m', { origin: '10.0.0.2', group: '10.1.1.1', parent: 0 }).error).toBe('EINVAL');
    expect(r.mfcAdd('m', { origin: '10.0.0.2', group: '0.0.0.0', parent: 0 }).error).toBeNull(); // (S,*) is accepted
    expect(r.mfcDel('m', '10.0.0.2', '239.1.1.1').error).toBe('ENOENT');
    expect(r.mfcAdd('x', { origin: '10.0.0.2', group: '239.1.1.1', parent: 0 }).error).toBe('EBADF');
  });

  it('an entry replaced in place keeps its counters; TTL 0, 255 and missing vifs are not outputs', () => {
    const r = new MulticastRouter(devices);
    r.mrtInit('m', 'ipv4');
    r.vifAdd('m', { vif: 0, iface: 'eth0' });
    r.vifAdd('m', { vif: 1, iface: 'eth1' });
    r.mfcAdd('m', { origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 255, 1] });
    expect(r.input({ id: 'a', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 255, length: 44 }).forwarded).toEqual([]);
    r.mfcAdd('m', { origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 2] });
    expect(r.input({ id: 'b', iface: 'eth0', src: '10.0.0.2', group: '239.1.1.1', ttl: 3, length: 44 }).forwarded).toEqual([{ vif: 1, iface: 'eth1', ttl: 2 }]);
    expect(r.table('ipv4').mfc[0]?.pkt).toBe(2);
  });
});
