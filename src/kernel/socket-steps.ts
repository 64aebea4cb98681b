// The socket and device steps of a scenario on live kernel sockets in a namespace: open (with
// SO_REUSEADDR), join / leave (MCAST_JOIN_GROUP, source filters), close, `ip maddr` (SIOCADDMULTI /
// SIOCDELMULTI) and the PROMISC / ALLMULTI user flags (SIOCSIFFLAGS). Shared by the veth runner
// (runner.ts) and the tap exception-path bench (tap-relay-bench.ts).
import type { CloseStep, FlagStep, JoinStep, LeaveStep, MaddrStep, OpenStep } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { macBytes, parseMac } from '../wire/mac.ts';
import {
  AF_INET,
  AF_INET6,
  IFF_ALLMULTI,
  IFF_PROMISC,
  IPPROTO_IP,
  IPPROTO_IPV6,
  MCAST_BLOCK_SOURCE,
  MCAST_JOIN_GROUP,
  MCAST_JOIN_SOURCE_GROUP,
  MCAST_LEAVE_GROUP,
  SIOCADDMULTI,
  SIOCDELMULTI,
  SIOCGIFFLAGS,
  SIOCSIFFLAGS,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOL_SOCKET,
  SO_REUSEADDR,
  type SysResult,
  bind,
  close,
  ifreq,
  ioctl,
  recvNow,
  setsockopt,
  setsockoptInt,
  socket,
} from '../sys/ffi.ts';
import { inNamespace } from '../sys/netns.ts';
import { groupReq, groupSourceReq, sockaddr } from '../sys/sockaddr.ts';

/** The payload prefix of every scenario datagram: the rest is the send step's id. */
export const DATAGRAM_TAG = 'mtb-dgram:';

export interface KernelSocket {
  readonly fd: number;
  readonly family: 'ipv4' | 'ipv6';
}

export interface SocketStepContext {
  /** The namespace the sockets live in. */
  readonly ns: string;
  /** An AF_INET socket of that namespace for the device ioctls. */
  readonly helperFd: number;
  /** The ifindex of a scenario interface (throws InputError at `where` for an unknown one). */
  ifindex(name: string, where: string): number;
}

export type SocketStep = OpenStep | JoinStep | LeaveStep | CloseStep | MaddrStep | FlagStep;

function errnoOf(r: SysResult<number>): string | null {
  return r.ok ? null : r.errno;
}

/** Runs one socket or device step; returns the errno name the kernel gave, or null. */
export function applySocketStep(step: SocketStep, where: string, ctx: SocketStepContext, sockets: Map<string, KernelSocket>): string | null {
  switch (step.op) {
    case 'open': {
      const addr = parseIp(step.bind, `${where}/bind`);
      const domain = step.family === 'ipv4' ? AF_INET : AF_INET6;
      const fd = inNamespace(ctx.ns, () => socket(domain, SOCK_DGRAM | SOCK_NONBLOCK, 0));
      if (!fd.ok) return fd.errno;
      sockets.set(step.socket, { fd: fd.value, family: step.family });
      const reuse = setsockoptInt(fd.value, SOL_SOCKET, SO_REUSEADDR, 1);
      if (!reuse.ok) return reuse.errno;
      // No scope id: the scenario names no interface for a bind. A link-scoped IPv6 address then
      // gives EINVAL (net/ipv6/af_inet6.c __inet6_bind: "Binding to link-local address requires
      // an interface") and the socket stays open, unbound, as in a program that ignores the error.
      return errnoOf(bind(fd.value, sockaddr(addr, step.port)));
    }
    case 'join': {
      const s = sockets.get(step.socket);
      if (!s) return 'EBADF';
      const group = parseIp(step.group, `${where}/group`);
      const ifindex = ctx.ifindex(step.iface, `${where}/iface`);
      const level = s.family === 'ipv4' ? IPPROTO_IP : IPPROTO_IPV6;
      const sources = (step.sources ?? []).map((t, k) => parseIp(t, `${where}/sources/${k}`));
      if (step.mode === 'include') {
        for (const src of sources) {
          const e = errnoOf(setsockopt(s.fd, level, MCAST_JOIN_SOURCE_GROUP, groupSourceReq(ifindex, group, src)));
          if (e) return e;
        }
        return null;
      }
      const e = errnoOf(setsockopt(s.fd, level, MCAST_JOIN_GROUP, groupReq(ifindex, group)));
      if (e || step.mode !== 'exclude') return e;
      for (const src of sources) {
        const b = errnoOf(setsockopt(s.fd, level, MCAST_BLOCK_SOURCE, groupSourceReq(ifindex, group, src)));
        if (b) return b;
      }
      return null;
    }
    case 'leave': {
      const s = sockets.get(step.socket);
      if (!s) return 'EBADF';
      const group = parseIp(step.group, `${where}/group`);
      const ifindex = ctx.ifindex(step.iface, `${where}/iface`);
      const level = s.family === 'ipv4' ? IPPROTO_IP : IPPROTO_IPV6;
      return errnoOf(setsockopt(s.fd, level, MCAST_LEAVE_GROUP, groupReq(ifindex, group)));
    }
    case 'close': {
      const s = sockets.get(step.socket);
      if (!s) return 'EBADF';
      close(s.fd);
      sockets.delete(step.socket);
      return null;
    }
    case 'maddr': {
      const ifindex = ctx.ifindex(step.iface, `${where}/iface`);
      const mac = parseMac(step.mac, `${where}/mac`);
      // iproute2 ip/ipmaddr.c multiaddr_modify: SIOCADDMULTI/SIOCDELMULTI with ifr_hwaddr.
      const req = ifreq(step.iface);
      Buffer.from(macBytes(mac)).copy(req, 16 + 2);
      return errnoOf(ioctl(ctx.helperFd, step.add ? SIOCADDMULTI : SIOCDELMULTI, req));
    }
    case 'promisc':
    case 'allmulti': {
      const ifindex = ctx.ifindex(step.iface, `${where}/iface`);
      // SIOCSIFFLAGS and `ip link set ... promisc|allmulticast` both end in dev_change_flags
      // (net/core/dev_ioctl.c, net/core/rtnetlink.c do_setlink); the flag is a user flag (gflags).
      const req = ifreq(step.iface);
      const g = errnoOf(ioctl(ctx.helperFd, SIOCGIFFLAGS, req));
      if (g) return g;
      const bit = step.op === 'promisc' ? IFF_PROMISC : IFF_ALLMULTI;
      const flags = req.readUInt16LE(16);
      req.writeUInt16LE(step.on ? flags | bit : flags & ~bit, 16);
      return errnoOf(ioctl(ctx.helperFd, SIOCSIFFLAGS, req));
    }
  }
}

/** Reads every scenario datagram queued on the sockets into `received` (send id -> socket ids). */
export function drainSockets(sockets: ReadonlyMap<string, KernelSocket>, received: Map<string, Set<string>>): void {
  for (const [id, s] of sockets) {
    for (let d = recvNow(s.fd); d; d = recvNow(s.fd)) {
      const text = d.toString('latin1');
      if (!text.startsWith(DATAGRAM_TAG)) continue;
      const sendId = text.slice(DATAGRAM_TAG.length);
      const set = received.get(sendId) ?? new Set<string>();
      set.add(id);
      received.set(sendId, set);
    }
  }
}
