// hash64 (8139too __set_rx_mode): buckets worked out by the test's own bitwise CRC.
import { describe, expect, it } from 'vitest';
import type { Mac } from '../../src/wire/mac.ts';
import { BROADCAST, CLASSICS, OTHER_UNICAST, OWN, faults, make, mode } from './helpers.ts';
import { findMulticast, referenceBucket, referenceLowBucket, referenceMask } from './reference-crc.ts';

const mar = (nic: ReturnType<typeof make>): unknown => (nic.state() as { mar: unknown }).mar;

describe('hash64', () => {
  it('reset and empty list: no multicast at all, own and broadcast pass', () => {
    const nic = make('hash64');
    expect(nic.accept(CLASSICS[0]!)).toBe(false);
    nic.program(mode([]));
    expect(nic.state()).toMatchObject({ acceptMulticast: false, mar: ['0x00000000', '0x00000000'] });
    expect(nic.accept(CLASSICS[0]!)).toBe(false);
    expect(nic.accept(OWN)).toBe(true);
    expect(nic.accept(BROADCAST)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });

  it.each(CLASSICS.map((m) => [m]))('%s sets bit ether_crc >> 26 and admits its aliases only', (classic: Mac) => {
    const nic = make('hash64');
    nic.program(mode([classic]));
    const bucket = referenceBucket(classic);
    expect(mar(nic)).toEqual(referenceMask([bucket]));
    expect(nic.accept(classic)).toBe(true);
    const alias = findMulticast((m) => m !== classic && referenceBucket(m) === bucket);
    const outsider = findMulticast((m) => referenceBucket(m) !== bucket);
    expect(nic.accept(alias)).toBe(true);
    expect(nic.accept(outsider)).toBe(false);
  });

  it('all four classics together: mask is the union of their buckets', () => {
    const nic = make('hash64');
    nic.program(mode(CLASSICS));
    expect(mar(nic)).toEqual(referenceMask(CLASSICS.map(referenceBucket)));
    for (const c of CLASSICS) expect(nic.accept(c)).toBe(true);
  });

  it('ALLMULTI opens every bucket; PROMISC adds foreign unicast', () => {
    const nic = make('hash64');
    nic.program(mode([], { allmulti: true }));
    expect(mar(nic)).toEqual(['0xffffffff', '0xffffffff']);
    expect(nic.accept(findMulticast(() => true))).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    nic.program(mode([], { promisc: true }));
    expect(nic.state()).toMatchObject({ acceptAllPhys: true });
    expect(nic.accept(OTHER_UNICAST)).toBe(true);
  });

  it("'hash-low-bits' programs ether_crc & 0x3f, so a group whose buckets differ is lost", () => {
    const victim = CLASSICS.find((m) => referenceBucket(m) !== referenceLowBucket(m))!;
    const nic = make('hash64', faults('hash-low-bits'));
    nic.program(mode([victim]));
    expect(mar(nic)).toEqual(referenceMask([referenceLowBucket(victim)]));
    expect(nic.accept(victim)).toBe(false);
  });

  it("'ignore-promisc' keeps foreign unicast out", () => {
    const nic = make('hash64', faults('ignore-promisc'));
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
});
