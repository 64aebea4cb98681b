// exact-strict:N: DPDK rte_eth_dev_set_mc_addr_list semantics (mlx5_set_mc_addr_list refuses
// with ENOSPC before touching the table; promiscuous/all-multicast are separate calls).
import { describe, expect, it } from 'vitest';
import { BROADCAST, OTHER_UNICAST, OWN, faults, groups, make, mode } from './helpers.ts';

const STRANGER_GROUP = groups(1, 0xf0)[0]!;

describe('exact-strict:4', () => {
  it('takes 4, refuses 5 with ENOSPC keeping the 4, then takes a new list of 3', () => {
    const nic = make('exact-strict:4');
    const g = groups(8);
    expect(nic.program(mode(g.slice(0, 4)))).toEqual({ ok: true });
    for (const m of g.slice(0, 4)) expect(nic.accept(m)).toBe(true);

    expect(nic.program(mode(g.slice(0, 5)))).toEqual({ ok: false, error: 'ENOSPC' });
    for (const m of g.slice(0, 4)) expect(nic.accept(m)).toBe(true);
    expect(nic.accept(g[4]!)).toBe(false);
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
    expect(nic.state()).toMatchObject({ table: g.slice(0, 4), lastListRefused: true });

    expect(nic.program(mode(g.slice(5, 8)))).toEqual({ ok: true });
    expect(nic.accept(g[0]!)).toBe(false);
    for (const m of g.slice(5, 8)) expect(nic.accept(m)).toBe(true);
    expect(nic.state()).toMatchObject({ table: g.slice(5, 8), lastListRefused: false });
  });

  it('a refused list never replaces the table, however often it is retried', () => {
    const nic = make('exact-strict:4');
    const g = groups(6);
    nic.program(mode(g.slice(0, 2)));
    nic.program(mode(g));
    nic.program(mode(g.slice(0, 5)));
    expect(nic.accept(g[0]!)).toBe(true);
    expect(nic.accept(g[1]!)).toBe(true);
    expect(nic.accept(g[2]!)).toBe(false);
    expect(nic.accept(g[5]!)).toBe(false);
  });

  it('own MAC and broadcast always pass; foreign unicast never without PROMISC', () => {
    const nic = make('exact-strict:4');
    nic.program(mode([]));
    expect(nic.accept(OWN)).toBe(true);
    expect(nic.accept(BROADCAST)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
  });

  it('ALLMULTI and PROMISC take effect even when the list in the same update is refused', () => {
    const nic = make('exact-strict:4');
    expect(nic.program(mode(groups(5), { allmulti: true }))).toEqual({ ok: false, error: 'ENOSPC' });
    expect(nic.accept(STRANGER_GROUP)).toBe(true);
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    expect(nic.program(mode(groups(5), { promisc: true }))).toEqual({ ok: false, error: 'ENOSPC' });
    expect(nic.accept(OTHER_UNICAST)).toBe(true);
    expect(nic.program(mode([]))).toEqual({ ok: true });
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
    expect(nic.accept(STRANGER_GROUP)).toBe(false);
  });

  it("'ignore-promisc' keeps foreign unicast out under PROMISC", () => {
    const nic = make('exact-strict:4', faults('ignore-promisc'));
    nic.program(mode([], { promisc: true }));
    expect(nic.accept(OTHER_UNICAST)).toBe(false);
  });

  it('exact-strict:0 refuses any non-empty list', () => {
    const nic = make('exact-strict:0');
    expect(nic.program(mode([]))).toEqual({ ok: true });
    expect(nic.program(mode(groups(1)))).toEqual({ ok: false, error: 'ENOSPC' });
    expect(nic.accept(groups(1)[0]!)).toBe(false);
  });
});
