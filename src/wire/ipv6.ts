// IPv6 multicast helpers: scope, solicited-node group, EUI-64 link-local.
import { type Mac, macBytes } from './mac.ts';
import { type IpAddr, ipFromValue } from './ip.ts';

/** The 4-bit scope field of an IPv6 multicast address (include/net/ipv6.h IPV6_ADDR_MC_SCOPE). */
export function multicastScope(group: IpAddr): number {
  // The top 16 bits as a number, then the low 4 of them: one bigint shift, no bigint mask.
  return Number(group.value >> 112n) & 0xf;
}

const SOLICITED_NODE_PREFIX = 0xff0200000000000000000001ff000000n;

/** ff02::1:ff00:0 | low 24 bits (include/net/addrconf.h addrconf_addr_solict_mult). */
export function solicitedNode(addr: IpAddr): IpAddr {
  return ipFromValue('ipv6', SOLICITED_NODE_PREFIX | (addr.value & 0xffffffn));
}

/** fe80::/64 + modified EUI-64 of the MAC (net/ipv6/addrconf.c addrconf_ifid_eui48). */
export function eui64LinkLocal(mac: Mac): IpAddr {
  const b = macBytes(mac);
  const id = [(b[0] as number) ^ 0x02, b[1], b[2], 0xff, 0xfe, b[3], b[4], b[5]] as number[];
  let iid = 0n;
  for (const byte of id) iid = (iid << 8n) | BigInt(byte);
  return ipFromValue('ipv6', (0xfe80n << 112n) | iid);
}
