// The r8169 register quirk: on chips after RTL_GIGA_MAC_VER_06 the driver must swap the two
// MAR words and byte-swap each (r8169_main.c rtl_set_rx_mode). A driver that forgets it writes
// the bucket into the wrong MAR byte and the chip drops the group.
import { describe, expect, it } from 'vitest';
import { R8169Filter, r8169, r8169Ver35 } from '../../../src/nic/catalog/r8169.ts';
import { rtl8139 } from '../../../src/nic/catalog/rtl8139.ts';
import { OWN, groupMacs, mac, macs, mode, programmed } from './helpers.ts';
import { octets, qemuMcastCrc } from './independent-crc.ts';

const ALL_HOSTS = mac('01:00:5e:00:00:01'); // bucket 31 (0x7fa32d9b >> 26)

describe('r8169 MAR layout', () => {
  it('the correct driver: a joined group is accepted', () => {
    expect(programmed(r8169.profile(), [ALL_HOSTS]).accept(ALL_HOSTS)).toBe(true);
  });

  it('a driver that forgets the swap loses the group on a > VER_06 chip', () => {
    // Unswapped, bucket 31 lands in MAR3 bit 7; the chip reads bucket 31 at MAR byte 7 - 3 = 4.
    const forgetful = new R8169Filter(OWN, 'swapped', { swapsMar: false, noMulticastFilter: false });
    forgetful.program(mode([ALL_HOSTS]));
    expect(forgetful.accept(ALL_HOSTS)).toBe(false);
    expect((forgetful.state() as { mar: string[] }).mar).toEqual(['00', '00', '00', '80', '00', '00', '00', '00']);
  });

  it('the forgetful driver admits instead the group whose bucket is the byte-mirror (bucket 39)', () => {
    // Bucket 31 -> MAR bit 31 (byte 3, bit 7); the chip maps bucket b to byte 7 - (b >> 3), so
    // MAR bit 31 answers for bucket 8 * (7 - 3) + 7 = 39.
    const forgetful = new R8169Filter(OWN, 'swapped', { swapsMar: false, noMulticastFilter: false });
    forgetful.program(mode([ALL_HOSTS]));
    const bucket39 = groupMacs(4096).find((m) => qemuMcastCrc(octets(m)) >>> 26 === 39);
    expect(bucket39).toBeDefined();
    expect(forgetful.accept(bucket39!)).toBe(true);
  });

  it('on an old (<= VER_06) chip the unswapped layout is right: same words as 8139too', () => {
    const old = new R8169Filter(OWN, 'ver06-or-older', { swapsMar: false, noMulticastFilter: false });
    old.program(mode([ALL_HOSTS]));
    expect(old.accept(ALL_HOSTS)).toBe(true);
    expect((old.state() as { mar: string[] }).mar).toEqual((programmed(rtl8139.profile(), [ALL_HOSTS]).state() as { mar: string[] }).mar);
  });

  it('with 32 random groups, the forgetful driver loses some, the right one none', () => {
    const groups = groupMacs(32, 0x1234);
    const good = programmed(r8169.profile(), groups);
    const forgetful = new R8169Filter(OWN, 'swapped', { swapsMar: false, noMulticastFilter: false });
    forgetful.program(mode(groups));
    expect(groups.filter((g) => !good.accept(g))).toEqual([]);
    expect(groups.filter((g) => !forgetful.accept(g)).length).toBeGreaterThan(0);
  });
});

describe('r8169 modes', () => {
  it('33 groups: all multicast (MC_FILTER_LIMIT 32), MAR all ones', () => {
    const f = programmed(r8169.profile(), groupMacs(33));
    expect((f.state() as { mar: string[] }).mar).toEqual(Array(8).fill('ff'));
    expect(f.accept(mac('01:00:5e:7f:00:99'))).toBe(true);
  });
  it('empty list: AcceptMulticast cleared, no multicast at all, broadcast still', () => {
    const f = programmed(r8169.profile(), []);
    expect(f.accept(ALL_HOSTS)).toBe(false);
    expect(f.accept(mac('ff:ff:ff:ff:ff:ff'))).toBe(true);
  });
  it('VER_35 accepts every multicast even with an empty list (no hardware filter)', () => {
    const f = programmed(r8169Ver35.profile(), []);
    expect(f.accept(mac('33:33:00:00:00:fb'))).toBe(true);
    expect(f.accept(mac('02:00:00:00:00:01'))).toBe(false);
    expect(f.accept(OWN)).toBe(true);
  });
  it('PROMISC accepts any unicast', () => {
    expect(programmed(r8169.profile(), macs('01:00:5e:00:00:01'), { promisc: true }).accept(mac('02:00:00:00:00:01'))).toBe(true);
  });
});
