// net/ipv6/af_inet6.c __inet6_bind: binding a link-scoped IPv6 address without a scope id is
// EINVAL; the descriptor stays open (later joins work) and, unbound, receives nothing.
import { describe, expect, it } from 'vitest';
import { Oracle } from '../../src/oracle/index.ts';

const ETH0 = { name: 'eth0', mac: '02:00:00:00:00:02', ipv6: ['2001:db8::2/64'] };

describe('oracle: IPv6 bind scope', () => {
  it.each([
    ['ff02::1:3', 'EINVAL'],
    ['ff01::1:3', 'EINVAL'],
    ['fe80::1', 'EINVAL'],
    ['febf::1', 'EINVAL'], // still inside fe80::/10
    ['fec0::1', null], // outside fe80::/10 (old site-local)
    ['ff05::1:3', null],
  ])('bind %s -> %s', (bind, error) => {
    const o = new Oracle([ETH0]);
    expect(o.apply({ op: 'open', socket: 's', family: 'ipv6', bind, port: 5000 }).error).toBe(error);
  });

  it('an unbound socket receives nothing; a wildcard-bound one on the same port does', () => {
    const o = new Oracle([ETH0]);
    o.apply({ op: 'open', socket: 'll', family: 'ipv6', bind: 'ff02::1:3', port: 5000 });
    o.apply({ op: 'open', socket: 'w', family: 'ipv6', bind: '::', port: 5000 });
    expect(o.apply({ op: 'join', socket: 'll', group: 'ff02::1:3', iface: 'eth0' }).error).toBeNull();
    const r = o.apply({ op: 'send', id: 'p', iface: 'eth0', src: '2001:db8::1', dst: 'ff02::1:3', port: 5000 });
    expect(r.sockets).toEqual(['w']);
  });
});
