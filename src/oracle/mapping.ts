// Group -> MAC and the automatic IPv6 groups, written for the oracle alone.
import { macText } from './address.ts';

/** include/net/ip.h ip_eth_mc_map: 01:00:5e, a zero bit, then the low 23 bits of the group. */
export function ipv4GroupMac(group: bigint): string {
  const low23 = group % 0x800000n;
  return macText([0x01, 0x00, 0x5e, ...octets(low23, 3)]);
}

/** include/net/addrconf.h ipv6_eth_mc_map: 33:33, then the low 32 bits of the group. */
export function ipv6GroupMac(group: bigint): string {
  const low32 = group % 0x100000000n;
  return macText([0x33, 0x33, ...octets(low32, 4)]);
}

function octets(value: bigint, count: number): number[] {
  const out: number[] = [];
  let v = value;
  for (let i = 0; i < count; i++) {
    out.unshift(Number(v % 256n));
    v /= 256n;
  }
  return out;
}

/** ff02::1:ff00:0/104 (include/net/addrconf.h addrconf_addr_solict_mult): low 24 bits kept. */
export function solicitedNodeGroup(address: bigint): bigint {
  const prefix = BigInt('0x' + 'ff02' + '0000'.repeat(4) + '0001' + 'ff00' + '0000');
  return prefix + (address % 0x1000000n);
}

/** fe80::/64 with the modified EUI-64 of the MAC, U/L bit flipped (addrconf_ifid_eui48). */
export function eui64LinkLocal(mac: readonly number[]): bigint {
  const [a, b, c, d, e, f] = mac as [number, number, number, number, number, number];
  const iid = [a ^ 0x02, b, c, 0xff, 0xfe, d, e, f];
  let value = 0xfe80n;
  for (let i = 0; i < 3; i++) value *= 0x10000n; // fe80:0:0:0
  for (const byte of iid) value = value * 256n + BigInt(byte);
  return value;
}

/** ff02::1, all nodes (include/net/addrconf.h IPV6_ADDR_LINKLOCAL_ALLNODES_INIT). */
export const IPV6_ALL_NODES = BigInt('0xff02' + '0000'.repeat(6) + '0001');
/** ff01::1, interface-local all nodes (ipv6_add_dev joins it too). */
export const IPV6_NODE_LOCAL_ALL_NODES = BigInt('0xff01' + '0000'.repeat(6) + '0001');
/** 224.0.0.1, all hosts (include/linux/igmp.h IGMP_ALL_HOSTS, joined by ip_mc_up). */
export const IPV4_ALL_HOSTS = (224n << 24n) + 1n;
