// IP multicast group -> Ethernet multicast MAC.
import { type Mac, macAt } from './mac.ts';
import type { IpAddr } from './ip.ts';

/** The six bytes of the MAC being built (no array per group). */
const BYTES = new Uint8Array(6);

/** include/net/ip.h ip_eth_mc_map: 01:00:5e, then the low 23 bits of the group. */
export function ipv4GroupMac(group: IpAddr): Mac {
  const v = Number(BigInt.asUintN(23, group.value));
  BYTES[0] = 0x01;
  BYTES[1] = 0x00;
  BYTES[2] = 0x5e;
  BYTES[3] = (v >> 16) & 0x7f;
  BYTES[4] = (v >> 8) & 0xff;
  BYTES[5] = v & 0xff;
  return macAt(BYTES, 0);
}

/** include/net/addrconf.h ipv6_eth_mc_map: 33:33, then the low 32 bits of the group. */
export function ipv6GroupMac(group: IpAddr): Mac {
  const v = Number(BigInt.asUintN(32, group.value));
  BYTES[0] = 0x33;
  BYTES[1] = 0x33;
  BYTES[2] = (v >>> 24) & 0xff;
  BYTES[3] = (v >> 16) & 0xff;
  BYTES[4] = (v >> 8) & 0xff;
  BYTES[5] = v & 0xff;
  return macAt(BYTES, 0);
}

export function groupMac(group: IpAddr): Mac {
  return group.family === 'ipv4' ? ipv4GroupMac(group) : ipv6GroupMac(group);
}
