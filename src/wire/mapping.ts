// IP multicast group -> Ethernet multicast MAC.
import { type Mac, macFromBytes } from './mac.ts';
import type { IpAddr } from './ip.ts';

/** include/net/ip.h ip_eth_mc_map: 01:00:5e, then the low 23 bits of the group. */
export function ipv4GroupMac(group: IpAddr): Mac {
  const v = Number(group.value & 0x7fffffn);
  return macFromBytes([0x01, 0x00, 0x5e, (v >> 16) & 0x7f, (v >> 8) & 0xff, v & 0xff]);
}

/** include/net/addrconf.h ipv6_eth_mc_map: 33:33, then the low 32 bits of the group. */
export function ipv6GroupMac(group: IpAddr): Mac {
  const v = Number(group.value & 0xffffffffn);
  return macFromBytes([0x33, 0x33, (v >>> 24) & 0xff, (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
}

export function groupMac(group: IpAddr): Mac {
  return group.family === 'ipv4' ? ipv4GroupMac(group) : ipv6GroupMac(group);
}
