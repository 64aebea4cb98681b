// Each fault changes the model at its one place, and only there.
import { describe, expect, it } from 'vitest';
import { host, join, leave, open, run } from './helpers.ts';

const macs = (h: ReturnType<typeof host>) => h.deviceList('eth0');

describe('model faults', () => {
  it('ipv4-map-24bit keeps bit 23: 224.129.1.1 → 01:00:5e:81:01:01 instead of 01:00:5e:01:01:01', () => {
    // 224.129.1.1 = e0.81.01.01; correct: 0x810101 & 0x7fffff = 0x010101; faulty: 0x810101.
    const good = host();
    const bad = host({ faults: ['ipv4-map-24bit'] });
    for (const h of [good, bad]) run(h, open('s'), join('s', '224.129.1.1'));
    expect(macs(good).at(-1)).toEqual({ mac: '01:00:5e:01:01:01', users: 1 });
    expect(macs(bad).at(-1)).toEqual({ mac: '01:00:5e:81:01:01', users: 1 });
  });

  it('ipv6-map-24bit: ff02::1:ff00:2 → 33:33:00:00:00:02 instead of 33:33:ff:00:00:02', () => {
    expect(macs(host({ faults: ['ipv6-map-24bit'] }))).toEqual([
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '33:33:00:00:00:02', users: 1 },
    ]);
  });

  it('shared-mac-removed: leaving 225.1.1.1 removes 01:00:5e:01:01:01 although 224.1.1.1 holds it', () => {
    const good = host();
    const bad = host({ faults: ['shared-mac-removed'] });
    for (const h of [good, bad]) run(h, open('s'), join('s', '224.1.1.1'), join('s', '225.1.1.1'), leave('s', '225.1.1.1'));
    expect(macs(good).at(-1)).toEqual({ mac: '01:00:5e:01:01:01', users: 1 });
    expect(macs(bad).map((e) => e.mac)).not.toContain('01:00:5e:01:01:01');
  });

  it('refcount-not-decremented: the last leave keeps the reference', () => {
    const good = host();
    const bad = host({ faults: ['refcount-not-decremented'] });
    for (const h of [good, bad]) run(h, open('s'), join('s', '224.1.1.1'), leave('s', '224.1.1.1'));
    expect(macs(good).map((e) => e.mac)).not.toContain('01:00:5e:01:01:01');
    expect(macs(bad).at(-1)).toEqual({ mac: '01:00:5e:01:01:01', users: 1 });
  });

  it('no-solicited-node: no 33:33:ff:… entry and no solicited-node group', () => {
    const h = host({ faults: ['no-solicited-node'] });
    expect(macs(h)).toEqual([
      { mac: '33:33:00:00:00:01', users: 1 },
      { mac: '01:00:5e:00:00:01', users: 1 },
    ]);
    expect(h.groupUsers('eth0', 'ff02::1:ff00:2')).toBe(0);
  });

  it('NIC-only faults do not change the host model', () => {
    const h = host({ faults: ['ignore-promisc', 'hash-low-bits', 'sticky-allmulti', 'no-allmulti-on-overflow'] });
    run(h, open('s'), join('s', '224.1.1.1'));
    expect(macs(h)).toEqual([...macs(host()), { mac: '01:00:5e:01:01:01', users: 1 }]);
  });
});
