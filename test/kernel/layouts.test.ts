// The byte layouts the kernel runner hands to the kernel, checked against hand-written bytes from
// the uapi headers, and the parsers of what the kernel prints. No root needed.
import { describe, expect, it } from 'vitest';
import { ETH_P_802_EX1, inetChecksum, rawFrame, rawPayload, sockaddrLl, udpFrame } from '../../src/sys/frames.ts';
import { withProbeSends } from '../../src/live/probe-sends.ts';
import { parseDevMcast, parseProcIgmp, parseProcIgmp6, timeSqueezes } from '../../src/kernel/proc-net.ts';
import { groupReq, groupSourceReq, sockaddr } from '../../src/sys/sockaddr.ts';
import { tunFilter } from '../../src/kernel/tap.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { parseIp } from '../../src/wire/ip.ts';
import { parseMac } from '../../src/wire/mac.ts';

const hex = (b: Buffer): string => b.toString('hex');

describe('socket option structures (include/uapi/linux/in.h, in6.h)', () => {
  it('sockaddr_in: family 2 little-endian, port and address in network order, 16 bytes', () => {
    // AF_INET = 2 -> 02 00; port 5000 = 0x1388 -> 13 88; 224.1.1.1 -> e0 01 01 01; 8 zero bytes.
    expect(hex(sockaddr(parseIp('224.1.1.1'), 5000))).toBe('0200' + '1388' + 'e0010101' + '00'.repeat(8));
  });

  it('sockaddr_in6: family 10, port, flowinfo 0, address, scope id; 28 bytes', () => {
    // AF_INET6 = 10 -> 0a 00; port 6000 = 0x1770; ff02::1:3 -> ff02 0000 ... 0001 0003; scope 7 LE.
    expect(hex(sockaddr(parseIp('ff02::1:3'), 6000, 7))).toBe(
      '0a00' + '1770' + '00000000' + 'ff020000000000000000000000010003' + '07000000',
    );
  });

  it('group_req: interface at 0, sockaddr_storage at 8 (aligned), 8 + 128 bytes', () => {
    const b = groupReq(3, parseIp('239.1.2.3'));
    expect(b.length).toBe(136);
    expect(hex(b.subarray(0, 16))).toBe('03000000' + '00000000' + '0200' + '0000' + 'ef010203');
  });

  it('group_source_req: source sockaddr_storage at 8 + 128, 264 bytes', () => {
    const b = groupSourceReq(2, parseIp('232.1.1.1'), parseIp('10.0.0.1'));
    expect(b.length).toBe(264);
    expect(hex(b.subarray(136, 144))).toBe('0200' + '0000' + '0a000001');
  });

  it('sockaddr_ll: family 17, protocol big-endian, ifindex, halen 6 and address', () => {
    // AF_PACKET = 17 -> 11 00; 0x88b5 -> 88 b5; ifindex 4 LE; hatype 0, pkttype 0, halen 6.
    expect(hex(sockaddrLl(4, ETH_P_802_EX1, parseMac('01:00:5e:00:00:01')))).toBe(
      '1100' + '88b5' + '04000000' + '0000' + '00' + '06' + '01005e000001' + '0000',
    );
  });
});

describe('struct tun_filter (include/uapi/linux/if_tun.h)', () => {
  it('flags and count as host-order u16, then 6 bytes per address', () => {
    expect(hex(tunFilter(1, [parseMac('01:00:5e:00:00:01'), parseMac('ff:ff:ff:ff:ff:ff')]))).toBe(
      '0100' + '0200' + '01005e000001' + 'ffffffffffff',
    );
    expect(hex(tunFilter(0, []))).toBe('00000000');
  });
});

describe('frames', () => {
  it('RFC 1071 checksum of the classic IPv4 header example is 0xb861', () => {
    // 45 00 00 73 00 00 40 00 40 11 [00 00] c0 a8 00 01 c0 a8 00 c7 (Wikipedia, "IPv4 header checksum").
    expect(inetChecksum([Buffer.from('450000730000400040110000c0a80001c0a800c7', 'hex')])).toBe(0xb861);
  });

  it('an IPv4 datagram frame: Ethernet header, 20-byte header with a valid checksum, UDP to the port', () => {
    const f = udpFrame(parseMac('01:00:5e:01:01:01'), parseMac('02:00:00:00:00:09'), parseIp('10.99.0.1'), parseIp('224.1.1.1'), 5000, Buffer.from('hi'));
    expect(hex(f.subarray(0, 14))).toBe('01005e010101' + '020000000009' + '0800');
    const ip = f.subarray(14, 34);
    // A header whose checksum field is right sums to 0xffff, i.e. its checksum is 0.
    expect(inetChecksum([ip])).toBe(0);
    expect(hex(ip.subarray(12, 20))).toBe('0a630001' + 'e0010101');
    expect(f.readUInt16BE(36)).toBe(5000);
    expect(f.length).toBe(14 + 20 + 8 + 2);
  });

  it('an IPv6 datagram frame carries a UDP checksum that verifies over the pseudo-header', () => {
    const src = parseIp('2001:db8::aa');
    const dst = parseIp('ff02::1:3');
    const f = udpFrame(parseMac('33:33:00:01:00:03'), parseMac('02:00:00:00:00:09'), src, dst, 6000, Buffer.from('odd'));
    expect(f.readUInt16BE(12)).toBe(0x86dd);
    const udp = f.subarray(54);
    const pseudo = Buffer.concat([f.subarray(22, 54), Buffer.from([0, 0, 0, udp.length, 0, 0, 0, 17])]);
    expect(inetChecksum([pseudo, Buffer.concat([udp, Buffer.alloc(1)])])).toBe(0);
  });

  it('raw probe frames are padded to the Ethernet minimum and give their payload back', () => {
    const f = rawFrame(parseMac('ff:ff:ff:ff:ff:ff'), parseMac('02:00:00:00:00:09'), Buffer.from('mtb-barrier:7'));
    expect(f.length).toBe(60); // 14 + 46 (minimum payload without FCS)
    expect(rawPayload(f)).toBe('mtb-barrier:7');
    expect(rawPayload(Buffer.from('01005e000001020000000009080045', 'hex'))).toBeNull();
  });
});

describe('/proc/net/dev_mcast ("%-4d %-15s %-5d %-5d %*phN", net/core/net-procfs.c)', () => {
  it('keeps the interface\'s lines in order with their refcount and global use', () => {
    const text = [
      '1    lo              1     0     01005e000001',
      '2    eth0            1     0     333300000001',
      '2    eth0            2     1     01005e010101',
      '3    eth1            1     0     01005e000001',
    ].join('\n');
    expect(parseDevMcast(text, 'eth0')).toEqual([
      { mac: '33:33:00:00:00:01', users: 1, global: false },
      { mac: '01:00:5e:01:01:01', users: 2, global: true },
    ]);
  });
});

describe('/proc/net/igmp and /proc/net/igmp6 (net/ipv4/igmp.c igmp_mc_seq_show, net/ipv6/mcast.c igmp6_mc_seq_show)', () => {
  it('reads the groups of one device with their users; IPv4 groups are the raw network-order word as a host integer', () => {
    // Written as the kernel prints them on little-endian x86: 224.0.0.1 -> 010000E0,
    // 239.1.1.1 (EF 01 01 01) -> 010101EF.
    const igmp = [
      'Idx\tDevice    : Count Querier\tGroup    Users Timer\tReporter',
      '1\tlo        :     1      V3',
      '\t\t\t\t010000E0     1 0:00000000\t\t0',
      '2\teth0      :     2      V3',
      '\t\t\t\t010101EF     2 0:00000000\t\t0',
      '\t\t\t\t010000E0     1 0:00000000\t\t0',
    ].join('\n');
    expect(parseProcIgmp(igmp, 'eth0')).toEqual([
      { group: '239.1.1.1', users: 2 },
      { group: '224.0.0.1', users: 1 },
    ]);
    const igmp6 = [
      '1    lo              ff020000000000000000000000000001     1 0000000C 0',
      '2    eth0            ff0200000000000000000001ff000001     2 00000004 0',
      '2    eth0            ff010000000000000000000000000001     1 00000008 0',
    ].join('\n');
    expect(parseProcIgmp6(igmp6, 'eth0')).toEqual([
      { group: 'ff02::1:ff00:1', users: 2 },
      { group: 'ff01::1', users: 1 },
    ]);
  });
});

describe('withProbeSends', () => {
  it('adds a datagram after each join to a group, on the socket port, from the first source not on the interface', () => {
    const s: Scenario = {
      schema: 'mcast-testbench/scenario@1',
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01', ipv4: ['10.99.0.1/24'] }],
      steps: [
        { op: 'open', socket: 'a', family: 'ipv4', bind: '0.0.0.0', port: 5001 },
        { op: 'join', socket: 'a', group: '232.1.1.1', iface: 'eth0', mode: 'include', sources: ['10.99.0.7'] },
        { op: 'join', socket: 'a', group: '10.1.1.1', iface: 'eth0' },
        { op: 'join', socket: 'a', group: '232.1.1.2', iface: 'eth0', mode: 'include', sources: ['10.99.0.1'] },
        { op: 'close', socket: 'a' },
        { op: 'join', socket: 'a', group: '232.1.1.3', iface: 'eth0' },
      ],
    };
    const sends = withProbeSends(s).steps.filter((x) => x.op === 'send');
    expect(sends).toEqual([
      { op: 'send', id: 'kprobe-0', iface: 'eth0', src: '10.99.0.7', dst: '232.1.1.1', port: 5001 },
      // 10.99.0.1 is eth0's own address: an outside source instead.
      { op: 'send', id: 'kprobe-1', iface: 'eth0', src: '10.250.0.1', dst: '232.1.1.2', port: 5001 },
    ]);
  });

  it('adds frames after each maddr and fill: broadcast, then the MAC the step touched (a fill: its first and last)', () => {
    const s: Scenario = {
      schema: 'mcast-testbench/scenario@1',
      interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:01' }],
      steps: [
        { op: 'maddr', iface: 'eth0', mac: '01:00:5e:01:02:03', add: true },
        // first 0x010000 + 0..2: 01:00:5e:01:00:00 to 01:00:5e:01:00:02 (src/scenario/types.ts FillStep).
        { op: 'fill', iface: 'eth0', count: 3, first: 0x010000 },
        { op: 'maddr', iface: 'eth0', mac: '01:00:5e:01:02:03', add: false },
      ],
    };
    const out = withProbeSends(s).steps;
    expect(out).toEqual([
      s.steps[0],
      { op: 'frame', id: 'kframe-0', iface: 'eth0', dst: 'ff:ff:ff:ff:ff:ff' },
      { op: 'frame', id: 'kframe-1', iface: 'eth0', dst: '01:00:5e:01:02:03' },
      s.steps[1],
      { op: 'frame', id: 'kframe-2', iface: 'eth0', dst: 'ff:ff:ff:ff:ff:ff' },
      { op: 'frame', id: 'kframe-3', iface: 'eth0', dst: '01:00:5e:01:00:00' },
      { op: 'frame', id: 'kframe-4', iface: 'eth0', dst: '01:00:5e:01:00:02' },
      s.steps[2],
      { op: 'frame', id: 'kframe-5', iface: 'eth0', dst: 'ff:ff:ff:ff:ff:ff' },
      { op: 'frame', id: 'kframe-6', iface: 'eth0', dst: '01:00:5e:01:02:03' },
    ]);
  });

  it('adds none after a join naming an interface a link-del deleted, nor on the macvlans it took', () => {
    const s: Scenario = {
      schema: 'mcast-testbench/scenario@1',
      interfaces: [
        { name: 'eth0', mac: '02:00:00:00:00:01' },
        { name: 'eth1', mac: '02:00:00:00:00:02' },
        { name: 'mv0', kind: 'macvlan', lower: 'eth1', mac: '02:00:00:00:00:03' },
      ],
      steps: [
        { op: 'open', socket: 'a', family: 'ipv4', bind: '0.0.0.0', port: 5001 },
        { op: 'link-del', iface: 'eth1' },
        { op: 'join', socket: 'a', group: '239.1.1.1', iface: 'eth1' },
        { op: 'join', socket: 'a', group: '239.1.1.2', iface: 'mv0' },
        { op: 'join', socket: 'a', group: '239.1.1.3', iface: 'eth0' },
      ],
    };
    expect(withProbeSends(s).steps.filter((x) => x.op === 'send').map((x) => (x.op === 'send' ? x.dst : ''))).toEqual(['239.1.1.3']);
  });
});

describe('/proc/net/softnet_stat (net/core/net-procfs.c softnet_seq_show)', () => {
  it('time_squeeze is the third hex column, summed over the CPUs', () => {
    const text = [
      '0000029e 00000000 00000006 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000',
      '00000010 00000001 0000000a 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000000 00000001',
      '',
    ].join('\n');
    expect(timeSqueezes(text)).toBe(16);
    expect(timeSqueezes('')).toBe(0);
  });
});
