// Ethernet frames a backend puts on the wire: UDP datagrams to a group (IPv4/IPv6),
// raw probe frames and barrier frames. Built by hand so that the sender needs no routes.
import type { IpAddr } from '../wire/ip.ts';
import { type Mac, macBytes } from '../wire/mac.ts';
import { ipBytes } from './sockaddr.ts';

export const ETH_P_IP = 0x0800; // include/uapi/linux/if_ether.h
export const ETH_P_IPV6 = 0x86dd; // include/uapi/linux/if_ether.h
/** IEEE 802 local experimental EtherType 1: no protocol handler, so frames end at packet taps. */
export const ETH_P_802_EX1 = 0x88b5; // include/uapi/linux/if_ether.h
const IPPROTO_UDP = 17; // include/uapi/linux/in.h
const SENDER_PORT = 40000;

/** RFC 1071 one's-complement sum over the buffers, folded and inverted. */
export function inetChecksum(parts: readonly Buffer[]): number {
  let sum = 0;
  for (const p of parts) {
    for (let i = 0; i < p.length; i += 2) sum += ((p[i] as number) << 8) | (i + 1 < p.length ? (p[i + 1] as number) : 0);
  }
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ethernet(dst: Mac, src: Mac, type: number, payload: Buffer): Buffer {
  const h = Buffer.alloc(14);
  Buffer.from(macBytes(dst)).copy(h, 0);
  Buffer.from(macBytes(src)).copy(h, 6);
  h.writeUInt16BE(type, 12);
  return Buffer.concat([h, payload]);
}

/** A UDP datagram from `src` to group `dst`:`port`, in a frame to `dstMac`. */
export function udpFrame(dstMac: Mac, srcMac: Mac, src: IpAddr, dst: IpAddr, port: number, data: Buffer): Buffer {
  const udp = Buffer.alloc(8);
  udp.writeUInt16BE(SENDER_PORT, 0);
  udp.writeUInt16BE(port, 2);
  udp.writeUInt16BE(8 + data.length, 4);
  const s = ipBytes(src);
  const d = ipBytes(dst);
  if (src.family === 'ipv4') {
    // UDP checksum 0 = none (RFC 768), accepted by net/ipv4/udp.c.
    const ipHeader = Buffer.alloc(20);
    ipHeader[0] = 0x45;
    ipHeader.writeUInt16BE(20 + 8 + data.length, 2);
    ipHeader[8] = 1; // TTL
    ipHeader[9] = IPPROTO_UDP;
    s.copy(ipHeader, 12);
    d.copy(ipHeader, 16);
    ipHeader.writeUInt16BE(inetChecksum([ipHeader]), 10);
    return ethernet(dstMac, srcMac, ETH_P_IP, Buffer.concat([ipHeader, udp, data]));
  }
  // IPv6 UDP needs a checksum over the pseudo-header (RFC 8200 section 8.1).
  const pseudo = Buffer.alloc(40);
  s.copy(pseudo, 0);
  d.copy(pseudo, 16);
  pseudo.writeUInt32BE(8 + data.length, 32);
  pseudo[39] = IPPROTO_UDP;
  const sum = inetChecksum([pseudo, udp, data.length % 2 ? Buffer.concat([data, Buffer.alloc(1)]) : data]);
  udp.writeUInt16BE(sum === 0 ? 0xffff : sum, 6);
  const ipHeader = Buffer.alloc(40);
  ipHeader.writeUInt32BE(0x60000000, 0);
  ipHeader.writeUInt16BE(8 + data.length, 4);
  ipHeader[6] = IPPROTO_UDP;
  ipHeader[7] = 1; // hop limit
  s.copy(ipHeader, 8);
  d.copy(ipHeader, 24);
  return ethernet(dstMac, srcMac, ETH_P_IPV6, Buffer.concat([ipHeader, udp, data]));
}

/** A frame of the local experimental EtherType carrying `data` (probes and barriers). */
export function rawFrame(dstMac: Mac, srcMac: Mac, data: Buffer): Buffer {
  const body = Buffer.alloc(Math.max(46, data.length));
  data.copy(body);
  return ethernet(dstMac, srcMac, ETH_P_802_EX1, body);
}

/** The payload of a raw frame, without Ethernet padding: up to the first NUL. */
export function rawPayload(frame: Buffer): string | null {
  if (frame.length < 14 || frame.readUInt16BE(12) !== ETH_P_802_EX1) return null;
  const body = frame.subarray(14);
  const end = body.indexOf(0);
  return body.subarray(0, end < 0 ? body.length : end).toString('latin1');
}

/** struct sockaddr_ll for sendto/bind on an AF_PACKET socket (include/uapi/linux/if_packet.h). */
export function sockaddrLl(ifindex: number, protocol: number, dst?: Mac): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt16LE(17, 0); // AF_PACKET
  b.writeUInt16BE(protocol, 2);
  b.writeInt32LE(ifindex, 4);
  if (dst) {
    b[11] = 6;
    Buffer.from(macBytes(dst)).copy(b, 12);
  }
  return b;
}
