// A macvlan stacked on a veth, as Linux 6.18 showed it (/proc/net/dev_mcast, `ip -d link`,
// deliveries; fixtures/kernel/macvlan-stacked.json is the recorded run). The same hand-written
// expectations hold for the model (src/host) and for the oracle (src/oracle).
import { describe, expect, it } from 'vitest';
import type { FaultName } from '../../src/faults.ts';
import { Host } from '../../src/host/host.ts';
import { Oracle } from '../../src/oracle/index.ts';
import type { InterfaceSpec, Step } from '../../src/scenario/types.ts';

const ETH0: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:01', ipv4: ['10.99.0.1/24'] };
const MV0: InterfaceSpec = { name: 'mv0', kind: 'macvlan', lower: 'eth0', mac: '02:00:00:10:00:01', ipv4: ['10.100.0.50/24'], ipv6: ['2001:db8:1::50/64'] };

interface System {
  apply(step: Step): { error: string | null; sockets: readonly string[] };
  list(iface: string): Record<string, number>;
  counters(iface: string): { promisc: number; allmulti: number };
}

function model(faults: FaultName[] = []): System {
  const h = new Host([ETH0, MV0], { faults: new Set(faults) });
  return {
    apply: (s) => {
      const r = h.apply(s);
      return { error: r.error, sockets: r.delivery?.nic ? r.delivery.sockets : [] };
    },
    list: (i) => Object.fromEntries(h.deviceList(i).map((e) => [e.mac, e.users])),
    counters: (i) => h.counters(i),
  };
}

function oracle(): System {
  const o = new Oracle([ETH0, MV0]);
  return {
    apply: (s) => {
      const r = o.apply(s);
      return { error: r.error, sockets: r.verdict === 'must-not' ? [] : (r.sockets ?? []) };
    },
    list: (i) => Object.fromEntries(o.deviceList(i).map((e) => [e.mac, e.users])),
    counters: (i) => o.counters(i),
  };
}

const link = (up: boolean): Step => ({ op: 'link', iface: 'mv0', up });
const flag = (op: 'promisc' | 'allmulti', on: boolean): Step => ({ op, iface: 'mv0', on });
let n = 0;
const send = (iface: string, dst: string): Step => ({ op: 'send', id: `m${n++}`, iface, src: '10.99.0.9', dst, port: 5000 });

/** eth0's own entries: ff02::1, 224.0.0.1, the link-local's solicited-node group. */
const ETH0_OWN = { '33:33:00:00:00:01': 1, '01:00:5e:00:00:01': 1, '33:33:ff:00:00:01': 1 };

describe.each([
  ['model', () => model()],
  ['oracle', () => oracle()],
] as const)('macvlan on a veth (%s)', (_name, make) => {
  it('an up macvlan holds the sync reference on each entry (users 2) and one reference on the lower, which turns promiscuous', () => {
    const s = make();
    expect(s.list('mv0')).toEqual({ '33:33:00:00:00:01': 2, '01:00:5e:00:00:01': 2, '33:33:ff:10:00:01': 2, '33:33:ff:00:00:50': 2 });
    expect(s.list('eth0')).toEqual({ ...ETH0_OWN, '33:33:00:00:00:01': 2, '01:00:5e:00:00:01': 2, '33:33:ff:10:00:01': 1, '33:33:ff:00:00:50': 1 });
    expect(s.counters('eth0')).toEqual({ promisc: 1, allmulti: 0 });
    expect(s.counters('mv0')).toEqual({ promisc: 0, allmulti: 0 });
  });

  it('down: the lower loses everything the macvlan gave it; the macvlan keeps only what is not a group (ip maddr)', () => {
    const s = make();
    s.apply({ op: 'maddr', iface: 'mv0', mac: '01:00:5e:01:01:01', add: true });
    s.apply(flag('allmulti', true));
    expect(s.counters('eth0')).toEqual({ promisc: 1, allmulti: 1 });
    s.apply(link(false));
    expect(s.list('eth0')).toEqual(ETH0_OWN);
    expect(s.list('mv0')).toEqual({ '01:00:5e:01:01:01': 1 });
    expect(s.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
    expect(s.counters('mv0')).toEqual({ promisc: 0, allmulti: 1 });
  });

  it('flags set while down reach the lower only at up; joins while down enter the macvlan list unsynced', () => {
    const s = make();
    s.apply(link(false));
    s.apply(flag('promisc', true));
    s.apply(flag('allmulti', true));
    s.apply({ op: 'open', socket: 'a', family: 'ipv4', bind: '0.0.0.0', port: 5000 });
    s.apply({ op: 'join', socket: 'a', group: '239.2.0.1', iface: 'mv0' });
    expect(s.counters('eth0')).toEqual({ promisc: 0, allmulti: 0 });
    expect(s.list('mv0')).toEqual({ '01:00:5e:02:00:01': 1 });
    expect(s.list('eth0')).toEqual(ETH0_OWN);
    s.apply(link(true));
    // uc_promisc and the macvlan's PROMISC: 2; its ALLMULTI: 1.
    expect(s.counters('eth0')).toEqual({ promisc: 2, allmulti: 1 });
    // The static IPv6 address is gone after the down; the new link-local's group is back.
    expect(s.list('mv0')).toEqual({ '01:00:5e:02:00:01': 2, '01:00:5e:00:00:01': 2, '33:33:00:00:00:01': 2, '33:33:ff:10:00:01': 2 });
    expect(s.list('eth0')).toEqual({ ...ETH0_OWN, '33:33:00:00:00:01': 2, '01:00:5e:00:00:01': 2, '01:00:5e:02:00:01': 1, '33:33:ff:10:00:01': 1 });
  });

  it('a group left on the up macvlan leaves both lists at once', () => {
    const s = make();
    s.apply({ op: 'open', socket: 'a', family: 'ipv4', bind: '0.0.0.0', port: 5000 });
    s.apply({ op: 'join', socket: 'a', group: '239.2.0.1', iface: 'mv0' });
    expect(s.list('eth0')['01:00:5e:02:00:01']).toBe(1);
    s.apply({ op: 'leave', socket: 'a', group: '239.2.0.1', iface: 'mv0' });
    expect(s.list('eth0')['01:00:5e:02:00:01']).toBeUndefined();
    expect(s.list('mv0')['01:00:5e:02:00:01']).toBeUndefined();
  });

  it('a datagram on the lower reaches the macvlan group while it is up, not while it is down; the IPv6 address is gone after down', () => {
    const s = make();
    s.apply({ op: 'open', socket: 'a', family: 'ipv4', bind: '0.0.0.0', port: 5000 });
    s.apply({ op: 'join', socket: 'a', group: '239.2.0.1', iface: 'mv0' });
    expect(s.apply(send('eth0', '239.2.0.1')).sockets).toEqual(['a']);
    expect(s.apply(send('mv0', '239.2.0.1')).sockets).toEqual(['a']);
    s.apply(link(false));
    expect(s.apply(send('mv0', '239.2.0.1')).sockets).toEqual([]);
    expect(s.apply({ op: 'open', socket: 'b', family: 'ipv6', bind: '2001:db8:1::50', port: 5000 }).error).toBe('EADDRNOTAVAIL');
  });
});

describe('stacked-device faults in the model', () => {
  it('macvlan-allmulti-while-down counts a down macvlan\'s ALLMULTI on the lower', () => {
    const s = model(['macvlan-allmulti-while-down']);
    s.apply(link(false));
    s.apply(flag('allmulti', true));
    expect(s.counters('eth0').allmulti).toBe(1);
  });

  it('unsync-removes-used drops the lower\'s shared entries at down', () => {
    const s = model(['unsync-removes-used']);
    s.apply(link(false));
    expect(s.list('eth0')).toEqual({ '33:33:ff:00:00:01': 1 });
  });
});

describe('what the macvlan last programmed (rxMode) across a down and an up', () => {
  it('while up it is the list itself; a down freezes it while the list changes; the next up programs the list again', () => {
    const h = new Host([ETH0, MV0]);
    const steps: Step[] = [
      { op: 'open', socket: 's', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
      { op: 'join', socket: 's', group: '239.1.2.3', iface: 'mv0' },
    ];
    for (const s of steps) expect(h.apply(s).error).toBeNull();
    const listNow = (): string[] => h.deviceList('mv0').map((e) => e.mac);
    const seenUp = h.rxMode('mv0').mc;
    expect(seenUp).toEqual(listNow());
    expect(seenUp).toContain('01:00:5e:01:02:03');
    h.apply({ op: 'link', iface: 'mv0', up: false });
    // ip_mc_down unloads 239.1.2.3 (and 224.0.0.1): the list shrank, nothing programmed it.
    expect(listNow()).not.toContain('01:00:5e:01:02:03');
    expect(h.rxMode('mv0').mc).toEqual(seenUp);
    // A change while down (an `ip maddr add`) is not programmed either.
    h.apply({ op: 'maddr', iface: 'mv0', mac: '01:00:5e:07:07:07', add: true });
    expect(h.rxMode('mv0').mc).toEqual(seenUp);
    h.apply({ op: 'link', iface: 'mv0', up: true });
    expect(h.rxMode('mv0').mc).toEqual(listNow());
    expect(h.rxMode('mv0').mc).toContain('01:00:5e:01:02:03');
    expect(h.rxMode('mv0').mc).toContain('01:00:5e:07:07:07');
  });
});
