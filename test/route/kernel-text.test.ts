// The model against texts and bytes captured from Linux 6.18 by hand (a router namespace with
// vifs 0 on r0 (ifindex 2) and 1 on r1 (ifindex 3); 10.0.0.2 sent a 5-byte UDP payload to
// 239.1.2.3 with TTL 5 on r0; 2001:db8::2 sent to ff05::7 with hop limit 5). Each expected text is
// the kernel's, not the model's.
import { describe, expect, it } from 'vitest';
import { MulticastRouter, parseCache, parseVif, procCache, procVif } from '../../src/route/index.ts';

const KERNEL_VIF_BEFORE = `Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote
 0 r0                0       0         0       0 00008 00000002 00000000
 1 r1                0       0         0       0 00008 00000003 00000000
`;
const KERNEL_VIF6 = `Interface      BytesIn  PktsIn  BytesOut PktsOut Flags
 0 r0                0       0         0       0 00000
 1 r1                0       0         0       0 00000
`;
const KERNEL_CACHE_UNRES = `Group    Origin   Iif     Pkts    Bytes    Wrong Oifs
030201EF 0200000A -1         0        0        0
`;
const KERNEL_CACHE6_UNRES = `Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs
ff05:0000:0000:0000:0000:0000:0000:0007 2001:0db8:0000:0000:0000:0000:0000:0002 -1         0        0        0
`;
const KERNEL_CACHE_RESOLVED = `Group    Origin   Iif     Pkts    Bytes    Wrong Oifs
030201EF 0200000A 0          1       33        0  0:1    1:1  
`;
const KERNEL_VIF_AFTER = `Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote
 0 r0               33       1        33       1 00008 00000002 00000000
 1 r1                0       0        33       1 00008 00000003 00000000
`;
// read(2) on the raw IGMP socket: 28 bytes; bytes 4-7 (id, DF) are the sender's, 22-27 stale.
const KERNEL_NOCACHE4 = '4500001ccb0b4000010000000a000002ef0102030100004022000000';
// read(2) on the raw ICMPv6 socket: 80 bytes, struct mrt6msg first, the last 40 stale.
const KERNEL_NOCACHE6 =
  '000100000000000020010db8000000000000000000000002ff050000000000000000000000000007f2a6060014000600ffffffffffffffffd05b0200d05b02000800080082000000ce5b020008001c00';

function router(): MulticastRouter {
  const r = new MulticastRouter([
    { name: 'r0', ifindex: 2 },
    { name: 'r1', ifindex: 3 },
  ]);
  for (const [s, family] of [['m4', 'ipv4'], ['m6', 'ipv6']] as const) {
    expect(r.mrtInit(s, family).error).toBeNull();
    expect(r.vifAdd(s, { vif: 0, iface: 'r0' }).error).toBeNull();
    expect(r.vifAdd(s, { vif: 1, iface: 'r1' }).error).toBeNull();
  }
  return r;
}

const known = (bytes: readonly (number | null)[], raw: string): [number | null, number | null][] =>
  bytes.map((b, i) => [b, b === null ? null : parseInt(raw.slice(2 * i, 2 * i + 2), 16)]);

describe('routing model against Linux 6.18 captures', () => {
  it('prints ip_mr_vif and ip6_mr_vif as the kernel does', () => {
    const r = router();
    expect(procVif(r.table('ipv4'))).toBe(KERNEL_VIF_BEFORE);
    expect(procVif(r.table('ipv6'))).toBe(KERNEL_VIF6);
  });

  it('queues an unknown (S,G), upcalls NOCACHE with the kernel bytes, prints Iif -1', () => {
    const r = router();
    const v4 = r.input({ id: 'a', iface: 'r0', src: '10.0.0.2', group: '239.1.2.3', ttl: 5, length: 33 });
    const v6 = r.input({ id: 'b', iface: 'r0', src: '2001:db8::2', group: 'ff05::7', ttl: 5, length: 53 });
    expect(v4.verdict).toBe('queued');
    expect(v6.verdict).toBe('queued');
    expect(procCache(r.table('ipv4'))).toBe(KERNEL_CACHE_UNRES);
    expect(procCache(r.table('ipv6'))).toBe(KERNEL_CACHE6_UNRES);
    const [u4] = v4.upcalls;
    const [u6] = v6.upcalls;
    expect(u4?.bytes.length).toBe(KERNEL_NOCACHE4.length / 2);
    expect(u6?.bytes.length).toBe(KERNEL_NOCACHE6.length / 2);
    for (const [model, kernel] of known(u4!.bytes, KERNEL_NOCACHE4)) expect(model).toBe(kernel);
    for (const [model, kernel] of known(u6!.bytes, KERNEL_NOCACHE6)) expect(model).toBe(kernel);
    expect(u4!.uninitialised).toEqual([22, 23, 24, 25, 26, 27]);
    expect(u6!.uninitialised.length).toBe(40);
  });

  it('an (S,G) entry listing the arriving vif sends the queued datagram back out of it too', () => {
    const r = router();
    r.input({ id: 'a', iface: 'r0', src: '10.0.0.2', group: '239.1.2.3', ttl: 5, length: 33 });
    const add = r.mfcAdd('m4', { origin: '10.0.0.2', group: '239.1.2.3', parent: 0, ttls: [1, 1] });
    expect(add.error).toBeNull();
    expect(add.replayed?.map((x) => x.result.forwarded)).toEqual([
      [
        { vif: 1, iface: 'r1', ttl: 4 },
        { vif: 0, iface: 'r0', ttl: 4 },
      ],
    ]);
    expect(procCache(r.table('ipv4'))).toBe(KERNEL_CACHE_RESOLVED);
    expect(procVif(r.table('ipv4'))).toBe(KERNEL_VIF_AFTER);
  });

  it('parses the kernel texts', () => {
    expect(parseCache('ipv4', KERNEL_CACHE_RESOLVED)).toEqual([
      { group: '030201EF', origin: '0200000A', iif: 0, pkt: 1, bytes: 33, wrong: 0, oifs: [{ vif: 0, ttl: 1 }, { vif: 1, ttl: 1 }] },
    ]);
    expect(parseVif('ipv4', KERNEL_VIF_AFTER)[1]).toEqual({
      vif: 1, name: 'r1', bytesIn: 0, pktIn: 0, bytesOut: 33, pktOut: 1, flags: 8, local: '00000003', remote: '00000000',
    });
    expect(parseCache('ipv6', KERNEL_CACHE6_UNRES)[0]?.iif).toBe(-1);
    expect(() => parseCache('ipv4', 'Group Origin\n')).toThrow(/header/);
  });
});
