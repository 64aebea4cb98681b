// Automatic groups and the device list of a fresh interface (docs/semantics.md "Interfaces").
import { describe, expect, it } from 'vitest';
import { Host } from '../../src/host/host.ts';
import { ETH0, host, join, leave, open, run } from './helpers.ts';

describe('a fresh interface', () => {
  it('mac 02:00:00:00:00:02 with 2001:db8::2/64: ff02::1, 224.0.0.1, one shared solicited-node entry', () => {
    // Insertion order (net/ipv6/addrconf.c ipv6_add_dev at register; net/ipv4/igmp.c ip_mc_up;
    // addrconf_join_solict per address):
    //   ff02::1          → 33:33 + 00:00:00:01
    //   224.0.0.1        → 01:00:5e + (0x000001 & 0x7fffff) = 01:00:5e:00:00:01
    //   fe80::ff:fe00:2 and 2001:db8::2 both end in 00:00:02 → ff02::1:ff00:2 → 33:33:ff:00:00:02
    const h = host();
    expect(h.deviceList('eth0')).toEqual([
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '33:33:ff:00:00:02', users: 1 },
    ]);
    // The solicited-node group has two users (link-local + global) but one device-list reference.
    expect(h.groupUsers('eth0', 'ff02::1:ff00:2')).toBe(2);
    expect(h.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
  });

  it('ff01::1 is a group with a user but never enters the device list (scope 1 < link-local)', () => {
    const h = host();
    expect(h.groupUsers('eth0', 'ff01::1')).toBe(1);
    // ff01::1 and ff02::1 map to the same MAC; only ff02::1 holds it: users 1, not 2.
    expect(h.deviceList('eth0')[0]).toEqual({ mac: '33:33:00:00:00:01', users: 1 });
  });

  it('a socket joining an interface-local group (ff01::5) adds a group user but no device-list entry', () => {
    // ff01::5 would map to 33:33:00:00:00:05; igmp6_group_added returns before dev_mc_add for scope 1.
    const h = host();
    expect(run(h, open('s', 'ipv6'), join('s', 'ff01::5'))).toEqual([null, null]);
    expect(h.groupUsers('eth0', 'ff01::5')).toBe(1);
    expect(h.deviceList('eth0').map((e) => e.mac)).not.toContain('33:33:00:00:00:05');
    expect(h.deviceList('eth0')).toHaveLength(3);
    expect(run(h, leave('s', 'ff01::5'))).toEqual([null]);
    expect(h.deviceList('eth0')).toHaveLength(3);
  });

  it('disableIpv6: ff02::1 and 224.0.0.1 only, no link-local and no solicited-node group', () => {
    const h = new Host([{ ...ETH0, disableIpv6: true }]);
    expect(h.deviceList('eth0')).toEqual([
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '01:00:5e:00:00:01', users: 1 },
    ]);
    expect(h.groupUsers('eth0', 'ff02::1:ff00:2')).toBe(0);
  });

  it('an interface without any address still has 224.0.0.1 and the link-local solicited-node group', () => {
    // mac 02:00:00:00:00:05 → fe80::ff:fe00:5 → ff02::1:ff00:5 → 33:33:ff:00:00:05
    const h = new Host([{ name: 'eth9', mac: '02:00:00:00:00:05' }]);
    expect(h.deviceList('eth9')).toEqual([
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '33:33:ff:00:00:05', users: 1 },
    ]);
  });

  it('addresses with different low 24 bits get one solicited-node entry each, in address order', () => {
    // fe80::ff:fe00:2 → ff:00:02; 2001:db8::1:2345:6789 → low 24 bits 45:67:89
    const h = new Host([{ name: 'eth0', mac: '02:00:00:00:00:02', ipv6: ['2001:db8::1:2345:6789/64', '2001:db8:5::2/64'] }]);
    expect(h.deviceList('eth0')).toEqual([
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '33:33:ff:00:00:02', users: 1 },
      { mac: '33:33:ff:45:67:89', users: 1 },
    ]);
    // link-local and 2001:db8:5::2 share ff02::1:ff00:2
    expect(h.groupUsers('eth0', 'ff02::1:ff00:2')).toBe(2);
    expect(h.groupUsers('eth0', 'ff02::1:ff45:6789')).toBe(1);
  });

  it('the automatic groups are kernel-held: a socket that joins and leaves 224.0.0.1 leaves them in place', () => {
    const h = host();
    expect(run(h, open('s'), join('s', '224.0.0.1'))).toEqual([null, null]);
    expect(h.groupUsers('eth0', '224.0.0.1')).toBe(2);
    // A second group user does not take a second device-list reference (igmp_group_added once).
    expect(h.deviceList('eth0')[1]).toEqual({ mac: '01:00:5e:00:00:01', users: 1 });
    expect(run(h, leave('s', '224.0.0.1'))).toEqual([null]);
    expect(h.groupUsers('eth0', '224.0.0.1')).toBe(1);
    expect(h.deviceList('eth0')[1]).toEqual({ mac: '01:00:5e:00:00:01', users: 1 });
  });

  it('the NIC is programmed with the whole list in list order after every change', () => {
    const h = host();
    expect(h.rxMode('eth0')).toEqual({
      promisc: false,
      allmulti: false,
      mc: ['33:33:00:00:00:01', '01:00:5e:00:00:01', '33:33:ff:00:00:02'],
    });
    run(h, open('s'), join('s', '224.1.1.1'));
    expect(h.rxMode('eth0').mc).toEqual(['33:33:00:00:00:01', '01:00:5e:00:00:01', '33:33:ff:00:00:02', '01:00:5e:01:01:01']);
    run(h, leave('s', '224.1.1.1'));
    expect(h.rxMode('eth0').mc).toEqual(['33:33:00:00:00:01', '01:00:5e:00:00:01', '33:33:ff:00:00:02']);
  });
});
