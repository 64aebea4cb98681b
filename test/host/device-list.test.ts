// dev->mc verbs against net/core/dev_addr_lists.c (and its KUnit tests, dev_addr_lists_test.c).
import { describe, expect, it } from 'vitest';
import { DeviceList } from '../../src/netdev/device-list.ts';
import type { Mac } from '../../src/wire/mac.ts';

const A = '01:00:5e:01:01:01' as Mac;
const B = '33:33:00:00:00:01' as Mac;
const C = '01:00:5e:00:00:01' as Mac;

describe('DeviceList (net/core/dev_addr_lists.c)', () => {
  it('a new entry starts at refcount 1 and is not global (__hw_addr_create_ex)', () => {
    const list = new DeviceList();
    expect(list.add(A)).toBeNull();
    expect(list.entriesInOrder()).toEqual([{ addr: A, refcount: 1, globalUse: false }]);
  });

  it('adding twice and deleting once keeps the entry (dev_addr_lists_test.c)', () => {
    const list = new DeviceList();
    list.add(A);
    list.add(A);
    expect(list.get(A)?.refcount).toBe(2);
    expect(list.del(A)).toBeNull();
    expect(list.get(A)?.refcount).toBe(1);
    expect(list.del(A)).toBeNull();
    expect(list.has(A)).toBe(false);
  });

  it('deleting an absent address is ENOENT (__hw_addr_del_ex)', () => {
    const list = new DeviceList();
    expect(list.del(A)).toBe('ENOENT');
    expect(list.delGlobal(A)).toBe('ENOENT');
  });

  it('a second global add is a no-op without another reference', () => {
    const list = new DeviceList();
    expect(list.addGlobal(A)).toBeNull();
    expect(list.addGlobal(A)).toBeNull();
    expect(list.entriesInOrder()).toEqual([{ addr: A, refcount: 1, globalUse: true }]);
  });

  it('a global add on an entry a group holds adds one reference and marks it global', () => {
    const list = new DeviceList();
    list.add(A);
    list.addGlobal(A);
    expect(list.entriesInOrder()).toEqual([{ addr: A, refcount: 2, globalUse: true }]);
    // Global delete drops the global reference only; the group's reference stays.
    expect(list.delGlobal(A)).toBeNull();
    expect(list.entriesInOrder()).toEqual([{ addr: A, refcount: 1, globalUse: false }]);
  });

  it('a global delete of an entry never added as global is ENOENT and changes nothing', () => {
    const list = new DeviceList();
    list.add(A);
    expect(list.delGlobal(A)).toBe('ENOENT');
    expect(list.get(A)?.refcount).toBe(1);
  });

  it('keeps insertion order; a removed and re-added entry goes to the tail (list_add_tail_rcu)', () => {
    const list = new DeviceList();
    list.add(A);
    list.add(B);
    list.add(C);
    expect(list.addrs()).toEqual([A, B, C]);
    list.del(A);
    list.add(A);
    expect(list.addrs()).toEqual([B, C, A]);
    // A second reference does not move an entry.
    list.add(B);
    expect(list.addrs()).toEqual([B, C, A]);
  });
});

describe('DeviceList order after removals (its entries are their own list links)', () => {
  const D = '01:00:5e:00:00:04' as Mac;
  it('head(k) and addrs() agree after deletions at the head, the middle and the tail, and a re-add goes to the tail', () => {
    const list = new DeviceList();
    for (const mac of [A, B, C, D]) list.add(mac);
    list.del(B); // middle
    expect(list.head(3)).toEqual([A, C, D]);
    list.del(A); // head
    expect(list.head(1)).toEqual([C]);
    list.del(D); // tail
    expect(list.head(5)).toEqual([C]);
    list.add(A);
    list.add(B);
    expect(list.head(5)).toEqual([C, A, B]);
    expect(list.addrs()).toEqual([C, A, B]);
    list.del(C);
    list.del(A);
    list.del(B);
    expect(list.head(2)).toEqual([]);
    list.add(D);
    expect(list.head(2)).toEqual([D]);
  });
});
