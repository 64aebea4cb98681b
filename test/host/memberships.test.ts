// Socket memberships and their errors: net/ipv4/igmp.c (__ip_mc_join_group, ip_mc_leave_group,
// ip_mc_source), net/ipv6/mcast.c (__ipv6_sock_mc_join, ipv6_sock_mc_drop, ip6_mc_source).
import { describe, expect, it } from 'vitest';
import { ETH0, ETH1, host, ipv4Groups, ipv4Sources, ipv6Sources, join, leave, open, receivers, run, send } from './helpers.ts';

describe('join / leave / close errors', () => {
  it('224.1.1.1, 225.1.1.1 and 232.1.1.1 share 01:00:5e:01:01:01 (users 3)', () => {
    // Low 23 bits: e0.01.01.01 → 0x010101; e1.01.01.01 → 0x010101; e8.01.01.01 → 0x010101.
    const h = host();
    expect(run(h, open('s'), join('s', '224.1.1.1'), join('s', '225.1.1.1'))).toEqual([null, null, null]);
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:01:01:01')).toEqual({ mac: '01:00:5e:01:01:01', users: 2 });
    expect(run(h, join('s', '232.1.1.1'))).toEqual([null]);
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:01:01:01')).toEqual({ mac: '01:00:5e:01:01:01', users: 3 });
    // Leaving one group drops one reference only.
    expect(run(h, leave('s', '225.1.1.1'))).toEqual([null]);
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:01:01:01')).toEqual({ mac: '01:00:5e:01:01:01', users: 2 });
  });

  it("239.0.0.1 shares 224.0.0.1's MAC: 01:00:5e:00:00:01 users 2", () => {
    // ef.00.00.01 & 0x7fffff = 0x000001.
    const h = host();
    run(h, open('s'), join('s', '239.0.0.1'));
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:00:00:01')).toEqual({ mac: '01:00:5e:00:00:01', users: 2 });
  });

  it('two sockets joining one group: one group record with users 2, one device-list reference', () => {
    const h = host();
    run(h, open('a'), open('b'), join('a', '224.1.1.1'), join('b', '224.1.1.1'));
    expect(h.groupUsers('eth0', '224.1.1.1')).toBe(2);
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:01:01:01')?.users).toBe(1);
    run(h, leave('a', '224.1.1.1'));
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:01:01:01')?.users).toBe(1);
    run(h, leave('b', '224.1.1.1'));
    expect(h.deviceList('eth0').find((e) => e.mac === '01:00:5e:01:01:01')).toBeUndefined();
  });

  it('joining a unicast address is EINVAL (IPv4 and IPv6)', () => {
    const h = host();
    expect(run(h, open('s'), join('s', '10.0.0.9'))).toEqual([null, 'EINVAL']);
    expect(run(h, open('t', 'ipv6'), join('t', '2001:db8::9'))).toEqual([null, 'EINVAL']);
  });

  it('a duplicate join is EADDRINUSE; the same group on another interface is a new membership', () => {
    const h = host({ interfaces: [ETH0, ETH1] });
    expect(run(h, open('s'), join('s', '224.1.1.1'), join('s', '224.1.1.1'), join('s', '224.1.1.1', 'eth1'))).toEqual([
      null,
      null,
      'EADDRINUSE',
      null,
    ]);
    expect(run(h, open('t', 'ipv6'), join('t', 'ff05::1:3'), join('t', 'ff05::1:3'))).toEqual([null, null, 'EADDRINUSE']);
    expect(h.groupUsers('eth0', '224.1.1.1')).toBe(1);
  });

  it('an IPv4 socket may hold 20 memberships; the 21st is ENOBUFS; after a leave one more fits', () => {
    const h = host();
    const groups = ipv4Groups(21);
    run(h, open('s'));
    expect(run(h, ...groups.slice(0, 20).map((g) => join('s', g)))).toEqual(Array(20).fill(null));
    expect(run(h, join('s', groups[20]!))).toEqual(['ENOBUFS']);
    expect(h.groupUsers('eth0', groups[20]!)).toBe(0);
    // EADDRINUSE is found before the count is checked.
    expect(run(h, join('s', groups[0]!))).toEqual(['EADDRINUSE']);
    expect(run(h, leave('s', groups[0]!), join('s', groups[20]!))).toEqual([null, null]);
    // The limit is per socket.
    expect(run(h, open('t'), join('t', groups[0]!))).toEqual([null, null]);
  });

  it('IPv6 sockets have no membership count limit (25 joins)', () => {
    const h = host();
    run(h, open('s', 'ipv6'));
    const joins = Array.from({ length: 25 }, (_, i) => join('s', `ff05::1:${(i + 1).toString(16)}`));
    expect(run(h, ...joins)).toEqual(Array(25).fill(null));
  });

  it('leaving a group not joined is EADDRNOTAVAIL; a second leave too', () => {
    const h = host();
    expect(run(h, open('s'), leave('s', '224.1.1.1'), join('s', '224.1.1.1'), leave('s', '224.1.1.1'), leave('s', '224.1.1.1'))).toEqual([
      null,
      'EADDRNOTAVAIL',
      null,
      null,
      'EADDRNOTAVAIL',
    ]);
  });

  it('leaving on the wrong interface is EADDRNOTAVAIL', () => {
    const h = host({ interfaces: [ETH0, ETH1] });
    expect(run(h, open('s'), join('s', '224.1.1.1'), leave('s', '224.1.1.1', 'eth1'))).toEqual([null, null, 'EADDRNOTAVAIL']);
  });

  it('leave of a unicast address: IPv4 EADDRNOTAVAIL (no check), IPv6 EINVAL (ipv6_sock_mc_drop)', () => {
    const h = host();
    expect(run(h, open('s'), leave('s', '10.0.0.9'))).toEqual([null, 'EADDRNOTAVAIL']);
    expect(run(h, open('t', 'ipv6'), leave('t', '2001:db8::9'))).toEqual([null, 'EINVAL']);
  });

  it('join, leave and close on a socket that is not open are EBADF; ids may be reopened', () => {
    const h = host();
    expect(run(h, join('s', '224.1.1.1'), leave('s', '224.1.1.1'), { op: 'close', socket: 's' })).toEqual(['EBADF', 'EBADF', 'EBADF']);
    expect(run(h, open('s'), { op: 'close', socket: 's' }, { op: 'close', socket: 's' }, open('s'))).toEqual([null, null, 'EBADF', null]);
  });

  it('EBADF comes before EINVAL: a unicast group on a closed socket', () => {
    const h = host();
    expect(run(h, join('s', '10.0.0.9'))).toEqual(['EBADF']);
  });

  it('close drops every membership and its device-list references', () => {
    const h = host();
    run(h, open('s'), join('s', '224.1.1.1'), join('s', '225.1.1.1'), join('s', '226.5.6.7'));
    expect(h.deviceList('eth0')).toHaveLength(5);
    expect(run(h, { op: 'close', socket: 's' })).toEqual([null]);
    expect(h.deviceList('eth0').map((e) => e.mac)).toEqual(['33:33:00:00:00:01', '01:00:5e:00:00:01', '33:33:ff:00:00:02']);
    expect(h.groupUsers('eth0', '224.1.1.1')).toBe(0);
  });
});

describe('source-specific joins (ip_mc_source / ip6_mc_source)', () => {
  it('include: 10 sources fit (igmp_max_msf); the 11th is ENOBUFS and the first 10 stay in effect', () => {
    const h = host();
    const sources = ipv4Sources(11);
    expect(run(h, open('s'), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources }))).toEqual([null, 'ENOBUFS']);
    expect(receivers(h, send(sources[9]!, '232.1.1.1'))).toEqual(['s']);
    expect(receivers(h, send(sources[10]!, '232.1.1.1'))).toEqual([]);
    expect(h.groupUsers('eth0', '232.1.1.1')).toBe(1);
  });

  it('exclude: one join then 10 blocks fit; the 11th block is ENOBUFS', () => {
    const h = host();
    const sources = ipv4Sources(11);
    expect(run(h, open('s'), join('s', '239.1.1.1', 'eth0', { mode: 'exclude', sources: sources.slice(0, 10) }))).toEqual([null, null]);
    expect(run(h, open('t'), join('t', '239.1.1.2', 'eth0', { mode: 'exclude', sources }))).toEqual([null, 'ENOBUFS']);
    // The ten blocked sources stay blocked, the eleventh passes.
    expect(receivers(h, send(sources[0]!, '239.1.1.2'))).toEqual([]);
    expect(receivers(h, send(sources[10]!, '239.1.1.2'))).toEqual(['s', 't']);
  });

  it('IPv6: 64 sources fit (mld_max_msf); the 65th is ENOBUFS', () => {
    const h = host();
    const sources = ipv6Sources(65);
    expect(run(h, open('s', 'ipv6'), join('s', 'ff3e::1', 'eth0', { mode: 'include', sources: sources.slice(0, 64) }))).toEqual([null, null]);
    expect(run(h, open('t', 'ipv6'), join('t', 'ff3e::2', 'eth0', { mode: 'include', sources }))).toEqual([null, 'ENOBUFS']);
  });

  it('a duplicate source is EADDRNOTAVAIL; the membership keeps the sources before it', () => {
    const h = host();
    const [a, b] = ipv4Sources(2) as [string, string];
    expect(run(h, open('s'), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [a, a, b] }))).toEqual([null, 'EADDRNOTAVAIL']);
    expect(receivers(h, send(a, '232.1.1.1'))).toEqual(['s']);
    expect(receivers(h, send(b, '232.1.1.1'))).toEqual([]);
    expect(run(h, join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [a] }))).toEqual(['EADDRNOTAVAIL']);
    expect(run(h, open('t'), join('t', '239.1.1.1', 'eth0', { mode: 'exclude', sources: [a, a] }))).toEqual([null, 'EADDRNOTAVAIL']);
  });

  it('a duplicate source on a full list is ENOBUFS: the count is checked first', () => {
    const h = host();
    const sources = ipv4Sources(10);
    run(h, open('s'), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources }));
    expect(run(h, join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [sources[0]!] }))).toEqual(['ENOBUFS']);
  });

  it('include adds to an existing INCLUDE membership (the EADDRINUSE of the join is ignored)', () => {
    const h = host();
    const [a, b] = ipv4Sources(2) as [string, string];
    expect(
      run(h, open('s'), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [a] }), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [b] })),
    ).toEqual([null, null, null]);
    expect(receivers(h, send(b, '232.1.1.1'))).toEqual(['s']);
    expect(h.groupUsers('eth0', '232.1.1.1')).toBe(1);
  });

  it('include on an any-source membership switches it to INCLUDE (empty-set mode switch)', () => {
    const h = host();
    const [a, b] = ipv4Sources(2) as [string, string];
    expect(run(h, open('s'), join('s', '232.1.1.1'), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [a] }))).toEqual([null, null, null]);
    expect(receivers(h, send(a, '232.1.1.1'))).toEqual(['s']);
    // The interface record is now INCLUDE {a} only: b is dropped at the IP layer.
    expect(receivers(h, send(b, '232.1.1.1'))).toEqual([]);
  });

  it('include on a membership with blocked sources is EINVAL ("must be the same mode as before")', () => {
    const h = host();
    const [a, b] = ipv4Sources(2) as [string, string];
    expect(
      run(h, open('s'), join('s', '239.1.1.1', 'eth0', { mode: 'exclude', sources: [a] }), join('s', '239.1.1.1', 'eth0', { mode: 'include', sources: [b] })),
    ).toEqual([null, null, 'EINVAL']);
    expect(
      run(h, open('t', 'ipv6'), join('t', 'ff3e::1', 'eth0', { mode: 'exclude', sources: ['2001:db8::a'] }), join('t', 'ff3e::1', 'eth0', { mode: 'include', sources: ['2001:db8::b'] })),
    ).toEqual([null, null, 'EINVAL']);
  });

  it('exclude on an existing membership is EADDRINUSE (its join comes first)', () => {
    const h = host();
    const [a] = ipv4Sources(1) as [string];
    expect(run(h, open('s'), join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: [a] }), join('s', '232.1.1.1', 'eth0', { mode: 'exclude', sources: [a] }))).toEqual([
      null,
      null,
      'EADDRINUSE',
    ]);
  });

  it('an include join of a new group when the socket holds 20 memberships is ENOBUFS', () => {
    const h = host();
    run(h, open('s'), ...ipv4Groups(20).map((g) => join('s', g)));
    expect(run(h, join('s', '232.1.1.1', 'eth0', { mode: 'include', sources: ipv4Sources(1) }))).toEqual(['ENOBUFS']);
  });

  it('an include join of a unicast group is EINVAL', () => {
    const h = host();
    expect(run(h, open('s'), join('s', '10.9.9.9', 'eth0', { mode: 'include', sources: ipv4Sources(1) }))).toEqual([null, 'EINVAL']);
  });
});
