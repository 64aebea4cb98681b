// tun: the tap TX filter (drivers/net/tun.c update_filter/run_filter), address list = own MAC,
// broadcast, then the device list; FLT_EXACT_COUNT = 8 exact slots, the rest hashed at
// ether_crc >> 26, worked out here by the test's own bitwise CRC.
import { describe, expect, it } from 'vitest';
import { BROADCAST, CLASSICS, OTHER_UNICAST, OWN, faults, groups, make, mode } from './helpers.ts';
import { findMulticast, referenceBucket, referenceLowBucket, referenceMask } from './reference-crc.ts';

// Own MAC + broadcast take 2 of the 8 exact slots: 6 groups fit exactly.
const SIX = groups(6);
const LIST = [...SIX, ...CLASSICS]; // 10 groups: 6 exact, the 4 classics hashed

interface TunState {
  enabled: boolean;
  count: number;
  flags: string[];
  addr: string[];
  mask: [string, string];
}
const st = (nic: ReturnType<typeof make>): TunState => nic.state() as unknown as TunState;

describe('tun', () => {
  it('6 groups: 8 exact slots (own, broadcast, the 6), empty mask', () => {
    const nic = make('tun');
    nic.program(mode(SIX));
    expect(st(nic)).toEqual({ enabled: true, count: 8, flags: [], addr: [OWN, BROADCAST, ...SIX], mask: ['0x00000000', '0x00000000'] });
    for (const g of SIX) expect(nic.accept(g)).toBe(true);
    expect(nic.accept(OWN)).toBe(true);
    expect(nic.accept(BROADCAST)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    expect(nic.accept(CLASSICS[0]!)).toBe(false);
  });

  it('8 exact + 4 hashed classics: mask bits at ether_crc >> 26 of the hashed ones only', () => {
    const nic = make('tun');
    nic.program(mode(LIST));
    const s = st(nic);
    expect(s.count).toBe(8);
    expect(s.addr).toEqual([OWN, BROADCAST, ...SIX]);
    expect(s.mask).toEqual(referenceMask(CLASSICS.map(referenceBucket)));
    for (const g of LIST) expect(nic.accept(g)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });

  it('a hashed bucket admits its aliases, an empty bucket nothing', () => {
    const nic = make('tun');
    nic.program(mode(LIST));
    const set = new Set(CLASSICS.map(referenceBucket));
    const alias = findMulticast((m) => !LIST.includes(m) && set.has(referenceBucket(m)));
    const outsider = findMulticast((m) => !LIST.includes(m) && !set.has(referenceBucket(m)));
    expect(nic.accept(alias)).toBe(true);
    expect(nic.accept(outsider)).toBe(false);
  });

  it('an exact-slot group does not set a mask bit (its bucket stays closed)', () => {
    const nic = make('tun');
    nic.program(mode(SIX));
    const exact = SIX[0]!;
    const alias = findMulticast((m) => m !== exact && referenceBucket(m) === referenceBucket(exact));
    expect(nic.accept(alias)).toBe(false);
  });

  it('the 7th group is the first hashed one; dropping it empties the mask again', () => {
    const nic = make('tun');
    const seven = groups(7);
    nic.program(mode(seven));
    expect(st(nic).mask).toEqual(referenceMask([referenceBucket(seven[6]!)]));
    nic.program(mode(seven.slice(0, 6)));
    expect(st(nic).mask).toEqual(['0x00000000', '0x00000000']);
    expect(nic.accept(seven[6]!)).toBe(false);
  });

  it('ALLMULTI sets TUN_FLT_ALLMULTI and the whole mask, unicast still exact', () => {
    const nic = make('tun');
    nic.program(mode(SIX, { allmulti: true }));
    expect(st(nic)).toMatchObject({ count: 8, flags: ['TUN_FLT_ALLMULTI'], mask: ['0xffffffff', '0xffffffff'] });
    expect(nic.accept(findMulticast(() => true, 0x4000))).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });

  it('PROMISC disables the filter (count 0: everything); clearing it re-programs', () => {
    const nic = make('tun');
    nic.program(mode(LIST));
    nic.program(mode(LIST, { promisc: true }));
    expect(st(nic)).toMatchObject({ enabled: false, count: 0 });
    expect(nic.accept(OTHER_UNICAST)).toBe(true);
    nic.program(mode(LIST));
    expect(st(nic).count).toBe(8);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });

  it('empty device list: own MAC and broadcast exact, no multicast', () => {
    const nic = make('tun');
    nic.program(mode([]));
    expect(st(nic)).toMatchObject({ count: 2, addr: [OWN, BROADCAST] });
    expect(nic.accept(CLASSICS[0]!)).toBe(false);
  });

  it("'hash-low-bits' programs ether_crc & 0x3f: a hashed classic whose buckets differ is lost", () => {
    const victim = CLASSICS.find((m) => referenceBucket(m) !== referenceLowBucket(m))!;
    const nic = make('tun', faults('hash-low-bits'));
    nic.program(mode([...SIX, victim]));
    expect(st(nic).mask).toEqual(referenceMask([referenceLowBucket(victim)]));
    expect(nic.accept(victim)).toBe(false);
  });

  it("'ignore-promisc' leaves the filter enabled under PROMISC", () => {
    const nic = make('tun', faults('ignore-promisc'));
    nic.program(mode(SIX, { promisc: true }));
    expect(st(nic).count).toBe(8);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
});
