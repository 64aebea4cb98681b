// Per-profile classification at and beyond table thresholds. Bucket numbers come from Python's
// zlib.crc32 (an independent CRC-32): bucket = bitrev32(zlib.crc32(mac) ^ 0xffffffff) >> 26.
//   33:33:00:00:00:01 -> 62   01:00:5e:00:00:01 -> 31
//   01:00:5e:01:01:01..06 (239.1.1.1..6) -> 4, 19, 9, 56, 34, 53
//   probes 01:00:5e:02:02:xx: x=0x82 -> 4, x=0x86 -> 34, x=0x85 -> 53, x=0x03 -> 31, x=0x01 -> 18
//   unicast 02:00:00:00:00:41 -> 34
import { describe, expect, it } from 'vitest';
import { Oracle, hasOracleSpec, oracleProfileNames } from '../../src/oracle/index.ts';
import type { InterfaceSpec, Step } from '../../src/scenario/types.ts';

const OWN = '02:00:00:00:00:10';
const ETH0: InterfaceSpec = { name: 'eth0', mac: OWN, disableIpv6: true };
const BCAST = 'ff:ff:ff:ff:ff:ff';
const OTHER_UNICAST = '02:00:00:00:00:99';
const J = (n: number): string => `01:00:5e:01:01:0${n}`; // MAC of 239.1.1.n
const PROBE_B4 = '01:00:5e:02:02:82';
const PROBE_B34 = '01:00:5e:02:02:86';
const PROBE_B53 = '01:00:5e:02:02:85';
const PROBE_B31 = '01:00:5e:02:02:03';
const PROBE_B18 = '01:00:5e:02:02:01';
const UNICAST_B34 = '02:00:00:00:00:41';

function withJoins(profile: string, groups: number[]): Oracle {
  const oracle = new Oracle([ETH0], { profile });
  oracle.apply({ op: 'open', socket: 's', family: 'ipv4', bind: '0.0.0.0', port: 5000 });
  for (const n of groups) expect(oracle.apply(join(n)).error).toBeNull();
  return oracle;
}
const join = (n: number): Step => ({ op: 'join', socket: 's', group: `239.1.1.${n}`, iface: 'eth0' });
const leave = (n: number): Step => ({ op: 'leave', socket: 's', group: `239.1.1.${n}`, iface: 'eth0' });
const flag = (op: 'promisc' | 'allmulti', on: boolean): Step => ({ op, iface: 'eth0', on });
const verdicts = (oracle: Oracle, macs: string[]): string[] => macs.map((m) => oracle.classify('eth0', m));

describe('spec registry', () => {
  it('knows every profile of the brief, parameterised ones with N', () => {
    expect(oracleProfileNames()).toEqual(
      expect.arrayContaining(['accept-all', 'ldd3-nf', 'allmulti-only', 'ldd3-ff:N', 'exact-strict:N', 'hash64', 'tun']),
    );
    expect(['ldd3-ff:4', 'exact-strict:0', 'tun', 'hash64'].map(hasOracleSpec)).toEqual([true, true, true, true]);
    expect(['ldd3-ff', 'ldd3-ff:x', 'ldd3-ff:-1', 'ldd3-ff:04', 'tun:2', 'e1000:4', ''].map(hasOracleSpec)).toEqual([
      false, false, false, false, false, false, false,
    ]);
  });
});

describe('accept-all (veth)', () => {
  it('everything is must', () => {
    const oracle = withJoins('accept-all', []);
    expect(verdicts(oracle, [OWN, BCAST, OTHER_UNICAST, PROBE_B4])).toEqual(['must', 'must', 'must', 'must']);
  });
});

describe('ldd3-nf', () => {
  it('own and broadcast only; the device list is not programmed; ALLMULTI is not honoured', () => {
    const oracle = withJoins('ldd3-nf', [1]);
    expect(verdicts(oracle, [OWN, BCAST, J(1), '01:00:5e:00:00:01', OTHER_UNICAST])).toEqual([
      'must', 'must', 'must-not', 'must-not', 'must-not',
    ]);
    oracle.apply(flag('allmulti', true));
    expect(oracle.classify('eth0', J(1))).toBe('must-not');
    oracle.apply(flag('promisc', true));
    expect(verdicts(oracle, [J(1), OTHER_UNICAST])).toEqual(['must', 'must']);
  });
});

describe('allmulti-only (LDD3 class 2)', () => {
  it('the list is must, other multicast may; ALLMULTI makes all multicast must', () => {
    const oracle = withJoins('allmulti-only', [1]);
    expect(verdicts(oracle, [J(1), PROBE_B4, OTHER_UNICAST, BCAST])).toEqual(['must', 'may', 'must-not', 'must']);
    oracle.apply(flag('allmulti', true));
    expect(verdicts(oracle, [PROBE_B4, OTHER_UNICAST])).toEqual(['must', 'must-not']);
    oracle.apply(flag('promisc', true));
    expect(oracle.classify('eth0', OTHER_UNICAST)).toBe('must');
  });
});

describe('ldd3-ff:4', () => {
  // disable_ipv6: the list starts with 2 entries (ff02::1, 224.0.0.1); two joins fill the table.
  it('exact up to 4 entries, all-multicast (may) at 5, exact again at 4', () => {
    const oracle = withJoins('ldd3-ff:4', [1, 2]);
    expect(verdicts(oracle, [J(1), J(2), PROBE_B4, OTHER_UNICAST])).toEqual(['must', 'must', 'must-not', 'must-not']);
    oracle.apply(join(3));
    expect(verdicts(oracle, [J(1), J(3), PROBE_B4, OTHER_UNICAST])).toEqual(['must', 'must', 'may', 'must-not']);
    oracle.apply(leave(3));
    expect(verdicts(oracle, [J(1), J(3), PROBE_B4])).toEqual(['must', 'must-not', 'must-not']);
  });

  it('the ALLMULTI flag makes all multicast must, even within the table size', () => {
    const oracle = withJoins('ldd3-ff:4', [1]);
    oracle.apply(flag('allmulti', true));
    expect(verdicts(oracle, [PROBE_B4, OTHER_UNICAST])).toEqual(['must', 'must-not']);
    oracle.apply(join(2));
    oracle.apply(join(3));
    expect(oracle.classify('eth0', PROBE_B4)).toBe('must');
    oracle.apply(flag('allmulti', false));
    expect(oracle.classify('eth0', PROBE_B4)).toBe('may');
    oracle.apply(flag('promisc', true));
    expect(oracle.classify('eth0', OTHER_UNICAST)).toBe('must');
  });

  it('ldd3-ff:0 is all-multicast as soon as the list is non-empty', () => {
    const oracle = withJoins('ldd3-ff:0', []);
    expect(verdicts(oracle, ['01:00:5e:00:00:01', PROBE_B4])).toEqual(['must', 'may']);
  });
});

describe('exact-strict:4', () => {
  it('a list of 5 is refused: the programmed 4 stay must, the new entry is must-not', () => {
    const oracle = withJoins('exact-strict:4', [1, 2]);
    expect(verdicts(oracle, [J(1), J(2), PROBE_B4])).toEqual(['must', 'must', 'must-not']);
    // ndo_set_rx_mode returns void: the join itself succeeds.
    expect(oracle.apply(join(3)).error).toBeNull();
    expect(verdicts(oracle, [J(1), J(2), J(3)])).toEqual(['must', 'must', 'must-not']);
  });

  it('the stale table keeps an entry that left the list until a list fits again', () => {
    const oracle = withJoins('exact-strict:4', [1, 2, 3, 4]);
    // Table [ff02::1, 224.0.0.1, 239.1.1.1, 239.1.1.2]; the list has 6 entries.
    oracle.apply(leave(1));
    // 5 entries: still refused, 239.1.1.1 is still in the table.
    expect(verdicts(oracle, [J(1), J(3), J(4)])).toEqual(['must', 'must-not', 'must-not']);
    oracle.apply(leave(4));
    // 4 entries [.., 239.1.1.2, 239.1.1.3]: accepted, the table follows the list.
    expect(verdicts(oracle, [J(1), J(2), J(3), J(4)])).toEqual(['must-not', 'must', 'must', 'must-not']);
  });

  it('ALLMULTI and PROMISC are honoured whatever the table holds', () => {
    const oracle = withJoins('exact-strict:4', [1, 2, 3]);
    oracle.apply(flag('allmulti', true));
    expect(verdicts(oracle, [J(3), PROBE_B4, OTHER_UNICAST])).toEqual(['must', 'must', 'must-not']);
    oracle.apply(flag('promisc', true));
    expect(oracle.classify('eth0', OTHER_UNICAST)).toBe('must');
  });

  it('is programmed after each automatic group: exact-strict:2 keeps the first two of three', () => {
    // With IPv6: ff02::1, 224.0.0.1, then ff02::1:ff00:10 (EUI-64 of 02:00:00:00:00:10) makes 3.
    const oracle = new Oracle([{ name: 'eth0', mac: OWN }], { profile: 'exact-strict:2' });
    expect(oracle.deviceList('eth0')).toHaveLength(3);
    expect(verdicts(oracle, ['33:33:00:00:00:01', '01:00:5e:00:00:01', '33:33:ff:00:00:10'])).toEqual([
      'must', 'must', 'must-not',
    ]);
  });
});

describe('hash64 (ether_crc >> 26, 64 buckets)', () => {
  it('list MACs must; multicast in a set bucket may; others must-not; unicast never hashed', () => {
    // Buckets set: 62, 31 (automatic), 4 (239.1.1.1).
    const oracle = withJoins('hash64', [1]);
    expect(verdicts(oracle, [J(1), PROBE_B4, PROBE_B31, PROBE_B18, PROBE_B34, UNICAST_B34])).toEqual([
      'must', 'may', 'may', 'must-not', 'must-not', 'must-not',
    ]);
    oracle.apply(join(5)); // 239.1.1.5 sets bucket 34
    expect(verdicts(oracle, [PROBE_B34, UNICAST_B34])).toEqual(['may', 'must-not']);
    oracle.apply(leave(1));
    expect(oracle.classify('eth0', PROBE_B4)).toBe('must-not');
    oracle.apply(flag('allmulti', true));
    expect(verdicts(oracle, [PROBE_B18, UNICAST_B34])).toEqual(['must', 'must-not']);
  });
});

describe('tun (drivers/net/tun.c: [own, broadcast, device list], 8 exact, the rest hashed)', () => {
  it('with 6 device-list entries everything is exact: no may at all', () => {
    // Filter list: own, bcast, 33:33:00:00:00:01, 01:00:5e:00:00:01, 239.1.1.1..4 = 8 exact.
    const oracle = withJoins('tun', [1, 2, 3, 4]);
    expect(verdicts(oracle, [OWN, BCAST, J(1), J(4), PROBE_B4, PROBE_B31, OTHER_UNICAST])).toEqual([
      'must', 'must', 'must', 'must', 'must-not', 'must-not', 'must-not',
    ]);
  });

  it('the 9th address is hashed: its bucket admits other multicast, an exact entry\'s does not', () => {
    const oracle = withJoins('tun', [1, 2, 3, 4, 5, 6]);
    // 239.1.1.5 (bucket 34) and 239.1.1.6 (bucket 53) are hashed.
    expect(verdicts(oracle, [J(5), J(6), PROBE_B34, PROBE_B53, PROBE_B4, PROBE_B18, UNICAST_B34])).toEqual([
      'must', 'must', 'may', 'may', 'must-not', 'must-not', 'must-not',
    ]);
    // Leaving 239.1.1.1 moves 239.1.1.5 into the exact part: bucket 34 is no longer set.
    oracle.apply(leave(1));
    expect(verdicts(oracle, [J(5), PROBE_B34, PROBE_B53])).toEqual(['must', 'must-not', 'may']);
  });

  it('ALLMULTI fills the mask; PROMISC disables the filter', () => {
    const oracle = withJoins('tun', [1]);
    oracle.apply(flag('allmulti', true));
    expect(verdicts(oracle, [PROBE_B18, UNICAST_B34])).toEqual(['must', 'must-not']);
    oracle.apply(flag('promisc', true));
    expect(oracle.classify('eth0', UNICAST_B34)).toBe('must');
  });
});
