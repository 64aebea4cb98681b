// Socket address structures for the multicast socket options, laid out as on Linux x86_64 /
// aarch64 (include/uapi/linux/in.h, in6.h, include/uapi/linux/socket.h).
import type { IpAddr } from '../wire/ip.ts';
import { AF_INET, AF_INET6 } from './ffi.ts';

const SOCKADDR_IN_SIZE = 16; // struct sockaddr_in
const SOCKADDR_IN6_SIZE = 28; // struct sockaddr_in6
const SOCKADDR_STORAGE_SIZE = 128; // _K_SS_MAXSIZE, include/uapi/linux/socket.h
// struct group_req / group_source_req: __u32 interface, then 8-byte aligned sockaddr_storage.
const GROUP_REQ_ADDR_OFFSET = 8;

/** The address in network byte order (4 or 16 bytes). */
export function ipBytes(ip: IpAddr): Buffer {
  const len = ip.family === 'ipv4' ? 4 : 16;
  const b = Buffer.alloc(len);
  let v = ip.value;
  for (let i = len - 1; i >= 0; i--) {
    b[i] = Number(v & 0xffn);
    v >>= 8n;
  }
  return b;
}

/** struct sockaddr_in or sockaddr_in6 for `ip`:`port` (scopeId for link-scoped IPv6). */
export function sockaddr(ip: IpAddr, port = 0, scopeId = 0): Buffer {
  if (ip.family === 'ipv4') {
    const b = Buffer.alloc(SOCKADDR_IN_SIZE);
    b.writeUInt16LE(AF_INET, 0);
    b.writeUInt16BE(port, 2);
    ipBytes(ip).copy(b, 4);
    return b;
  }
  const b = Buffer.alloc(SOCKADDR_IN6_SIZE);
  b.writeUInt16LE(AF_INET6, 0);
  b.writeUInt16BE(port, 2);
  ipBytes(ip).copy(b, 8);
  b.writeUInt32LE(scopeId, 24);
  return b;
}

/** struct group_req { interface; group } for MCAST_JOIN_GROUP / MCAST_LEAVE_GROUP. */
export function groupReq(ifindex: number, group: IpAddr): Buffer {
  const b = Buffer.alloc(GROUP_REQ_ADDR_OFFSET + SOCKADDR_STORAGE_SIZE);
  b.writeUInt32LE(ifindex, 0);
  sockaddr(group).copy(b, GROUP_REQ_ADDR_OFFSET);
  return b;
}

/** struct group_source_req { interface; group; source } for MCAST_JOIN_SOURCE_GROUP / MCAST_BLOCK_SOURCE. */
export function groupSourceReq(ifindex: number, group: IpAddr, source: IpAddr): Buffer {
  const b = Buffer.alloc(GROUP_REQ_ADDR_OFFSET + 2 * SOCKADDR_STORAGE_SIZE);
  b.writeUInt32LE(ifindex, 0);
  sockaddr(group).copy(b, GROUP_REQ_ADDR_OFFSET);
  sockaddr(source).copy(b, GROUP_REQ_ADDR_OFFSET + SOCKADDR_STORAGE_SIZE);
  return b;
}
