// `ip link set … promisc|allmulticast on|off` and `ip maddr add|del` on the host
// (net/core/dev.c __dev_change_flags; net/core/dev_addr_lists.c dev_mc_add_global / dev_mc_del_global).
import { describe, expect, it } from 'vitest';
import type { Step } from '../../src/scenario/types.ts';
import { host, join, leave, open, run } from './helpers.ts';

const maddr = (mac: string, add: boolean): Step => ({ op: 'maddr', iface: 'eth0', mac, add });
const flag = (op: 'promisc' | 'allmulti', on: boolean): Step => ({ op, iface: 'eth0', on });

describe('promisc / allmulti', () => {
  it('promisc on twice is one count; off brings it back to 0; the NIC sees IFF_PROMISC', () => {
    const h = host();
    expect(run(h, flag('promisc', true), flag('promisc', true))).toEqual([null, null]);
    expect(h.counters('eth0')).toEqual({ promisc: 1, allmulti: 0 });
    expect(h.rxMode('eth0').promisc).toBe(true);
    run(h, flag('promisc', false));
    expect(h.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
    expect(h.rxMode('eth0').promisc).toBe(false);
  });

  it('allmulti on twice is one count; off with the flag never set changes nothing', () => {
    const h = host();
    run(h, flag('allmulti', false));
    expect(h.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
    run(h, flag('allmulti', true), flag('allmulti', true));
    expect(h.counters('eth0')).toEqual({ promisc: 0, allmulti: 1 });
    expect(h.rxMode('eth0').allmulti).toBe(true);
  });
});

describe('maddr (global device-list entries)', () => {
  it('add takes one reference, a second add none; del removes it; a second del is ENOENT', () => {
    const h = host();
    expect(run(h, maddr('01:00:5e:7f:00:01', true), maddr('01:00:5e:7f:00:01', true))).toEqual([null, null]);
    expect(h.deviceList('eth0').at(-1)).toEqual({ mac: '01:00:5e:7f:00:01', users: 1 });
    expect(h.rxMode('eth0').mc.at(-1)).toBe('01:00:5e:7f:00:01');
    expect(run(h, maddr('01:00:5e:7f:00:01', false), maddr('01:00:5e:7f:00:01', false))).toEqual([null, 'ENOENT']);
    expect(h.deviceList('eth0')).toHaveLength(3);
  });

  it('del of an entry a group holds but nobody added globally is ENOENT', () => {
    const h = host();
    expect(run(h, maddr('01:00:5e:00:00:01', false))).toEqual(['ENOENT']);
    expect(h.deviceList('eth0')[1]).toEqual({ mac: '01:00:5e:00:00:01', users: 1 });
  });

  it('a global reference keeps a MAC after its group leaves, until maddr del', () => {
    const h = host();
    run(h, open('s'), join('s', '224.1.1.1'), maddr('01:00:5e:01:01:01', true));
    expect(h.deviceList('eth0').at(-1)).toEqual({ mac: '01:00:5e:01:01:01', users: 2 });
    run(h, leave('s', '224.1.1.1'));
    expect(h.deviceList('eth0').at(-1)).toEqual({ mac: '01:00:5e:01:01:01', users: 1 });
    expect(run(h, maddr('01:00:5e:01:01:01', false))).toEqual([null]);
    expect(h.deviceList('eth0').map((e) => e.mac)).not.toContain('01:00:5e:01:01:01');
  });
});
