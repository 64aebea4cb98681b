// The failure page reads a hash bucket off the model's NIC state (src/html/filter-state.ts) with
// one layout rule; on a fault-free model that reading must agree, bucket for bucket, with the
// oracle's spec, or the page would show a wrong "set" / "clear" beside a leak.
import { describe, expect, it } from 'vitest';
import { createPair } from '../../src/check/compare.ts';
import { probeBucket } from '../../src/html/filter-state.ts';
import { BUCKET_PROBE_MACS } from '../../src/oracle/probes.ts';
import type { Step } from '../../src/scenario/types.ts';

const IFACE = { name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.0.0.2/24'], ipv6: ['2001:db8::2/64'] };

describe('hash buckets on a failure page', () => {
  it.each(['hash64', 'tun', 'rtl8139', 'e100', 'tulip-comet', 'tulip-hash-only'])('%s: the model register bit the page reads agrees with the oracle bucket for every probe', (profile) => {
    const pair = createPair([IFACE], { profile });
    // Ten more entries (past tun's eight exact slots) so several buckets are set on both sides.
    const fill: Step = { op: 'fill', iface: 'eth0', count: 10, first: 0 };
    expect(pair.oracle.apply(fill).error).toBeNull();
    expect(pair.host.apply(fill).error).toBeNull();
    const acceptance = pair.oracle.expectedFilter('eth0');
    const macs = [...BUCKET_PROBE_MACS, ...pair.oracle.deviceList('eth0').map((e) => e.mac.toLowerCase())];
    const read = macs.map((mac) => probeBucket(mac, 'leak', acceptance, pair.host.nicState('eth0')));
    expect(read.every((b) => b.bucket !== null && b.modelSet !== null)).toBe(true);
    expect(read.filter((b) => b.modelSet?.set !== b.oracleSet).map((b) => b.mac)).toEqual([]);
    // Listed MACs set buckets: the agreement is not all "clear".
    expect(read.some((b) => b.oracleSet === true)).toBe(true);
  });

  it.each(['r8169', 'e1000:0', 'ixgbe'])('%s: a register in another layout gets no reading rather than a wrong one', (profile) => {
    const pair = createPair([IFACE], { profile });
    const b = probeBucket('01:00:5e:00:00:01', 'leak', pair.oracle.expectedFilter('eth0'), pair.host.nicState('eth0'));
    expect(b.bucket).not.toBeNull();
    expect(b.modelSet).toBeNull();
  });
});
