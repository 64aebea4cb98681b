// Known answers for group -> MAC mapping, EUI-64 and solicited-node groups, from the RFCs and
// the verified facts in docs (each expected value worked out by hand in the comment).
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { isMulticastIp, parseIp } from '../../src/wire/ip.ts';
import { eui64LinkLocal, multicastScope, solicitedNode } from '../../src/wire/ipv6.ts';
import { BROADCAST_MAC, isBroadcastMac, isMulticastMac, macBytes, macFromBytes, parseMac } from '../../src/wire/mac.ts';
import { groupMac, ipv4GroupMac, ipv6GroupMac } from '../../src/wire/mapping.ts';

describe('IPv4 group -> MAC (RFC 1112 6.4: low-order 23 bits into 01-00-5E-00-00-00)', () => {
  it.each([
    ['224.0.0.1', '01:00:5e:00:00:01'],
    // 224.1.1.1 and 225.1.1.1 differ only in the first octet: same MAC (verified: refcount 2).
    ['224.1.1.1', '01:00:5e:01:01:01'],
    ['225.1.1.1', '01:00:5e:01:01:01'],
    // 239.0.0.1 = 0xEF000001: low 23 bits 0x000001 (verified: shares 224.0.0.1's MAC).
    ['239.0.0.1', '01:00:5e:00:00:01'],
    // 224.128.0.1: second octet 0x80 loses its top bit (bit 23) -> 00:00:01.
    ['224.128.0.1', '01:00:5e:00:00:01'],
    // 239.255.255.250 (SSDP): 0x7F FF FA after dropping bit 23 of 0xFF.
    ['239.255.255.250', '01:00:5e:7f:ff:fa'],
    // 224.0.0.251 (mDNS): 00:00:fb.
    ['224.0.0.251', '01:00:5e:00:00:fb'],
  ])('%s -> %s', (group, mac) => {
    expect(ipv4GroupMac(parseIp(group))).toBe(mac);
    expect(groupMac(parseIp(group))).toBe(mac);
  });
});

describe('IPv6 group -> MAC (RFC 2464 7: 33-33 then the last four octets)', () => {
  it.each([
    ['ff02::1', '33:33:00:00:00:01'],
    ['ff02::2', '33:33:00:00:00:02'],
    ['ff02::1:ff00:2', '33:33:ff:00:00:02'],
    ['ff02::fb', '33:33:00:00:00:fb'],
    // ff05::1:3 (DHCPv6 servers): last four octets 00 01 00 03.
    ['ff05::1:3', '33:33:00:01:00:03'],
    // ff0e::dead:beef: scope does not matter, only the last 32 bits.
    ['ff0e::dead:beef', '33:33:de:ad:be:ef'],
  ])('%s -> %s', (group, mac) => {
    expect(ipv6GroupMac(parseIp(group))).toBe(mac);
    expect(groupMac(parseIp(group))).toBe(mac);
  });
});

describe('EUI-64 link-local (RFC 2464 4, RFC 4291 appendix A)', () => {
  it('34-56-78-9A-BC-DE -> interface id 36-56-78-FF-FE-9A-BC-DE (RFC 2464 section 4 example)', () => {
    // 0x34 ^ 0x02 (universal/local bit inverted) = 0x36; FF-FE inserted in the middle.
    expect(eui64LinkLocal(parseMac('34:56:78:9a:bc:de')).text).toBe('fe80::3656:78ff:fe9a:bcde');
  });
  it('a locally administered MAC loses the bit: 02:00:00:00:00:01 -> fe80::ff:fe00:1', () => {
    // 0x02 ^ 0x02 = 0x00: id 00-00-00-FF-FE-00-00-01 = ::ff:fe00:1.
    expect(eui64LinkLocal(parseMac('02:00:00:00:00:01')).text).toBe('fe80::ff:fe00:1');
  });
});

describe('solicited-node groups (RFC 4291 2.7.1: FF02::1:FF00:0/104 + low 24 bits)', () => {
  it('4037::01:800:200E:8C6C -> FF02::1:FF0E:8C6C (the RFC example)', () => {
    expect(solicitedNode(parseIp('4037::01:800:200E:8C6C')).text).toBe('ff02::1:ff0e:8c6c');
  });
  it('fe80::3656:78ff:fe9a:bcde -> ff02::1:ff9a:bcde, MAC 33:33:ff:9a:bc:de', () => {
    const g = solicitedNode(parseIp('fe80::3656:78ff:fe9a:bcde'));
    expect(g.text).toBe('ff02::1:ff9a:bcde');
    expect(groupMac(g)).toBe('33:33:ff:9a:bc:de');
  });
  it('two addresses with the same low 24 bits share the group', () => {
    expect(solicitedNode(parseIp('2001:db8::1:2')).text).toBe(solicitedNode(parseIp('fe80::abcd:1:2')).text);
  });
});

describe('IPv6 multicast scope (RFC 4291 2.7)', () => {
  it.each([
    ['ff01::1', 1],
    ['ff02::1', 2],
    ['ff05::1:3', 5],
    ['ff0e::1', 14],
  ])('%s has scope %i', (g, scope) => {
    expect(multicastScope(parseIp(g))).toBe(scope);
  });
});

describe('MAC and IP value types', () => {
  it('the group bit is the low bit of the first octet', () => {
    expect(isMulticastMac(parseMac('01:00:5e:00:00:01'))).toBe(true);
    expect(isMulticastMac(parseMac('33:33:00:00:00:01'))).toBe(true);
    expect(isMulticastMac(BROADCAST_MAC)).toBe(true);
    expect(isMulticastMac(parseMac('02:00:00:00:00:01'))).toBe(false);
    // ENC28J60 datasheet 5.1.2: 33-45-67-89-AB-CD is multicast, 32-45-67-89-AB-CD is not.
    expect(isMulticastMac(parseMac('33-45-67-89-AB-CD'))).toBe(true);
    expect(isMulticastMac(parseMac('32-45-67-89-AB-CD'))).toBe(false);
  });
  it('broadcast is ff:ff:ff:ff:ff:ff', () => {
    expect(BROADCAST_MAC).toBe('ff:ff:ff:ff:ff:ff');
    expect(isBroadcastMac(parseMac('FF-FF-FF-FF-FF-FF'))).toBe(true);
  });
  it('parses dashes and upper case into the canonical form and round-trips bytes', () => {
    const mac = parseMac('01-00-5E-7F-FF-FA');
    expect(mac).toBe('01:00:5e:7f:ff:fa');
    expect(Array.from(macBytes(mac))).toEqual([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa]);
    expect(macFromBytes([0x33, 0x33, 0xff, 0, 0, 1])).toBe('33:33:ff:00:00:01');
  });
  it.each(['01:00:5e:00:00', '01:00:5e:00:00:01:02', '01:00-5e:00:00:01', 'zz:00:5e:00:00:01', ''])(
    'rejects %j with an InputError naming it',
    (text) => {
      expect(() => parseMac(text, '/interfaces/0/mac')).toThrow(InputError);
      expect(() => parseMac(text, '/interfaces/0/mac')).toThrow(/^\/interfaces\/0\/mac: /);
    },
  );
  it.each(['224.0.0.300', '10.0.0.1/24', 'fe80::1%eth0', '::g', ''])('parseIp rejects %j', (text) => {
    expect(() => parseIp(text)).toThrow(InputError);
  });
  it('multicast ranges are 224.0.0.0/4 and ff00::/8', () => {
    expect(isMulticastIp(parseIp('224.0.0.0'))).toBe(true);
    expect(isMulticastIp(parseIp('239.255.255.255'))).toBe(true);
    expect(isMulticastIp(parseIp('223.255.255.255'))).toBe(false);
    expect(isMulticastIp(parseIp('240.0.0.0'))).toBe(false);
    expect(isMulticastIp(parseIp('ff00::'))).toBe(true);
    expect(isMulticastIp(parseIp('fe80::1'))).toBe(false);
  });
});
