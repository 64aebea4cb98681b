// The interface source filter of one group record: ip_mc_add_src / ip_mc_del_src and
// ip_check_mc_rcu (net/ipv4/igmp.c); the IPv6 twins in net/ipv6/mcast.c do the same arithmetic.
import { describe, expect, it } from 'vitest';
import { GroupRecord } from '../../src/host/group.ts';
import { parseIp } from '../../src/wire/ip.ts';

const A = '10.0.0.1';
const B = '10.0.0.2';
const C = '10.0.0.3';

describe('GroupRecord source filter', () => {
  it('an any-source membership (EXCLUDE, {}) lets every source through', () => {
    const g = new GroupRecord(parseIp('224.1.1.1'), 'exclude');
    expect(g.allowsSource(A)).toBe(true);
    expect(g.sfmode).toBe('exclude');
  });

  it('INCLUDE {A} alone: A passes, B does not (sfcount[EXCLUDE] = 0)', () => {
    const g = new GroupRecord(parseIp('232.1.1.1'), 'include');
    g.addSources('include', [A], true);
    expect(g.allowsSource(A)).toBe(true);
    expect(g.allowsSource(B)).toBe(false);
    expect(g.sfmode).toBe('include');
  });

  it('EXCLUDE {A}: everyone but A', () => {
    const g = new GroupRecord(parseIp('239.1.1.1'), 'exclude');
    g.addSources('exclude', [A], true);
    // psf(A).sf_count[EX] = 1 == im.sfcount[EX] = 1, and no INCLUDE count → blocked.
    expect(g.allowsSource(A)).toBe(false);
    expect(g.allowsSource(B)).toBe(true);
  });

  it('two EXCLUDE memberships {A} and {A,B}: A blocked by both, B allowed by the first', () => {
    const g = new GroupRecord(parseIp('239.1.1.1'), 'exclude');
    g.addSources('exclude', [A], true);
    g.users++;
    g.addSources('exclude', [], false);
    g.addSources('exclude', [A, B], true);
    // sfcount[EX] = 2; A: count[EX] = 2 == 2 → false; B: count[EX] = 1 != 2 → true; C unlisted → true.
    expect(g.allowsSource(A)).toBe(false);
    expect(g.allowsSource(B)).toBe(true);
    expect(g.allowsSource(C)).toBe(true);
  });

  it('INCLUDE {A} next to EXCLUDE {A}: A passes (some INCLUDE lists it), mode is EXCLUDE', () => {
    const g = new GroupRecord(parseIp('239.1.1.1'), 'include');
    g.addSources('include', [A], true);
    g.users++;
    g.addSources('exclude', [], false);
    expect(g.sfmode).toBe('exclude');
    g.addSources('exclude', [A], true);
    expect(g.allowsSource(A)).toBe(true);
    expect(g.allowsSource(B)).toBe(true);
  });

  it('dropping the last EXCLUDE membership turns the record to INCLUDE and forgets its sources', () => {
    const g = new GroupRecord(parseIp('239.1.1.1'), 'exclude');
    g.addSources('exclude', [B], true);
    g.users++;
    g.addSources('include', [A], false);
    g.delSources('exclude', [B], false);
    expect(g.sfmode).toBe('include');
    expect(g.sources.has(B)).toBe(false);
    expect(g.allowsSource(A)).toBe(true);
    expect(g.allowsSource(B)).toBe(false);
  });
});
