// net/ipv6/af_inet6.c __inet6_bind: link-scoped addresses need a scope id, which the scenario
// format cannot give: the bind fails with EINVAL, the socket stays open, unbound, receiving nothing.
import { describe, expect, it } from 'vitest';
import { host } from './helpers.ts';

describe('IPv6 bind to an address that needs a scope id', () => {
  it.each([
    ['ff02::1:3', 'EINVAL'], // link-local scope (2)
    ['ff01::1:3', 'EINVAL'], // interface-local scope (1)
    ['fe80::1', 'EINVAL'], // link-local unicast
    ['ff05::1:3', null], // site-local scope (5): no scope id needed
    ['::', null],
  ])('bind %s -> %s', (bind, error) => {
    const h = host();
    expect(h.apply({ op: 'open', socket: 's', family: 'ipv6', bind, port: 5000 }).error).toBe(error);
  });

  it('the unbound socket can still join (the group enters the device list) but receives nothing', () => {
    const h = host();
    h.apply({ op: 'open', socket: 'll', family: 'ipv6', bind: 'ff02::1:3', port: 5000 });
    expect(h.apply({ op: 'join', socket: 'll', group: 'ff02::1:3', iface: 'eth0' }).error).toBeNull();
    // ff02::1:3 -> 33:33 + low 32 bits 00:01:00:03
    expect(h.deviceList('eth0').map((e) => e.mac)).toContain('33:33:00:01:00:03');
    const r = h.apply({ op: 'send', id: 'p', iface: 'eth0', src: 'fe80::1', dst: 'ff02::1:3', port: 5000 });
    expect(r.delivery).toEqual({ nic: true, sockets: [] });
  });
});
