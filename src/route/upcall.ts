// The messages the kernel queues on the mroute socket, byte for byte as read(2) returns them
// (net/ipv4/ipmr.c ipmr_cache_report, net/ipv6/ip6mr.c ip6mr_cache_report). Observed on Linux 6.18:
// an IPv4 NOCACHE is 28 bytes, an IPv6 one 80 bytes with struct mrt6msg in the first 40.
import type { IpAddr } from '../wire/index.ts';
import { addrBytes } from './address.ts';
import {
  IGMPMSG_NOCACHE,
  IGMPMSG_UPCALL_LEN,
  IGMPMSG_WHOLEPKT,
  IGMPMSG_WRVIFWHOLE,
  IGMPMSG_WRONGVIF,
  IPV4_HEADER_LEN,
  MRT6MSG_LEN,
  MRT6MSG_NOCACHE,
  MRT6MSG_UPCALL_LEN,
  MRT6MSG_WHOLEPKT,
  MRT6MSG_WRMIFWHOLE,
  MRT6MSG_WRONGMIF,
} from './limits.ts';
import type { RouteFamily, Upcall, UpcallType } from './types.ts';

const MSGTYPE: Readonly<Record<RouteFamily, Readonly<Record<UpcallType, number>>>> = {
  ipv4: { NOCACHE: IGMPMSG_NOCACHE, WRONGVIF: IGMPMSG_WRONGVIF, WHOLEPKT: IGMPMSG_WHOLEPKT, WRVIFWHOLE: IGMPMSG_WRVIFWHOLE },
  ipv6: { NOCACHE: MRT6MSG_NOCACHE, WRONGVIF: MRT6MSG_WRONGMIF, WHOLEPKT: MRT6MSG_WHOLEPKT, WRVIFWHOLE: MRT6MSG_WRMIFWHOLE },
};

/** The datagram an upcall is about (the model's datagrams carry no IP options and TOS 0). */
export interface UpcallSource {
  readonly id: string;
  readonly src: IpAddr;
  readonly group: IpAddr;
  readonly ttl: number;
  readonly length: number;
}

const range = (from: number, to: number): number[] => Array.from({ length: to - from }, (_, i) => from + i);

/**
 * struct igmpmsg overlays the copied IP header: unused1 (version/ihl, tos, tot_len = the message
 * length), unused2 (id, frag_off: the sender's), im_msgtype over the TTL, im_mbz over the protocol
 * (set 0), im_vif / im_vif_hi over the checksum, then im_src, im_dst. NOCACHE and WRONGVIF append a
 * struct igmphdr whose type is the msgtype and code 0; its csum and group are never written.
 */
function igmpmsg(type: UpcallType, vif: number, d: UpcallSource): Upcall {
  const msgtype = MSGTYPE.ipv4[type];
  // WRVIFWHOLE is laid out as WHOLEPKT, with the arrival vif (ipmr_cache_report).
  const whole = type === 'WHOLEPKT' || type === 'WRVIFWHOLE';
  const length = whole ? IPV4_HEADER_LEN + d.length : IGMPMSG_UPCALL_LEN;
  const bytes: (number | null)[] = new Array<number | null>(length).fill(null);
  bytes[0] = 0x45;
  bytes[1] = 0;
  bytes[2] = (length >> 8) & 0xff;
  bytes[3] = length & 0xff;
  bytes[8] = msgtype;
  bytes[9] = 0;
  bytes[10] = vif & 0xff;
  bytes[11] = (vif >> 8) & 0xff;
  addrBytes(d.src).forEach((b, i) => (bytes[12 + i] = b));
  addrBytes(d.group).forEach((b, i) => (bytes[16 + i] = b));
  let uninitialised: number[] = [];
  let fromSender = [4, 5, 6, 7];
  if (whole) {
    // The whole datagram follows its duplicated header (ipmr_cache_report IGMPMSG_WHOLEPKT).
    fromSender = [...fromSender, ...range(IPV4_HEADER_LEN, length)];
  } else {
    bytes[20] = msgtype;
    bytes[21] = 0;
    uninitialised = range(22, IGMPMSG_UPCALL_LEN);
  }
  return { family: 'ipv4', type, msgtype, vif, src: d.src.text, group: d.group.text, datagram: d.id, bytes, uninitialised, fromSender };
}

/** struct mrt6msg: im6_mbz, im6_msgtype, im6_mif (host-order u16), im6_pad, im6_src, im6_dst. */
function mrt6msg(type: UpcallType, mif: number, d: UpcallSource): Upcall {
  const msgtype = MSGTYPE.ipv6[type];
  const whole = type === 'WHOLEPKT' || type === 'WRVIFWHOLE';
  const length = whole ? MRT6MSG_LEN + d.length : MRT6MSG_UPCALL_LEN;
  const bytes: (number | null)[] = new Array<number | null>(length).fill(null);
  bytes[0] = 0;
  bytes[1] = msgtype;
  bytes[2] = mif & 0xff; // little-endian host (x86_64, aarch64)
  bytes[3] = (mif >> 8) & 0xff;
  for (let i = 4; i < 8; i++) bytes[i] = 0;
  addrBytes(d.src).forEach((b, i) => (bytes[8 + i] = b));
  addrBytes(d.group).forEach((b, i) => (bytes[24 + i] = b));
  const rest = range(MRT6MSG_LEN, length);
  return {
    family: 'ipv6',
    type,
    msgtype,
    vif: mif,
    src: d.src.text,
    group: d.group.text,
    datagram: d.id,
    bytes,
    uninitialised: whole ? [] : rest,
    fromSender: whole ? rest : [],
  };
}

export function makeUpcall(family: RouteFamily, type: UpcallType, vif: number, d: UpcallSource): Upcall {
  return family === 'ipv4' ? igmpmsg(type, vif, d) : mrt6msg(type, vif, d);
}

/** Parses the fields every comparison uses out of a message read from the mroute socket. */
export function parseUpcall(family: RouteFamily, raw: Uint8Array): { msgtype: number; vif: number; src: bigint; group: bigint } {
  const word = (from: number, n: number): bigint => {
    let v = 0n;
    for (let i = 0; i < n; i++) v = (v << 8n) | BigInt(raw[from + i] ?? 0);
    return v;
  };
  if (family === 'ipv4') {
    return { msgtype: raw[8] ?? -1, vif: (raw[10] ?? 0) | ((raw[11] ?? 0) << 8), src: word(12, 4), group: word(16, 4) };
  }
  return { msgtype: raw[1] ?? -1, vif: (raw[2] ?? 0) | ((raw[3] ?? 0) << 8), src: word(8, 16), group: word(24, 16) };
}
