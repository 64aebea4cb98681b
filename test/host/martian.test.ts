// Martian sources: the IP layer drops them before the group lookup, whatever the memberships.
// net/ipv4/route.c ip_mc_validate_source; net/ipv6/ip6_input.c ip6_rcv_core.
import { describe, expect, it } from 'vitest';
import { ETH0, ETH1, host } from './helpers.ts';

function deliveredTo(src: string, dst: string): readonly string[] {
  const h = host({ interfaces: [ETH0, ETH1] });
  const family = dst.includes(':') ? 'ipv6' : 'ipv4';
  h.apply({ op: 'open', socket: 's', family, bind: family === 'ipv4' ? '0.0.0.0' : '::', port: 7 });
  h.apply({ op: 'join', socket: 's', group: dst, iface: 'eth0' });
  const r = h.apply({ op: 'send', id: 'p', iface: 'eth0', src, dst, port: 7 });
  expect(r.delivery?.nic).toBe(true); // accept-all: the NIC passes it; the IP layer decides
  return r.delivery?.sockets ?? [];
}

describe('martian sources reach no socket', () => {
  it('an on-link IPv4 neighbour is delivered (control)', () => {
    expect(deliveredTo('10.0.0.1', '224.1.1.1')).toEqual(['s']);
  });
  it('IPv4 limited broadcast, loopback and this host\'s own address on another interface are dropped', () => {
    expect(deliveredTo('255.255.255.255', '224.1.1.1')).toEqual([]);
    expect(deliveredTo('127.0.0.1', '224.1.1.1')).toEqual([]);
    expect(deliveredTo('10.1.0.2', '224.1.1.1')).toEqual([]); // ETH1's address
  });
  it('an IPv4 multicast source is dropped (ip_mc_validate_source: ipv4_is_multicast(saddr) -> -EINVAL)', () => {
    expect(deliveredTo('224.5.6.7', '224.1.1.1')).toEqual([]);
    expect(deliveredTo('239.255.255.255', '224.0.0.251')).toEqual([]);
  });
  it('0.0.0.0/8 is dropped except towards 224.0.0.0/24', () => {
    expect(deliveredTo('0.1.2.3', '224.1.1.1')).toEqual([]);
    expect(deliveredTo('0.1.2.3', '224.0.0.251')).toEqual(['s']);
  });
  it('IPv6 loopback and v4-mapped sources are dropped; a global neighbour is delivered', () => {
    expect(deliveredTo('2001:db8::1', 'ff05::1:3')).toEqual(['s']);
    expect(deliveredTo('::1', 'ff05::1:3')).toEqual([]);
    expect(deliveredTo('::ffff:10.0.0.1', 'ff05::1:3')).toEqual([]);
  });
});
