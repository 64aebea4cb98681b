// macvtap-libvirt (src/relay/macvtap.ts): a virtio-net guest's list in QEMU's 64-entry table,
// relayed by libvirt to the host macvtap. Past 64 entries QEMU keeps no group and reports
// multicast-overflow; libvirt since 8cb06b7f3585 turns the macvtap all-multicast, before it
// (fault libvirt-mc-overflow-ignored) the macvtap took the empty table and lost every group.
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { MacvtapLibvirtDevice } from '../../src/relay/macvtap.ts';
import { relayGroups } from '../../src/relay/interleavings.ts';
import { parseMac } from '../../src/wire/mac.ts';

const OWN = parseMac('02:00:00:00:00:01');
const STRANGER = parseMac('01:00:5e:7e:00:01');

function device(faults: ReadonlySet<string> = new Set()) {
  const physical = resolveProfile('ldd3-ff:4').create(OWN, new Set());
  return new MacvtapLibvirtDevice(physical, { faults });
}

function macvtap(dev: MacvtapLibvirtDevice): { promisc: boolean; allmulti: boolean; mc: string[] } {
  return (dev.state() as { macvtap: { promisc: boolean; allmulti: boolean; mc: string[] } }).macvtap;
}

describe('macvtap-libvirt', () => {
  it('is a default profile over ldd3-ff:4 whose thresholds hold the guest table (64)', () => {
    const p = resolveProfile('macvtap-libvirt');
    expect(p.name).toBe('macvtap-libvirt+ldd3-ff:4');
    expect(p.thresholds).toEqual([4, 64]);
  });

  it('relays a list that fits QEMU\'s table as the macvtap\'s list, once per event', () => {
    const dev = device();
    const groups = relayGroups(3);
    dev.setRxMode({ promisc: false, allmulti: false, mc: groups });
    expect(dev.quiet()).toBe(false);
    // A second change before libvirt's query: QEMU sends no second event; the query reads the latest.
    dev.setRxMode({ promisc: false, allmulti: false, mc: groups.slice(0, 2) });
    dev.settle();
    expect(macvtap(dev)).toEqual({ promisc: false, allmulti: false, mc: groups.slice(0, 2) });
    expect(dev.accept(groups[0]!)).toBe(true);
    expect(dev.accept(groups[2]!)).toBe(false);
  });

  it('65 entries: multicast-overflow with an empty table, the macvtap all-multicast; back to 64: the list again', () => {
    const dev = device();
    const groups = relayGroups(65);
    dev.setRxMode({ promisc: false, allmulti: false, mc: groups });
    dev.settle();
    const q = (dev.state() as { queryRxFilter: { multicastOverflow: boolean; multicastTable: string[] } }).queryRxFilter;
    expect(q.multicastOverflow).toBe(true);
    expect(q.multicastTable).toEqual([]);
    expect(macvtap(dev)).toEqual({ promisc: false, allmulti: true, mc: [] });
    for (const m of groups) expect(dev.accept(m)).toBe(true);
    dev.setRxMode({ promisc: false, allmulti: false, mc: groups.slice(0, 64) });
    dev.settle();
    expect(macvtap(dev)).toEqual({ promisc: false, allmulti: false, mc: groups.slice(0, 64) });
    // 64 groups on the host's 4-entry table: its own all-multicast, the groups still pass.
    expect(dev.accept(groups[63]!)).toBe(true);
  });

  it('the guest\'s unicast entries take the table first (virtio_net_handle_mac: 64 - in_use)', () => {
    const dev = device();
    dev.setRxMode({ promisc: false, allmulti: false, mc: relayGroups(63), uc: [parseMac('02:00:00:00:00:07'), parseMac('02:00:00:00:00:08')] });
    dev.settle();
    expect(macvtap(dev).allmulti).toBe(true);
  });

  it('libvirt-mc-overflow-ignored: the overflowed guest leaves the macvtap empty and filtered', () => {
    const dev = device(new Set(['libvirt-mc-overflow-ignored']));
    const groups = relayGroups(65);
    dev.setRxMode({ promisc: false, allmulti: false, mc: groups });
    dev.settle();
    expect(macvtap(dev)).toEqual({ promisc: false, allmulti: false, mc: [] });
    expect(dev.accept(groups[0]!)).toBe(false);
    expect(dev.accept(STRANGER)).toBe(false);
    // The guest's own ALLMULTI still works before the fix: only the overflow was ignored.
    dev.setRxMode({ promisc: false, allmulti: true, mc: groups });
    dev.settle();
    expect(dev.accept(groups[0]!)).toBe(true);
  });
});
