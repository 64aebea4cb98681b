// src/host/socket.ts MembershipList: the socket's membership list indexed by interface and group
// text. The list order is the kernel's (each join pushed at the head: __ip_mc_join_group,
// __ipv6_sock_mc_join); expected orders below are written out by hand from the joins.
import { describe, expect, it } from 'vitest';
import type { HostInterface } from '../../src/host/interface.ts';
import { MembershipList } from '../../src/host/socket.ts';
import { parseIp } from '../../src/wire/ip.ts';

// The list keys interfaces by identity only: stand-ins with a name are enough.
const eth0 = { name: 'eth0' } as HostInterface;
const eth1 = { name: 'eth1' } as HostInterface;
const G1 = parseIp('ff02::1:1');
const G2 = parseIp('ff02::1:2');

const describeAll = (list: MembershipList): string[] => list.takeAll().map((m) => `${m.group.text}@${m.iface.name}`);

describe('MembershipList', () => {
  it('finds a membership by (group, interface) only', () => {
    const list = new MembershipList();
    const m = list.join(G1, eth0, 'exclude');
    expect(list.find(G1, eth0)).toBe(m);
    expect(list.find(G1, eth1)).toBeUndefined();
    expect(list.find(G2, eth0)).toBeUndefined();
    // Another parse of the same text finds it too (the key is the canonical text).
    expect(list.find(parseIp('ff02:0::1:1'), eth0)).toBe(m);
    expect(list.length).toBe(1);
  });

  it('newestOf answers the latest join of the group on any interface, also after the newest leaves', () => {
    const list = new MembershipList();
    const a = list.join(G1, eth1, 'exclude');
    list.join(G2, eth0, 'exclude');
    const c = list.join(G1, eth0, 'include');
    expect(list.newestOf(G1)).toBe(c);
    expect(list.remove(G1, eth0)).toBe(c);
    expect(list.newestOf(G1)).toBe(a);
    expect(list.remove(G1, eth1)).toBe(a);
    expect(list.newestOf(G1)).toBeUndefined();
    expect(list.length).toBe(1);
  });

  it('remove answers undefined for a membership it does not hold, and changes nothing', () => {
    const list = new MembershipList();
    list.join(G1, eth0, 'exclude');
    expect(list.remove(G1, eth1)).toBeUndefined();
    expect(list.remove(G2, eth0)).toBeUndefined();
    expect(list.length).toBe(1);
  });

  it('takeAll gives head (newest) first across interfaces, and empties the list', () => {
    const list = new MembershipList();
    list.join(G1, eth0, 'exclude');
    list.join(G2, eth1, 'exclude');
    list.join(G2, eth0, 'exclude');
    list.join(G1, eth1, 'exclude');
    list.remove(G2, eth1);
    // A rejoin goes to the head again.
    list.join(G2, eth1, 'exclude');
    expect(describeAll(list)).toEqual(['ff02::1:2@eth1', 'ff02::1:1@eth1', 'ff02::1:2@eth0', 'ff02::1:1@eth0']);
    expect(list.length).toBe(0);
    expect(list.find(G1, eth0)).toBeUndefined();
  });
});
