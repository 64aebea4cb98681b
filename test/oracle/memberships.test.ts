// src/oracle/memberships.ts MembershipTable: the oracle's memberships and their indexes. Expected
// answers are written out by hand from the adds and removes.
import { describe, expect, it } from 'vitest';
import { type GroupRef, type Membership, MembershipTable, groupKey, groupRef } from '../../src/oracle/memberships.ts';

const G: GroupRef = groupRef('ipv4', 0xe0010101n);
const H: GroupRef = groupRef('ipv4', 0xe0010102n);

function member(socket: string, iface: string, ref: GroupRef, mode: 'include' | 'exclude' = 'exclude'): Membership {
  return { family: ref.family, group: ref.group, key: groupKey(ref), socket, iface, mode, sources: [] };
}

describe('MembershipTable', () => {
  it('a reference made with or without its key finds the same memberships', () => {
    const t = new MembershipTable();
    const m = member('s', 'eth0', G);
    t.add(m);
    expect(groupKey({ family: 'ipv4', group: 0xe0010101n })).toBe(groupKey(G));
    expect(t.find('s', { family: 'ipv4', group: 0xe0010101n }, 'eth0')).toBe(m);
    expect(t.find('s', { family: 'ipv6', group: 0xe0010101n }, 'eth0')).toBeUndefined();
    expect(t.find('s', G, 'eth1')).toBeUndefined();
    expect(t.find('t', G, 'eth0')).toBeUndefined();
  });

  it('holders and their counts follow adds, mode changes and removes, in join order', () => {
    const t = new MembershipTable();
    const a = member('a', 'eth0', G, 'include');
    const b = member('b', 'eth0', G);
    const c = member('c', 'eth0', G, 'include');
    const other = member('a', 'eth1', G);
    for (const m of [a, b, c, other]) t.add(m);
    expect(t.holders('eth0', G)).toEqual([a, b, c]);
    expect(t.holderCounts('eth0', G)).toEqual({ all: 3, exclude: 1 });
    c.mode = 'exclude';
    expect(t.holderCounts('eth0', G)).toEqual({ all: 3, exclude: 2 });
    t.remove(b);
    expect(t.holders('eth0', G)).toEqual([a, c]);
    t.remove(c);
    expect(t.holders('eth0', G)).toEqual([a]);
    expect(t.holderCounts('eth0', G)).toEqual({ all: 1, exclude: 0 });
    t.remove(a);
    expect(t.holders('eth0', G)).toEqual([]);
    expect(t.holderCounts('eth0', G)).toEqual({ all: 0, exclude: 0 });
    expect(t.holders('eth1', G)).toEqual([other]);
    expect(t.holders('eth0', H)).toEqual([]);
  });

  it('per socket: the count and the join order; a second remove does nothing', () => {
    const t = new MembershipTable();
    const m1 = member('s', 'eth0', G);
    const m2 = member('s', 'eth1', G);
    const m3 = member('s', 'eth0', H);
    for (const m of [m1, m2, m3]) t.add(m);
    expect(t.countOf('s')).toBe(3);
    t.remove(m2);
    t.remove(m2);
    expect(t.countOf('s')).toBe(2);
    expect(t.ofSocket('s')).toEqual([m1, m3]);
    expect(t.inJoinOrder()).toEqual([m1, m3]);
    expect(t.onInterface('eth0')).toEqual([m1, m3]);
    expect(t.find('s', G, 'eth1')).toBeUndefined();
  });
});
