// LDD3 ch. 17.14 classes (nf, class 2, ff) and veth, from the pseudo-code in the book.
import { describe, expect, it } from 'vitest';
import type { JsonValue } from '../../src/scenario/types.ts';
import { BROADCAST, OTHER_UNICAST, OWN, faults, groups, make, mode } from './helpers.ts';

const STRANGER_GROUP = groups(1, 0xf0)[0]!; // 01:00:5e:01:00:f0, never programmed below

describe('accept-all (veth)', () => {
  it('accepts every destination whatever is programmed', () => {
    const nic = make('accept-all');
    for (const m of [mode([]), mode(groups(3), { allmulti: true }), mode([], { promisc: true })]) {
      expect(nic.program(m)).toEqual({ ok: true });
      for (const dst of [OWN, BROADCAST, OTHER_UNICAST, STRANGER_GROUP]) expect(nic.accept(dst)).toBe(true);
    }
  });
});

describe('ldd3-nf: own + broadcast, everything with PROMISC', () => {
  it('never accepts multicast without PROMISC, even with ALLMULTI and a list', () => {
    const nic = make('ldd3-nf');
    nic.program(mode(groups(2), { allmulti: true }));
    expect(nic.accept(OWN)).toBe(true);
    expect(nic.accept(BROADCAST)).toBe(true);
    expect(nic.accept(groups(1)[0]!)).toBe(false);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
  it('PROMISC receives everything and leaving it restores own-only', () => {
    const nic = make('ldd3-nf');
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(true);
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    nic.program(mode([]));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
  it("'ignore-promisc' keeps own-only under PROMISC", () => {
    const nic = make('ldd3-nf', faults('ignore-promisc'));
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
});

describe('allmulti-only (LDD3 class 2)', () => {
  it('empty list: own + broadcast only', () => {
    const nic = make('allmulti-only');
    nic.program(mode([]));
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
    expect(nic.accept(OWN)).toBe(true);
    expect(nic.accept(BROADCAST)).toBe(true);
  });
  it('one entry opens every multicast address, not unicast', () => {
    const nic = make('allmulti-only');
    nic.program(mode(groups(1)));
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    nic.program(mode([]));
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
  });
  it('ALLMULTI with an empty list is all multicast; PROMISC is everything', () => {
    const nic = make('allmulti-only');
    nic.program(mode([], { allmulti: true }));
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(true);
  });
});

describe('ldd3-ff:4 (ff_set_multicast_list, FF_TABLE_SIZE 4)', () => {
  const table = (s: JsonValue): JsonValue => (s as { table: JsonValue }).table;
  const modeOf = (s: JsonValue): JsonValue => (s as { mode: JsonValue }).mode;

  it('empty list: own packets only', () => {
    const nic = make('ldd3-ff:4');
    nic.program(mode([]));
    expect(modeOf(nic.state())).toBe('own-packets');
    expect(nic.accept(groups(1)[0]!)).toBe(false);
    expect(nic.accept(OWN)).toBe(true);
    expect(nic.accept(BROADCAST)).toBe(true);
  });

  it('N = 4 entries: exact, N + 1 = 5: all multicast, back to 4: exact again', () => {
    const nic = make('ldd3-ff:4');
    const five = groups(5);
    nic.program(mode(five.slice(0, 4)));
    expect(modeOf(nic.state())).toBe('multicast-list');
    expect(table(nic.state())).toEqual(five.slice(0, 4));
    for (const g of five.slice(0, 4)) expect(nic.accept(g)).toBe(true);
    expect(nic.accept(five[4]!)).toBe(false);
    expect(nic.accept(STRANGER_GROUP)).toBe(false);

    nic.program(mode(five));
    expect(modeOf(nic.state())).toBe('all-multicast');
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);

    nic.program(mode(five.slice(1)));
    expect(modeOf(nic.state())).toBe('multicast-list');
    expect(nic.accept(five[0]!)).toBe(false);
    expect(nic.accept(five[4]!)).toBe(true);
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
  });

  it('ALLMULTI takes all multicast even with a short list; PROMISC takes everything', () => {
    const nic = make('ldd3-ff:4');
    nic.program(mode(groups(1), { allmulti: true }));
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    nic.program(mode(groups(1), { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(true);
    nic.program(mode(groups(1)));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
  });

  it('ldd3-ff:0 is LDD3 class 2: any entry means all multicast', () => {
    const nic = make('ldd3-ff:0');
    nic.program(mode(groups(1)));
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
  });

  it("'no-allmulti-on-overflow' keeps the first N and drops the rest", () => {
    const nic = make('ldd3-ff:4', faults('no-allmulti-on-overflow'));
    const five = groups(5);
    nic.program(mode(five));
    expect(nic.accept(five[3]!)).toBe(true);
    expect(nic.accept(five[4]!)).toBe(false);
  });

  it("'sticky-allmulti' stays all-multicast after the list shrinks back", () => {
    const nic = make('ldd3-ff:4', faults('sticky-allmulti'));
    nic.program(mode(groups(5)));
    nic.program(mode(groups(2)));
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    nic.program(mode([]));
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
  });

  it("'ignore-promisc' drops foreign unicast under PROMISC", () => {
    const nic = make('ldd3-ff:4', faults('ignore-promisc'));
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });
});
