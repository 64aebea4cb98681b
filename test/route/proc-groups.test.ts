// /proc/net/igmp and igmp6 as Linux 6.18 printed them in a namespace with a veth pair v0/v1.
import { describe, expect, it } from 'vitest';
import { parseIgmp, parseIgmp6 } from '../../src/route/proc-groups.ts';

const IGMP = 'Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter\n2\tv1        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n3\tv0        :     1      V3\n\t\t\t\t010000E0     1 0:00000000\t\t0\n';
const IGMP6 = `1    lo              ff020000000000000000000000000001     1 0000000C 0
2    v1              ff0200000000000000000001fff880fa     1 00000004 0
3    v0              ff010000000000000000000000000001     1 00000008 0
`;

describe('/proc/net/igmp and igmp6', () => {
  it('parses the groups per device', () => {
    expect(parseIgmp(IGMP)).toEqual([
      { ifindex: 2, device: 'v1', group: '224.0.0.1', users: 1 },
      { ifindex: 3, device: 'v0', group: '224.0.0.1', users: 1 },
    ]);
    expect(parseIgmp6(IGMP6)).toEqual([
      { ifindex: 1, device: 'lo', group: 'ff02::1', users: 1 },
      { ifindex: 2, device: 'v1', group: 'ff02::1:fff8:80fa', users: 1 },
      { ifindex: 3, device: 'v0', group: 'ff01::1', users: 1 },
    ]);
  });
  it('names the file of a bad line', () => {
    expect(() => parseIgmp('nonsense\n')).toThrow('/proc/net/igmp');
    expect(() => parseIgmp6('1 lo zz\n')).toThrow('/proc/net/igmp6');
  });
});
