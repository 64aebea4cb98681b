// The structures the routing differential hands to the kernel and reads back: struct vifctl /
// mif6ctl, struct mfcctl / mf6cctl (include/uapi/linux/mroute.h, mroute6.h) and the forwarded
// copies captured on the host side, and the calls that send one scenario datagram.
import { AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_IPV6, SOCK_DGRAM } from '../sys/ffi.ts';
import { ETH_P_IP, ETH_P_IPV6 } from '../sys/frames.ts';
import type { HostCall } from '../sys/kernel-host.ts';
import { sockaddr } from '../sys/sockaddr.ts';
import { parseIp } from '../wire/index.ts';
import type { RouteFamily, RouteOp } from '../route/types.ts';

const IPPROTO_UDP = 17; // include/uapi/linux/in.h
const VIFF_REGISTER = 0x4; // include/uapi/linux/mroute.h
const VIFF_USE_IFINDEX = 0x8; // include/uapi/linux/mroute.h
const MIFF_REGISTER = 0x1; // include/uapi/linux/mroute6.h
/** An ifindex no device has: MRT_ADD_VIF answers EADDRNOTAVAIL (vif_add dev_get_by_index). */
const NO_SUCH_IFINDEX = 999;
export const ROUTE_DIFF_PORT = 5000;
const IP_MULTICAST_IF = 32; // include/uapi/linux/in.h
const IP_MULTICAST_TTL = 33; // include/uapi/linux/in.h
const IP_MULTICAST_LOOP = 34; // include/uapi/linux/in.h
const IPV6_MULTICAST_IF = 17; // include/uapi/linux/in6.h
const IPV6_MULTICAST_HOPS = 18; // include/uapi/linux/in6.h
const IPV6_MULTICAST_LOOP = 19; // include/uapi/linux/in6.h
/** The sender socket's handle on the KernelHost. */
const SENDER = 'tx';

const int32 = (v: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeInt32LE(v);
  return b;
};

/**
 * A UDP datagram from the host namespace `ns`: bound to `src`, out of the host end `ifindex` with
 * the TTL, no loopback, payload = id padded to the datagram's length; the socket is closed after.
 */
export function senderCalls(op: Extract<RouteOp, { op: 'send' }>, ns: string, ifindex: number): HostCall[] {
  const family: RouteFamily = op.group.includes(':') ? 'ipv6' : 'ipv4';
  const header = family === 'ipv4' ? 28 : 48;
  const payload = Buffer.alloc(Math.max(op.length - header, op.id.length + 1));
  payload.write(op.id, 'latin1');
  const opt = (level: number, name: number, value: Buffer): HostCall => ({ call: 'setsockopt', handle: SENDER, level, name, value });
  const mreqn = Buffer.alloc(12); // struct ip_mreqn: imr_ifindex at offset 8
  mreqn.writeInt32LE(ifindex, 8);
  return [
    { call: 'socket', ns, handle: SENDER, domain: family === 'ipv4' ? AF_INET : AF_INET6, type: SOCK_DGRAM, protocol: 0 },
    { call: 'bind', handle: SENDER, addr: sockaddr(parseIp(op.src), 0) },
    ...(family === 'ipv4'
      ? [opt(IPPROTO_IP, IP_MULTICAST_IF, mreqn), opt(IPPROTO_IP, IP_MULTICAST_TTL, int32(op.ttl)), opt(IPPROTO_IP, IP_MULTICAST_LOOP, int32(0))]
      : [opt(IPPROTO_IPV6, IPV6_MULTICAST_IF, int32(ifindex)), opt(IPPROTO_IPV6, IPV6_MULTICAST_HOPS, int32(op.ttl)), opt(IPPROTO_IPV6, IPV6_MULTICAST_LOOP, int32(0))]),
    { call: 'sendto', handle: SENDER, data: payload, addr: sockaddr(parseIp(op.group), ROUTE_DIFF_PORT) },
    { call: 'close', handle: SENDER },
  ];
}

/** struct vifctl (16 bytes) / struct mif6ctl (12 bytes); MRT6_DEL_MIF takes a mifi_t. */
export function vifctl(family: RouteFamily, op: Extract<RouteOp, { op: 'vif-add' | 'vif-del' }>, ifindexOf: (name: string) => number | undefined): Buffer {
  const register = op.op === 'vif-add' && op.register === true;
  const ifindex = op.op === 'vif-add' && !register ? (ifindexOf(op.iface ?? '') ?? NO_SUCH_IFINDEX) : 0;
  if (family === 'ipv6' && op.op === 'vif-del') {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(op.vif & 0xffff);
    return b;
  }
  const threshold = op.op === 'vif-add' ? (op.threshold ?? 1) : 1;
  if (family === 'ipv4') {
    const local = op.op === 'vif-add' ? op.local : undefined;
    const byIndex = !register && (op.op === 'vif-del' || op.iface !== undefined);
    const b = Buffer.alloc(16);
    b.writeUInt16LE(op.vif & 0xffff, 0);
    // vifc_flags: VIFF_REGISTER, VIFF_USE_IFINDEX, or 0 (by local address: ip_dev_find).
    b[2] = register ? VIFF_REGISTER : byIndex ? VIFF_USE_IFINDEX : 0;
    b[3] = threshold & 0xff; // vifc_threshold
    // The union vifc_lcl_addr / vifc_lcl_ifindex at offset 8.
    if (byIndex) b.writeInt32LE(ifindex, 8);
    else if (local !== undefined) b.writeUInt32BE(Number(parseIp(local).value), 8);
    return b;
  }
  const b = Buffer.alloc(12);
  b.writeUInt16LE(op.vif & 0xffff, 0);
  b[2] = register ? MIFF_REGISTER : 0;
  b[3] = threshold & 0xff;
  b.writeUInt16LE(ifindex, 4);
  return b;
}


/** struct mfcctl (60 bytes) / struct mf6cctl (92 bytes: two sockaddr_in6, mifi_t, if_set). */
export function mfcctl(family: RouteFamily, op: Extract<RouteOp, { op: 'mfc-add' | 'mfc-del' }>): Buffer {
  const origin = parseIp(op.origin);
  const group = parseIp(op.group);
  const parent = (op.parent ?? 0) & 0xffff;
  if (family === 'ipv4') {
    const b = Buffer.alloc(60);
    b.writeUInt32BE(Number(origin.value), 0);
    b.writeUInt32BE(Number(group.value), 4);
    b.writeUInt16LE(parent, 8);
    if (op.op === 'mfc-add') (op.ttls ?? []).slice(0, 32).forEach((t, v) => (b[10 + v] = t & 0xff));
    return b;
  }
  const b = Buffer.alloc(92);
  sockaddr(origin, 0).copy(b, 0);
  sockaddr(group, 0).copy(b, 28);
  b.writeUInt16LE(parent, 56);
  if (op.op === 'mfc-add') {
    for (const v of op.oifs ?? []) if (v >= 0 && v < 256) b.writeUInt32LE((b.readUInt32LE(60 + 4 * (v >> 5)) | (1 << (v & 31))) >>> 0, 60 + 4 * (v >> 5));
  }
  return b;
}

/** A captured frame the router forwarded: its id (payload up to the first NUL) and TTL / hop limit. */
export function parseCopy(f: Buffer, routerMac: string): { id: string; ttl: number } | null {
  if (f.length < 14) return null;
  const src = [...f.subarray(6, 12)].map((b) => b.toString(16).padStart(2, '0')).join(':');
  if (src !== routerMac) return null;
  const type = f.readUInt16BE(12);
  let ttl: number;
  let udp: number;
  if (type === ETH_P_IP) {
    if (f[23] !== IPPROTO_UDP) return null;
    ttl = f[22] ?? -1;
    udp = 14 + ((f[14] ?? 0x45) & 0xf) * 4;
  } else if (type === ETH_P_IPV6) {
    if (f[20] !== IPPROTO_UDP) return null;
    ttl = f[21] ?? -1;
    udp = 54;
  } else return null;
  if (f.length < udp + 8 || f.readUInt16BE(udp + 2) !== ROUTE_DIFF_PORT) return null;
  const payload = f.subarray(udp + 8);
  const end = payload.indexOf(0);
  return { id: payload.subarray(0, end < 0 ? payload.length : end).toString('latin1'), ttl };
}
