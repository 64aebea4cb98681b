// Hand-worked scenarios for the oracle's host semantics (docs/semantics.md). Each expected value
// is read off a kernel rule named next to it, or is one of the facts verified on a live kernel
// (the common brief, /work/shared/reference/linux-facts.md); none comes from running the oracle.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { Oracle } from '../../src/oracle/index.ts';
import type { InterfaceSpec, Step } from '../../src/scenario/types.ts';

const ETH0: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:10', ipv4: ['10.0.0.2/24'], disableIpv6: true };
const ETH1: InterfaceSpec = { name: 'eth1', mac: '02:00:00:00:00:11', ipv4: ['10.0.1.2/24'], disableIpv6: true };

/** The two automatic entries of an interface without IPv6 addresses, in creation order. */
const AUTO = [
  { mac: '33:33:00:00:00:01', users: 1 }, // ff02::1, ipv6_add_dev at register
  { mac: '01:00:5e:00:00:01', users: 1 }, // 224.0.0.1, ip_mc_up
];

function run(oracle: Oracle, steps: Step[]): (string | null)[] {
  return steps.map((s) => oracle.apply(s).error);
}
const open = (socket: string, bind = '0.0.0.0', port = 5000, family: 'ipv4' | 'ipv6' = 'ipv4'): Step => ({
  op: 'open',
  socket,
  family,
  bind,
  port,
});
const join = (socket: string, group: string, iface = 'eth0', extra: Partial<Extract<Step, { op: 'join' }>> = {}): Step => ({
  op: 'join',
  socket,
  group,
  iface,
  ...extra,
});
const leave = (socket: string, group: string, iface = 'eth0'): Step => ({ op: 'leave', socket, group, iface });
const send = (dst: string, src = '10.0.0.9', port = 5000, iface = 'eth0'): Step => ({
  op: 'send',
  id: `d-${dst}-${src}`,
  iface,
  src,
  dst,
  port,
});
const sockets = (oracle: Oracle, step: Step): string[] | undefined => oracle.apply(step).sockets;

describe('automatic groups (net/ipv6/addrconf.c, net/ipv4/igmp.c ip_mc_up)', () => {
  it('an interface with disable_ipv6 holds ff02::1 and 224.0.0.1 only', () => {
    expect(new Oracle([ETH0]).deviceList('eth0')).toEqual(AUTO);
  });

  it('adds the solicited-node groups of the EUI-64 link-local and of each address, in order', () => {
    // MAC 02:00:00:00:00:10 -> link-local fe80::ff:fe00:10 -> ff02::1:ff00:10 -> 33:33:ff:00:00:10.
    // fd00::1 -> ff02::1:ff00:1 -> 33:33:ff:00:00:01. fd00::1:0:10 has the link-local's low 24
    // bits (0x000010): same group, users 2, still one device-list reference.
    const oracle = new Oracle([{ name: 'eth0', mac: '02:00:00:00:00:10', ipv6: ['fd00::1/64', 'fd00::1:0:10/64'] }]);
    expect(oracle.deviceList('eth0')).toEqual([
      ...AUTO,
      { mac: '33:33:ff:00:00:10', users: 1 },
      { mac: '33:33:ff:00:00:01', users: 1 },
    ]);
    expect(oracle.groupUsers('eth0', 'ff02::1:ff00:10')).toBe(2);
    expect(oracle.groupUsers('eth0', 'ff02::1:ff00:1')).toBe(1);
    // ff01::1 is a group (users 1) without a device-list entry.
    expect(oracle.groupUsers('eth0', 'ff01::1')).toBe(1);
    expect(oracle.groupUsers('eth0', '224.0.0.1')).toBe(1);
    expect(oracle.groupUsers('eth0', '239.1.1.1')).toBe(0);
  });

  it('never puts ff01::1 (or any scope-1 group) in the device list', () => {
    const oracle = new Oracle([ETH0]);
    run(oracle, [open('s6', '::', 5000, 'ipv6'), join('s6', 'ff01::5')]);
    expect(oracle.deviceList('eth0')).toEqual(AUTO);
  });

  it('a socket joining an automatic group adds users to the group, not a device-list reference', () => {
    const oracle = new Oracle([ETH0]);
    expect(run(oracle, [open('s'), join('s', '224.0.0.1')])).toEqual([null, null]);
    expect(oracle.deviceList('eth0')).toEqual(AUTO);
  });
});

describe('the verified kernel facts', () => {
  it('224.1.1.1 and 225.1.1.1 share 01:00:5e:01:01:01 with refcount 2', () => {
    const oracle = new Oracle([ETH0]);
    expect(run(oracle, [open('s'), join('s', '224.1.1.1'), join('s', '225.1.1.1')])).toEqual([null, null, null]);
    expect(oracle.deviceList('eth0')).toEqual([...AUTO, { mac: '01:00:5e:01:01:01', users: 2 }]);
    // Leaving one of the two keeps the entry with one reference.
    expect(oracle.apply(leave('s', '224.1.1.1')).error).toBeNull();
    expect(oracle.deviceList('eth0')).toEqual([...AUTO, { mac: '01:00:5e:01:01:01', users: 1 }]);
  });

  it("239.0.0.1 shares 224.0.0.1's MAC", () => {
    const oracle = new Oracle([ETH0]);
    run(oracle, [open('s'), join('s', '239.0.0.1')]);
    expect(oracle.deviceList('eth0')).toEqual([AUTO[0], { mac: '01:00:5e:00:00:01', users: 2 }]);
  });

  it('a socket may hold 20 IPv4 memberships; the 21st is ENOBUFS', () => {
    const oracle = new Oracle([ETH0]);
    oracle.apply(open('s'));
    for (let i = 1; i <= 20; i++) expect(oracle.apply(join('s', `239.1.2.${i}`)).error).toBeNull();
    expect(oracle.apply(join('s', '239.1.2.21')).error).toBe('ENOBUFS');
    // The count is per socket: another socket may still join.
    oracle.apply(open('t'));
    expect(oracle.apply(join('t', '239.1.2.21')).error).toBeNull();
    // A duplicate is reported before the count (the match ends __ip_mc_join_group's loop).
    expect(oracle.apply(join('s', '239.1.2.1')).error).toBe('EADDRINUSE');
  });

  it('unicast join EINVAL, duplicate EADDRINUSE, leaving a group not joined EADDRNOTAVAIL', () => {
    const oracle = new Oracle([ETH0]);
    expect(
      run(oracle, [open('s'), join('s', '10.0.0.7'), join('s', '239.1.1.1'), join('s', '239.1.1.1'), leave('s', '239.1.1.2')]),
    ).toEqual([null, 'EINVAL', null, 'EADDRINUSE', 'EADDRNOTAVAIL']);
  });

  it('IPv6 leave of a non-multicast group is EINVAL (ipv6_sock_mc_drop), IPv4 EADDRNOTAVAIL', () => {
    const oracle = new Oracle([{ name: 'eth0', mac: '02:00:00:00:00:10', ipv4: ['10.0.0.2/24'], ipv6: ['fd00::2/64'] }]);
    expect(
      run(oracle, [open('s4'), open('s6', '::', 5000, 'ipv6'), leave('s4', '10.0.0.7'), leave('s6', 'fd00::7'), leave('s6', 'ff12::7')]),
    ).toEqual([null, null, 'EADDRNOTAVAIL', 'EINVAL', 'EADDRNOTAVAIL']);
  });

  it('the same group may be joined once per interface', () => {
    const oracle = new Oracle([ETH0, ETH1]);
    expect(run(oracle, [open('s'), join('s', '239.1.1.1', 'eth0'), join('s', '239.1.1.1', 'eth1')])).toEqual([
      null,
      null,
      null,
    ]);
    expect(oracle.apply(leave('s', '239.1.1.1', 'eth1')).error).toBeNull();
    expect(oracle.apply(leave('s', '239.1.1.1', 'eth1')).error).toBe('EADDRNOTAVAIL');
  });

  it('a UDP socket bound to 0.0.0.0 receives every group any socket joined on the interface', () => {
    const oracle = new Oracle([ETH0]);
    run(oracle, [open('joiner', '0.0.0.0', 6000), open('any'), join('joiner', '239.1.1.1'), join('joiner', '239.1.1.2')]);
    expect(sockets(oracle, send('239.1.1.1'))).toEqual(['any']);
    expect(sockets(oracle, send('239.1.1.2'))).toEqual(['any']);
    // 239.1.1.3 is not held by the interface: the IP layer drops it.
    expect(sockets(oracle, send('239.1.1.3'))).toEqual([]);
    // 224.0.0.1 is always held.
    expect(sockets(oracle, send('224.0.0.1'))).toEqual(['any']);
  });
});

describe('errors of sockets, leave, close, maddr', () => {
  it('EBADF for a socket that is not open, and after close', () => {
    const oracle = new Oracle([ETH0]);
    expect(run(oracle, [join('s', '239.1.1.1'), leave('s', '239.1.1.1'), { op: 'close', socket: 's' }])).toEqual([
      'EBADF',
      'EBADF',
      'EBADF',
    ]);
    expect(run(oracle, [open('s'), join('s', '239.1.1.1'), { op: 'close', socket: 's' }, join('s', '239.1.1.2')])).toEqual([
      null,
      null,
      null,
      'EBADF',
    ]);
    // EBADF comes before EINVAL.
    expect(oracle.apply(join('s', '10.0.0.1')).error).toBe('EBADF');
  });

  it('close drops every membership; the id may be opened again', () => {
    const oracle = new Oracle([ETH0, ETH1]);
    run(oracle, [open('s'), join('s', '239.1.1.1'), join('s', '239.1.1.2', 'eth1'), { op: 'close', socket: 's' }]);
    expect(oracle.deviceList('eth0')).toEqual(AUTO);
    expect(oracle.deviceList('eth1')).toEqual(AUTO);
    expect(run(oracle, [open('s'), join('s', '239.1.1.1')])).toEqual([null, null]);
  });

  it('maddr: a second global add is a no-op, del of an entry never globally added is ENOENT', () => {
    const oracle = new Oracle([ETH0]);
    const add = (mac: string): Step => ({ op: 'maddr', iface: 'eth0', mac, add: true });
    const del = (mac: string): Step => ({ op: 'maddr', iface: 'eth0', mac, add: false });
    expect(run(oracle, [add('01:00:5e:0a:0b:0c'), add('01:00:5e:0a:0b:0c')])).toEqual([null, null]);
    expect(oracle.deviceList('eth0')).toEqual([...AUTO, { mac: '01:00:5e:0a:0b:0c', users: 1 }]);
    expect(run(oracle, [del('01:00:5e:0a:0b:0c'), del('01:00:5e:0a:0b:0c')])).toEqual([null, 'ENOENT']);
    expect(oracle.deviceList('eth0')).toEqual(AUTO);
    // An entry present through a group but not globally added: del is ENOENT, add takes a
    // second reference and keeps the entry where it is.
    expect(oracle.apply(del('01:00:5e:00:00:01')).error).toBe('ENOENT');
    expect(oracle.apply(add('33:33:00:00:00:01')).error).toBeNull();
    expect(oracle.deviceList('eth0')).toEqual([{ mac: '33:33:00:00:00:01', users: 2 }, AUTO[1]]);
    // MAC text in capitals and dashes is the same address.
    expect(oracle.apply(del('33-33-00-00-00-01')).error).toBeNull();
    expect(oracle.deviceList('eth0')).toEqual(AUTO);
  });

  it('promisc/allmulti are user flags holding one count each', () => {
    const oracle = new Oracle([ETH0]);
    const flag = (op: 'promisc' | 'allmulti', on: boolean): Step => ({ op, iface: 'eth0', on });
    run(oracle, [flag('promisc', true), flag('promisc', true), flag('allmulti', true)]);
    expect(oracle.counters('eth0')).toEqual({ promisc: 1, allmulti: 1 });
    run(oracle, [flag('promisc', false), flag('allmulti', false), flag('allmulti', false)]);
    expect(oracle.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
  });

  it('an entry that reaches refcount 0 and comes back goes to the tail', () => {
    const oracle = new Oracle([ETH0]);
    run(oracle, [open('s'), join('s', '239.1.1.1'), join('s', '239.1.1.2'), leave('s', '239.1.1.1'), join('s', '239.1.1.1')]);
    expect(oracle.deviceList('eth0').map((e) => e.mac)).toEqual([
      '33:33:00:00:00:01',
      '01:00:5e:00:00:01',
      '01:00:5e:01:01:02',
      '01:00:5e:01:01:01',
    ]);
  });

  it('unknown interfaces and mismatched families are InputErrors, not errnos', () => {
    const oracle = new Oracle([ETH0]);
    oracle.apply(open('s'));
    expect(() => oracle.apply(join('s', '239.1.1.1', 'eth9'))).toThrow(InputError);
    expect(() => oracle.apply(join('s', 'ff02::1:3'))).toThrow(InputError);
    expect(() => oracle.deviceList('eth9')).toThrow(InputError);
    expect(() => new Oracle([ETH0], { profile: 'no-such-nic' })).toThrow(InputError);
    expect(() => oracle.classify('eth0', '01:00:5e:zz:00:01')).toThrow(InputError);
  });
});

describe('source filters (net/ipv4/igmp.c ip_mc_source, ip_check_mc_rcu, ip_mc_sf_allow)', () => {
  const A = '10.0.0.11';
  const B = '10.0.0.12';

  it('observed on 6.18: with only "s1 joins G INCLUDE {A}", a datagram from B reaches no socket', () => {
    const oracle = new Oracle([ETH0]);
    run(oracle, [open('s1'), open('s2'), join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: [A] })]);
    expect(sockets(oracle, send('239.1.1.1', B))).toEqual([]);
    // From A: the interface admits it; s1's filter lists A; s2 has no membership (MULTICAST_ALL).
    expect(sockets(oracle, send('239.1.1.1', A))).toEqual(['s1', 's2']);
  });

  it('a plain join elsewhere opens the interface filter; each socket still applies its own', () => {
    const oracle = new Oracle([ETH0]);
    run(oracle, [
      open('s1'),
      open('s2'),
      open('s3'),
      join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: [A] }),
      join('s3', '239.1.1.1'),
    ]);
    // From B: s3's EXCLUDE {} admits B at the IP layer; s1 (INCLUDE {A}) refuses it.
    expect(sockets(oracle, send('239.1.1.1', B))).toEqual(['s2', 's3']);
  });

  it('EXCLUDE {A}: A is dropped by the interface when no other holder admits it', () => {
    const oracle = new Oracle([ETH0]);
    expect(run(oracle, [open('s1'), open('s2'), join('s1', '239.1.1.1', 'eth0', { mode: 'exclude', sources: [A] })])).toEqual([
      null,
      null,
      null,
    ]);
    expect(sockets(oracle, send('239.1.1.1', A))).toEqual([]);
    expect(sockets(oracle, send('239.1.1.1', B))).toEqual(['s1', 's2']);
  });

  it('an empty any-source membership may switch to INCLUDE; a non-empty one may not switch', () => {
    const oracle = new Oracle([ETH0]);
    // Plain join, then INCLUDE {A}: IP_ADD_SOURCE_MEMBERSHIP's join says EADDRINUSE (ignored),
    // ip_mc_source switches the empty EXCLUDE filter to INCLUDE and adds A.
    expect(run(oracle, [open('s1'), join('s1', '239.1.1.1'), join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: [A] })])).toEqual([
      null,
      null,
      null,
    ]);
    expect(sockets(oracle, send('239.1.1.1', B))).toEqual([]);
    expect(sockets(oracle, send('239.1.1.1', A))).toEqual(['s1']);
    // EXCLUDE {A} then INCLUDE {B}: "a source filter was set, must be the same mode" -> EINVAL.
    expect(run(oracle, [open('s2'), join('s2', '239.1.1.2', 'eth0', { mode: 'exclude', sources: [A] })])).toEqual([null, null]);
    expect(oracle.apply(join('s2', '239.1.1.2', 'eth0', { mode: 'include', sources: [B] })).error).toBe('EINVAL');
    // An exclude join on an existing membership stops at its IP_ADD_MEMBERSHIP: EADDRINUSE.
    expect(oracle.apply(join('s2', '239.1.1.2', 'eth0', { mode: 'exclude', sources: [B] })).error).toBe('EADDRINUSE');
    expect(sockets(oracle, send('239.1.1.2', B, 5000))).toEqual(['s1', 's2']);
  });

  it('a duplicate source is EADDRNOTAVAIL; earlier calls stay in effect', () => {
    const oracle = new Oracle([ETH0]);
    oracle.apply(open('s1'));
    expect(oracle.apply(join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: [A, A, B] })).error).toBe('EADDRNOTAVAIL');
    // The series stopped at the second A: B was never added.
    expect(sockets(oracle, send('239.1.1.1', A))).toEqual(['s1']);
    expect(sockets(oracle, send('239.1.1.1', B))).toEqual([]);
  });

  it('IPv4: the 11th source is ENOBUFS (igmp_max_msf 10), even when it is a duplicate', () => {
    const oracle = new Oracle([ETH0]);
    const ten = Array.from({ length: 10 }, (_, i) => `10.0.0.${100 + i}`);
    oracle.apply(open('s1'));
    expect(oracle.apply(join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: [...ten, '10.0.0.110'] })).error).toBe(
      'ENOBUFS',
    );
    expect(sockets(oracle, send('239.1.1.1', '10.0.0.109'))).toEqual(['s1']);
    expect(sockets(oracle, send('239.1.1.1', '10.0.0.110'))).toEqual([]);
    // ip_mc_source checks the limit before looking for the address.
    expect(oracle.apply(join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: ['10.0.0.100'] })).error).toBe('ENOBUFS');
  });

  it('IPv6: 64 sources fit (mld_max_msf), the 65th is ENOBUFS', () => {
    const oracle = new Oracle([{ name: 'eth0', mac: '02:00:00:00:00:10', ipv6: ['fd00::2/64'] }]);
    const sources = Array.from({ length: 65 }, (_, i) => `fd00::1:${(i + 1).toString(16)}`);
    oracle.apply(open('s6', '::', 5000, 'ipv6'));
    expect(oracle.apply(join('s6', 'ff12::1', 'eth0', { mode: 'exclude', sources: sources.slice(0, 64) })).error).toBeNull();
    expect(oracle.apply(join('s6', 'ff12::2', 'eth0', { mode: 'include', sources })).error).toBe('ENOBUFS');
    // ff12::2 INCLUDE holds the first 64: fd00::1:40 (the 64th) passes, fd00::1:41 does not.
    expect(sockets(oracle, send('ff12::2', 'fd00::1:40'))).toEqual(['s6']);
    expect(sockets(oracle, send('ff12::2', 'fd00::1:41'))).toEqual([]);
    // ff12::1 EXCLUDE blocks the first 64 and admits the rest.
    expect(sockets(oracle, send('ff12::1', 'fd00::1:1'))).toEqual([]);
    expect(sockets(oracle, send('ff12::1', 'fd00::1:41'))).toEqual(['s6']);
  });

  it('a failed include join adds nothing: ENOBUFS on the 21st membership', () => {
    const oracle = new Oracle([ETH0]);
    oracle.apply(open('s'));
    for (let i = 1; i <= 20; i++) oracle.apply(join('s', `239.1.2.${i}`));
    expect(oracle.apply(join('s', '239.9.9.9', 'eth0', { mode: 'include', sources: [A] })).error).toBe('ENOBUFS');
    expect(oracle.deviceList('eth0').map((e) => e.mac)).not.toContain('01:00:5e:09:09:09');
  });
});

describe('IP_MULTICAST_ALL and socket matching', () => {
  it('a socket without a membership on the arrival interface receives, whatever its filter elsewhere', () => {
    // ip_mc_sf_allow matches (group, ifindex): s1's INCLUDE {A} on eth0 says nothing on eth1.
    const oracle = new Oracle([ETH0, ETH1]);
    run(oracle, [
      open('s1'),
      open('s2'),
      join('s1', '239.1.1.1', 'eth0', { mode: 'include', sources: ['10.0.0.11'] }),
      join('s2', '239.1.1.1', 'eth1'),
    ]);
    expect(sockets(oracle, send('239.1.1.1', '10.0.1.12', 5000, 'eth1'))).toEqual(['s1', 's2']);
    expect(sockets(oracle, send('239.1.1.1', '10.0.1.12', 5000, 'eth0'))).toEqual([]);
  });

  it('IPv6: the newest membership of the group decides, on whatever interface (inet6_mc_check)', () => {
    // net/ipv6/mcast.c inet6_mc_check walks the socket's list (newest first) matching the group
    // only; unlike ip_mc_sf_allow it does not compare the interface.
    const v6 = (name: string, mac: string, addr: string): InterfaceSpec => ({ name, mac, ipv6: [addr] });
    const oracle = new Oracle([v6('eth0', '02:00:00:00:00:10', 'fd00::2/64'), v6('eth1', '02:00:00:00:00:11', 'fd01::2/64')]);
    run(oracle, [
      open('s1', '::', 5000, 'ipv6'),
      open('s2', '::', 5000, 'ipv6'),
      join('s1', 'ff12::7', 'eth1', { mode: 'include', sources: ['fd00::a'] }),
      join('s2', 'ff12::7', 'eth0'),
    ]);
    // On eth0 from fd00::b: s2's plain join admits it at the IP layer; s1 has no membership on
    // eth0, but its eth1 membership INCLUDE {fd00::a} is the one inet6_mc_check finds.
    expect(sockets(oracle, send('ff12::7', 'fd00::b'))).toEqual(['s2']);
    expect(sockets(oracle, send('ff12::7', 'fd00::a'))).toEqual(['s1', 's2']);
    // A newer plain join of s1 on eth0 comes first in its list and admits every source.
    oracle.apply(join('s1', 'ff12::7', 'eth0'));
    expect(sockets(oracle, send('ff12::7', 'fd00::b'))).toEqual(['s1', 's2']);
  });

  it('binds, ports and families', () => {
    const oracle = new Oracle([{ ...ETH0, disableIpv6: false, ipv6: ['fd00::2/64'] }]);
    run(oracle, [
      open('wild'),
      open('group', '239.1.1.1'),
      open('other', '239.1.1.2'),
      open('unicast', '10.0.0.2'),
      open('port', '0.0.0.0', 5001),
      open('v6', '::', 5000, 'ipv6'),
      join('wild', '239.1.1.1'),
    ]);
    // Bound address must be the wildcard or the group; the port must match; IPv6 sockets never
    // see IPv4 datagrams (observed on 6.18).
    expect(sockets(oracle, send('239.1.1.1'))).toEqual(['group', 'wild']);
  });

  it('IPv6 groups of scope 0 or 1 from the wire reach nobody (net/ipv6/ip6_input.c)', () => {
    const oracle = new Oracle([{ name: 'eth0', mac: '02:00:00:00:00:10', ipv6: ['fd00::2/64'] }]);
    run(oracle, [open('s6', '::', 5000, 'ipv6'), join('s6', 'ff01::5'), join('s6', 'ff00::5'), join('s6', 'ff02::5')]);
    expect(sockets(oracle, send('ff01::5', 'fd00::9'))).toEqual([]);
    expect(sockets(oracle, send('ff00::5', 'fd00::9'))).toEqual([]);
    expect(sockets(oracle, send('ff02::5', 'fd00::9'))).toEqual(['s6']);
    // ff02::1 is always held; the solicited-node group of fd00::2 too.
    expect(sockets(oracle, send('ff02::1', 'fd00::9'))).toEqual(['s6']);
    expect(sockets(oracle, send('ff02::1:ff00:2', 'fd00::9'))).toEqual(['s6']);
  });

  it('a disable_ipv6 device takes no IPv6, not even to ff02::1 (ip6_rcv_core)', () => {
    const oracle = new Oracle([{ name: 'eth0', mac: '02:00:00:00:00:10', ipv4: ['10.0.0.2/24'], disableIpv6: true }]);
    run(oracle, [open('s6', '::', 5000, 'ipv6'), open('s4'), join('s6', 'ff12::9')]);
    expect(sockets(oracle, send('ff02::1', 'fd00::9'))).toEqual([]);
    expect(sockets(oracle, send('ff12::9', 'fd00::9'))).toEqual([]);
    expect(sockets(oracle, send('224.0.0.1'))).toEqual(['s4']);
  });

  it('an unspecified source passes the interface filter; socket filters still apply', () => {
    // ip_check_mc_rcu: "unspecified source; tentatively allow". ip_mc_sf_allow then compares
    // 0.0.0.0 with the socket's list like any other source. (0.0.0.0 passes
    // ip_mc_validate_source only towards 224.0.0.0/24.)
    const oracle = new Oracle([ETH0]);
    run(oracle, [open('s1'), open('s2'), join('s1', '224.0.0.251', 'eth0', { mode: 'include', sources: ['10.0.0.11'] })]);
    expect(sockets(oracle, send('224.0.0.251', '0.0.0.0'))).toEqual(['s2']);
    expect(sockets(oracle, send('224.0.0.251', '10.0.0.12'))).toEqual([]);
  });

  it('martian sources reach nobody (ip_mc_validate_source, ip6_rcv_core)', () => {
    const oracle = new Oracle([
      { name: 'eth0', mac: '02:00:00:00:00:10', ipv4: ['10.0.0.2/24'], ipv6: ['fd00::2/64'] },
      { name: 'eth1', mac: '02:00:00:00:00:11', ipv4: ['10.0.1.2/24'], disableIpv6: true },
    ]);
    run(oracle, [open('s4'), open('s6', '::', 5000, 'ipv6'), join('s4', '239.1.1.1'), join('s6', 'ff12::1')]);
    // Limited broadcast, loopback, 0.0.0.0/8 towards a group outside 224.0.0.0/24, and an
    // address of the host (eth1's, arriving on eth0).
    for (const src of ['255.255.255.255', '127.0.0.1', '0.1.2.3', '10.0.1.2']) {
      expect(sockets(oracle, send('239.1.1.1', src))).toEqual([]);
    }
    // 0.0.0.0/8 is accepted towards 224.0.0.0/24.
    expect(sockets(oracle, send('224.0.0.1', '0.1.2.3'))).toEqual(['s4']);
    expect(sockets(oracle, send('239.1.1.1', '10.0.0.9'))).toEqual(['s4']);
    // IPv6: loopback and v4-mapped sources.
    expect(sockets(oracle, send('ff12::1', '::1'))).toEqual([]);
    expect(sockets(oracle, send('ff12::1', '::ffff:10.0.0.9'))).toEqual([]);
    expect(sockets(oracle, send('ff12::1', 'fd00::9'))).toEqual(['s6']);
  });

  it('a datagram to a group sharing a listed MAC passes the NIC but not the IP layer', () => {
    const oracle = new Oracle([ETH0], { profile: 'ldd3-ff:4' });
    run(oracle, [open('s'), join('s', '224.1.1.1')]);
    const result = oracle.apply(send('225.1.1.1'));
    expect(result).toEqual({ error: null, verdict: 'must', sockets: [] });
  });

  it('frame steps give the NIC verdict and no sockets', () => {
    const oracle = new Oracle([ETH0], { profile: 'ldd3-nf' });
    expect(oracle.apply({ op: 'frame', id: 'f', iface: 'eth0', dst: '02:00:00:00:00:10' })).toEqual({
      error: null,
      verdict: 'must',
      sockets: [],
    });
  });
});
