// hash64 (8139too __set_rx_mode): buckets worked out by the test's own bitwise CRC, and literal register words for the four classics (worked by hand) at the end.
import { describe, expect, it } from 'vitest';
import type { Mac } from '../../src/wire/mac.ts';
import { BROADCAST, CLASSICS, OTHER_UNICAST, OWN, faults, make, mode } from './helpers.ts';
import { findMulticast, macOctets, referenceBucket, referenceLowBucket, referenceMask } from './reference-crc.ts';
import { etherCrcLeRef } from './catalog/independent-crc.ts';

/** drivers/net/smc911x.c before 7b31f7ffa9ed, written out: crc32_le(~0, addr) & 0x3f through its invert5 table. */
const INVERT5 = [0x00, 0x10, 0x08, 0x18, 0x04, 0x14, 0x0c, 0x1c, 0x02, 0x12, 0x0a, 0x1a, 0x06, 0x16, 0x0e, 0x1e, 0x01, 0x11, 0x09, 0x19, 0x05, 0x15, 0x0d, 0x1d, 0x03, 0x13, 0x0b, 0x1b, 0x07, 0x17, 0x0f, 0x1f];
function oldSmc911xBucket(mac: string): number {
  const position = etherCrcLeRef(macOctets(mac)) & 0x3f;
  return (INVERT5[position & 0x1f]! & 1) * 32 + INVERT5[(position >> 1) & 0x1f]!;
}

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

  it("'smc911x-hash-register-bit1' programs the bucket the old smc911x code wrote, and loses the groups whose bits 1 and 5 differ", () => {
    const groups = Array.from({ length: 64 }, (_, i) => findMulticast(() => true, 0x100 + i * 7));
    for (const g of groups) {
      const nic = make('hash64', faults('smc911x-hash-register-bit1'));
      nic.program(mode([g]));
      expect(mar(nic)).toEqual(referenceMask([oldSmc911xBucket(g)]));
      const n = referenceBucket(g);
      expect(nic.accept(g)).toBe(((n >> 1) & 1) === (n >> 5));
    }
  });

  it("'ignore-promisc' keeps foreign unicast out", () => {
    const nic = make('hash64', faults('ignore-promisc'));
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
});

describe('hash64 and tun: literal register words for the four classics', () => {
  // Buckets from the zlib CRCs of test/nic/catalog/known-answers.test.ts, by hand:
  // 01:00:5e:00:00:01 0x7fa32d9b >> 26 = 31, 01:00:5e:7f:ff:fa 0xae3c4afc >> 26 = 43,
  // 33:33:00:00:00:01 0xf99baaba >> 26 = 62, 33:33:ff:00:00:01 0x76fb0ac1 >> 26 = 29.
  // Word 0 holds buckets 0-31: bits 31 and 29 = 0xa0000000; word 1 buckets 32-63: bits
  // 43 - 32 = 11 and 62 - 32 = 30 = 0x40000800.
  const WORDS = ['0xa0000000', '0x40000800'];

  it('hash64 (8139too mc_filter[0], mc_filter[1])', () => {
    const nic = make('hash64');
    nic.program(mode(CLASSICS));
    expect(mar(nic)).toEqual(WORDS);
  });

  it('tun (struct tap_filter mask[0], mask[1]): only the addresses past the 8 exact slots are hashed', () => {
    const nic = make('tun');
    // Own MAC and broadcast take slots 0 and 1; six link-local groups fill slots 2-7.
    const fillers = Array.from({ length: 6 }, (_, i) => `01:80:c2:00:00:0${i}` as Mac);
    nic.program(mode([...fillers, ...CLASSICS]));
    expect((nic.state() as { count: number; mask: unknown }).count).toBe(8);
    expect((nic.state() as { mask: unknown }).mask).toEqual(WORDS);
  });
});
