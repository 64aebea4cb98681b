// The live-kernel side of the routing differential: a router namespace (eth0..eth2) and a host
// namespace (h0..h2) joined by veth pairs; MRT socket options through koffi in the router; UDP
// datagrams sent from the host namespace with a chosen TTL and source; forwarded copies captured
// on the host ends with AF_PACKET; upcalls read from the router's raw sockets; /proc and allmulti
// read back. Namespaces come from netns.ts (unique mtb- names, removed on exit and on signals).
import { readFileSync, writeFileSync } from 'node:fs';
import {
  AF_INET,
  AF_INET6,
  AF_PACKET,
  IPPROTO_IP,
  IPPROTO_IPV6,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  bind,
  close,
  must,
  pinToOneCpu,
  recvNow,
  sendto,
  setsockopt,
  socket,
} from '../sys/ffi.ts';
import { sockaddrLl } from '../sys/frames.ts';
import { ROUTE_DIFF_PORT, mfcctl, parseCopy, vifctl } from './route-structs.ts';
import { KernelEnvError, createNamespace, deleteNamespace, inNamespace, ip } from '../sys/netns.ts';
import { sockaddr } from '../sys/sockaddr.ts';
import { parseIp } from '../wire/index.ts';
import type { RouteFamily, RouteOp } from '../route/types.ts';

const IPPROTO_IGMP = 2; // include/uapi/linux/in.h
const IPPROTO_ICMPV6 = 58; // include/uapi/linux/in6.h
const ETH_P_ALL = 0x0003; // include/uapi/linux/if_ether.h
const ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL) on a little-endian host, as socket(2) wants it
const MRT_INIT = 200; // include/uapi/linux/mroute.h (MRT6_INIT in mroute6.h has the same value)
const MRT_DONE = 201;
const MRT_ADD_VIF = 202; // MRT6_ADD_MIF
const MRT_DEL_VIF = 203; // MRT6_DEL_MIF
const MRT_ADD_MFC = 204;
const MRT_DEL_MFC = 205;
const MRT_VERSION = 206; // MRT6_VERSION too; readable only
const MRT_ASSERT = 207;
const MRT_PIM = 208; // MRT6_PIM too
const MRT_FLUSH = 212; // include/uapi/linux/mroute.h MRT_BASE + 12
const MRT_FLUSH_ALL = 0xf; // MRT_FLUSH_MFC | _MFC_STATIC | _VIFS | _VIFS_STATIC
const IP_MULTICAST_IF = 32; // include/uapi/linux/in.h
const IP_MULTICAST_TTL = 33;
const IP_MULTICAST_LOOP = 34;
const IPV6_MULTICAST_IF = 17; // include/uapi/linux/in6.h
const IPV6_MULTICAST_HOPS = 18;
const IPV6_MULTICAST_LOOP = 19;
const MROUTE_WAIT_MS = 5_000;
/** The router's interfaces; the host side of each pair is h<N>. */
export const ROUTER_IFACES = ['eth0', 'eth1', 'eth2'] as const;

export interface KernelCopy {
  readonly id: string;
  readonly iface: string;
  readonly ttl: number;
}
export interface KernelUpcall {
  readonly family: RouteFamily;
  readonly raw: Buffer;
}
export interface KernelOpResult {
  readonly error: string | null;
  readonly copies: KernelCopy[];
  readonly upcalls: KernelUpcall[];
}
export interface KernelRouteState {
  readonly proc: Record<'ip_mr_vif' | 'ip_mr_cache' | 'ip6_mr_vif' | 'ip6_mr_cache', string>;
  readonly allmulti: Record<string, number>;
}

const int = (v: number, len = 4): Buffer => {
  const b = Buffer.alloc(Math.max(len, 0));
  if (len >= 4) b.writeInt32LE(v);
  return b;
};

export class RouteBench {
  readonly routerNs = createNamespace();
  readonly hostNs = createNamespace();
  readonly ifindex = new Map<string, number>();
  private readonly routerMac = new Map<string, string>();
  private readonly captures = new Map<string, number>();
  private readonly sockets = new Map<string, { fd: number; family: RouteFamily }>();
  /** Router interfaces deleted by the running scenario (recreated by reset). */
  private readonly deleted = new Set<string>();

  constructor() {
    try {
      for (const ns of [this.routerNs, this.hostNs]) {
        ip(['-n', ns, 'link', 'set', 'lo', 'up']);
      }
      sysctl(this.routerNs, ['net.ipv6.conf.default.accept_dad=0', 'net.ipv4.conf.all.rp_filter=0', 'net.ipv4.conf.default.rp_filter=0']);
      sysctl(this.hostNs, ['net.ipv6.conf.default.accept_dad=0']);
      ROUTER_IFACES.forEach((r, i) => this.addPair(i));
      this.awaitMulticastRoutes(ROUTER_IFACES);
      for (const r of ROUTER_IFACES) this.learn(r);
    } catch (e) {
      this.dispose();
      throw e;
    }
  }

  /** The veth pair eth<i> (router) / h<i> (host) with both families' addresses, up; `index` pins eth<i>'s ifindex. */
  private addPair(i: number, index?: number): void {
    const r = `eth${i}`;
    const h = `h${i}`;
    ip(['-n', this.routerNs, 'link', 'add', r, ...(index === undefined ? [] : ['index', String(index)]), 'type', 'veth', 'peer', 'name', h, 'netns', this.hostNs]);
    ip(['-n', this.routerNs, 'addr', 'add', `10.0.${i}.1/24`, 'dev', r]);
    ip(['-n', this.routerNs, 'addr', 'add', `2001:db8:${i}::1/64`, 'dev', r, 'nodad']);
    ip(['-n', this.hostNs, 'addr', 'add', `10.0.${i}.2/24`, 'dev', h]);
    ip(['-n', this.hostNs, 'addr', 'add', `2001:db8:${i}::2/64`, 'dev', h, 'nodad']);
    ip(['-n', this.routerNs, 'link', 'set', r, 'up']);
    ip(['-n', this.hostNs, 'link', 'set', h, 'up']);
  }

  /** Reads eth<i>'s ifindex and MAC and opens the capture on h<i>. */
  private learn(r: string): void {
    const h = `h${r.slice(3)}`;
    const [link] = JSON.parse(ip(['-n', this.routerNs, '-j', 'link', 'show', 'dev', r])) as { ifindex: number; address: string }[];
    const [host] = JSON.parse(ip(['-n', this.hostNs, '-j', 'link', 'show', 'dev', h])) as { ifindex: number }[];
    if (!link || !host) throw new KernelEnvError(`${r} or ${h} is missing after it was created`);
    this.ifindex.set(r, link.ifindex);
    this.routerMac.set(r, link.address);
    this.ifindex.set(h, host.ifindex);
    inNamespace(this.hostNs, () => {
      const fd = must('socket(AF_PACKET)', socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, ETH_P_ALL_BE));
      must('bind(AF_PACKET)', bind(fd, sockaddrLl(host.ifindex, ETH_P_ALL)));
      this.captures.set(r, fd);
    });
  }

  /** `ip link del eth<i>`: the pair goes (and with it the vifs on eth<i>); reset() brings it back with its ifindex. */
  private linkDel(r: string): string | null {
    if (this.deleted.has(r) || !(ROUTER_IFACES as readonly string[]).includes(r)) return 'ENODEV';
    const fd = this.captures.get(r);
    if (fd !== undefined) close(fd);
    this.captures.delete(r);
    ip(['-n', this.routerNs, 'link', 'del', r]);
    this.deleted.add(r);
    return null;
  }

  /**
   * IPv6 sends and forwards need the per-device ff00::/8 route (net/ipv6/addrconf.c
   * addrconf_add_mroute), which appears only once the link is operationally up (linkwatch runs
   * later): wait for it on both sides, at most a few seconds.
   */
  private awaitMulticastRoutes(ifaces: readonly string[]): void {
    const deadline = Date.now() + MROUTE_WAIT_MS;
    const ready = (ns: string, devs: readonly string[]): boolean => {
      const routes = ip(['-n', ns, '-6', 'route', 'show', 'table', 'local']);
      return devs.every((d) => routes.includes(`multicast ff00::/8 dev ${d} `));
    };
    while (!(ready(this.routerNs, ifaces) && ready(this.hostNs, ifaces.map((r) => `h${r.slice(3)}`)))) {
      if (Date.now() > deadline) throw new KernelEnvError('the ff00::/8 routes of the veths did not appear');
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
    }
  }

  dispose(): void {
    for (const s of this.sockets.values()) close(s.fd);
    for (const fd of this.captures.values()) close(fd);
    for (const ns of [this.routerNs, this.hostNs]) {
      try {
        deleteNamespace(ns);
      } catch {
        // already gone
      }
    }
  }

  /** Runs one operation on the kernel and collects the copies and upcalls it caused. */
  apply(op: RouteOp): KernelOpResult {
    let error: string | null = null;
    if (op.op === 'send') this.send(op);
    else if (op.op === 'tick') Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, op.ms);
    else if (op.op === 'link-del') error = this.linkDel(op.iface);
    else error = inNamespace(this.routerNs, () => this.sockopt(op));
    return { error, copies: this.drainCopies(), upcalls: this.drainUpcalls() };
  }

  private sockopt(op: Exclude<RouteOp, { op: 'send' } | { op: 'tick' } | { op: 'link-del' }>): string | null {
    if (op.op === 'mrt-init' && !this.sockets.has(op.socket)) {
      const proto = op.proto ?? (op.family === 'ipv4' ? 'igmp' : 'icmpv6');
      const domain = op.family === 'ipv4' ? AF_INET : AF_INET6;
      const fd =
        proto === 'udp'
          ? must('socket(udp)', socket(domain, SOCK_DGRAM, 0))
          : must('socket(raw)', socket(domain, SOCK_RAW, op.family === 'ipv4' ? IPPROTO_IGMP : IPPROTO_ICMPV6));
      this.sockets.set(op.socket, { fd, family: op.family });
    }
    const s = this.sockets.get(op.socket);
    const fd = s?.fd ?? -1;
    const opFamily: RouteFamily = 'group' in op && op.group.includes(':') ? 'ipv6' : 'ipv4';
    const family = s?.family ?? (op.op === 'mrt-init' ? op.family : opFamily);
    const level = family === 'ipv4' ? IPPROTO_IP : IPPROTO_IPV6;
    const call = (name: number, val: Buffer): string | null => {
      const r = setsockopt(fd, level, name, val);
      return r.ok ? null : r.errno;
    };
    switch (op.op) {
      case 'mrt-init':
        return call(MRT_INIT, int(1, op.optlen ?? 4));
      case 'mrt-done':
        return call(MRT_DONE, int(1));
      case 'mrt-pim':
        return call(MRT_PIM, int(op.value));
      case 'mrt-version':
        return call(MRT_VERSION, int(0x0305));
      case 'mrt-assert':
        return call(MRT_ASSERT, int(op.on ? 1 : 0));
      case 'close':
        if (!s) return 'EBADF';
        close(s.fd);
        this.sockets.delete(op.socket);
        return null;
      case 'vif-add':
      case 'vif-del':
        return call(op.op === 'vif-add' ? MRT_ADD_VIF : MRT_DEL_VIF, vifctl(family, op, (name) => this.ifindex.get(name)));
      case 'mfc-add':
      case 'mfc-del':
        return call(op.op === 'mfc-add' ? MRT_ADD_MFC : MRT_DEL_MFC, mfcctl(family, op));
    }
  }

  /** A UDP datagram from the host namespace: bound to `src`, out of h<N> with the TTL, payload = id. */
  private send(op: Extract<RouteOp, { op: 'send' }>): void {
    const family: RouteFamily = op.group.includes(':') ? 'ipv6' : 'ipv4';
    const hostIf = `h${op.iface.slice(3)}`;
    const ifindex = this.ifindex.get(hostIf) ?? 0;
    const header = family === 'ipv4' ? 28 : 48;
    const payload = Buffer.alloc(Math.max(op.length - header, op.id.length + 1));
    payload.write(op.id, 'latin1');
    inNamespace(this.hostNs, () => {
      const fd = must('socket(udp sender)', socket(family === 'ipv4' ? AF_INET : AF_INET6, SOCK_DGRAM, 0));
      try {
        must('bind sender', bind(fd, sockaddr(parseIp(op.src), 0)));
        if (family === 'ipv4') {
          const mreqn = Buffer.alloc(12);
          mreqn.writeInt32LE(ifindex, 8);
          must('IP_MULTICAST_IF', setsockopt(fd, IPPROTO_IP, IP_MULTICAST_IF, mreqn));
          must('IP_MULTICAST_TTL', setsockopt(fd, IPPROTO_IP, IP_MULTICAST_TTL, int(op.ttl)));
          must('IP_MULTICAST_LOOP', setsockopt(fd, IPPROTO_IP, IP_MULTICAST_LOOP, int(0)));
        } else {
          must('IPV6_MULTICAST_IF', setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_IF, int(ifindex)));
          must('IPV6_MULTICAST_HOPS', setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_HOPS, int(op.ttl)));
          must('IPV6_MULTICAST_LOOP', setsockopt(fd, IPPROTO_IPV6, IPV6_MULTICAST_LOOP, int(0)));
        }
        must(`send ${op.id}`, sendto(fd, payload, sockaddr(parseIp(op.group), ROUTE_DIFF_PORT)));
      } finally {
        close(fd);
      }
    });
  }

  /** Frames the router sent to the host ends: UDP to our port from the router's MAC, with TTL and id. */
  private drainCopies(): KernelCopy[] {
    const out: KernelCopy[] = [];
    for (const [iface, fd] of this.captures) {
      for (let f = recvNow(fd, 2048); f; f = recvNow(fd, 2048)) {
        const c = parseCopy(f, this.routerMac.get(iface) ?? '');
        if (c) out.push({ ...c, iface });
      }
    }
    return out;
  }

  /** Upcall-shaped messages on the router's raw sockets (IGMP / MLD packets have a non-zero type byte there). */
  private drainUpcalls(): KernelUpcall[] {
    const out: KernelUpcall[] = [];
    for (const s of this.sockets.values()) {
      for (let m = recvNow(s.fd, 4096); m; m = recvNow(s.fd, 4096)) {
        const isUpcall = s.family === 'ipv4' ? m.length >= 20 && m[9] === 0 : m.length >= 40 && m[0] === 0;
        if (isUpcall) out.push({ family: s.family, raw: Buffer.from(m) });
      }
    }
    return out;
  }

  state(): KernelRouteState {
    return inNamespace(this.routerNs, () => {
      const read = (f: string): string => readFileSync(`/proc/thread-self/net/${f}`, 'utf8');
      const links = JSON.parse(ip(['-n', this.routerNs, '-d', '-j', 'link', 'show'])) as { ifname: string; allmulti?: number }[];
      return {
        proc: { ip_mr_vif: read('ip_mr_vif'), ip_mr_cache: read('ip_mr_cache'), ip6_mr_vif: read('ip6_mr_vif'), ip6_mr_cache: read('ip6_mr_cache') },
        allmulti: Object.fromEntries(links.map((l) => [l.ifname, l.allmulti ?? -1])),
      };
    });
  }

  /** Closes every scenario socket, flushes both tables (MRT_FLUSH, static entries and vifs too) and turns asserts off. */
  reset(): void {
    inNamespace(this.routerNs, () => {
      for (const s of this.sockets.values()) close(s.fd);
      this.sockets.clear();
      for (const [domain, level, proto] of [
        [AF_INET, IPPROTO_IP, IPPROTO_IGMP],
        [AF_INET6, IPPROTO_IPV6, IPPROTO_ICMPV6],
      ] as const) {
        const fd = must('socket(flush)', socket(domain, SOCK_RAW, proto));
        must('MRT_FLUSH', setsockopt(fd, level, MRT_FLUSH, int(MRT_FLUSH_ALL)));
        // mroute_do_assert and do_pim belong to the table and outlive every socket (mrtsock_destruct keeps them).
        must('MRT_PIM 0', setsockopt(fd, level, MRT_PIM, int(0)));
        must('MRT_ASSERT 0', setsockopt(fd, level, MRT_ASSERT, int(0)));
        close(fd);
      }
    });
    this.drainCopies();
    if (this.deleted.size > 0) {
      const back = [...this.deleted];
      for (const r of back) this.addPair(Number(r.slice(3)), this.ifindex.get(r));
      this.awaitMulticastRoutes(back);
      for (const r of back) this.learn(r);
      this.deleted.clear();
    }
  }

  /** Pins the thread to one CPU, so each send is through the router before sendto returns. */
  pin(): { restore: () => void } {
    return pinToOneCpu();
  }
}

/** Writes sysctls through the thread's namespace, as `ip netns exec NS sysctl -w` would. */
function sysctl(ns: string, settings: readonly string[]): void {
  inNamespace(ns, () => {
    for (const s of settings) {
      const [key, value] = s.split('=') as [string, string];
      writeFileSync(`/proc/sys/${key.replaceAll('.', '/')}`, value);
    }
  });
}
