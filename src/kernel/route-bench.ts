// The kernel side of the routing differential: a router namespace (eth0..eth2) and a host
// namespace (h0..h2) joined by veth pairs; MRT socket options in the router; UDP datagrams sent
// from the host namespace with a chosen TTL and source; forwarded copies captured on the host ends
// with AF_PACKET; upcalls read from the router's raw sockets; /proc and allmulti read back.
// Everything goes through a KernelHost (src/sys/kernel-host.ts): this machine's kernel or a QEMU
// guest's; a scenario's operations go as one batch (one round trip to a guest).
import { AF_INET, AF_INET6, AF_PACKET, IPPROTO_IP, IPPROTO_IPV6, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_RAW } from '../sys/ffi.ts';
import { sockaddrLl } from '../sys/frames.ts';
import { type HostAnswer, type HostCall, type KernelHost, hostIp, mustAnswer, runAll } from '../sys/kernel-host.ts';
import { KernelEnvError } from '../sys/netns.ts';
import type { RouteFamily, RouteOp } from '../route/types.ts';
import { timeSqueezes } from './proc-net.ts';
import { mfcctl, parseCopy, senderCalls, vifctl } from './route-structs.ts';

const IPPROTO_IGMP = 2; // include/uapi/linux/in.h
const IPPROTO_ICMPV6 = 58; // include/uapi/linux/in6.h
const ETH_P_ALL = 0x0003; // include/uapi/linux/if_ether.h
const ETH_P_ALL_BE = 0x0300; // htons(ETH_P_ALL) on a little-endian host, as socket(2) wants it
const MRT_INIT = 200; // include/uapi/linux/mroute.h (MRT6_INIT in mroute6.h has the same value)
const MRT_DONE = 201; // include/uapi/linux/mroute.h MRT_BASE + 1
const MRT_ADD_VIF = 202; // include/uapi/linux/mroute.h; MRT6_ADD_MIF in mroute6.h
const MRT_DEL_VIF = 203; // include/uapi/linux/mroute.h; MRT6_DEL_MIF
const MRT_ADD_MFC = 204; // include/uapi/linux/mroute.h
const MRT_DEL_MFC = 205; // include/uapi/linux/mroute.h
const MRT_VERSION = 206; // include/uapi/linux/mroute.h; MRT6_VERSION too; readable only
const MRT_ASSERT = 207; // include/uapi/linux/mroute.h
const MRT_PIM = 208; // include/uapi/linux/mroute.h; MRT6_PIM too
const MRT_ADD_MFC_PROXY = 210; // include/uapi/linux/mroute.h MRT_BASE + 10; MRT6_ADD_MFC_PROXY too
const MRT_DEL_MFC_PROXY = 211; // include/uapi/linux/mroute.h MRT_BASE + 11; MRT6_DEL_MFC_PROXY too
const MRT_FLUSH = 212; // include/uapi/linux/mroute.h MRT_BASE + 12
const MRT_FLUSH_ALL = 0xf; // include/uapi/linux/mroute.h MRT_FLUSH_MFC | _MFC_STATIC | _VIFS | _VIFS_STATIC
/** The ff00::/8 routes after link up (linkwatch): a hang guard, generous for a loaded TCG guest. */
const MROUTE_WAIT_MS = 120_000;
const MROUTE_POLL_MS = 50;
/** The router's interfaces; the host side of each pair is h<N>. */
export const ROUTER_IFACES = ['eth0', 'eth1', 'eth2'] as const;
/** The IPv4 address of the router's eth<i> (a vif by local address names it). */
export const routerAddress = (i: number): string => `10.0.${i}.1`;

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
  /** mrt-get: the int getsockopt returned. */
  readonly value?: number;
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
const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
/** Handles of the bench's sockets on the KernelHost. */
const captureHandle = (r: string): string => `cap-${r}`;
const socketHandle = (name: string): string => `s-${name}`;

/** One operation as calls, and how its answers become its result. */
interface Plan {
  readonly calls: HostCall[];
  finish(answers: readonly HostAnswer[]): KernelOpResult;
}

export class RouteBench {
  readonly ifindex = new Map<string, number>();
  private readonly routerMac = new Map<string, string>();
  /** Router interfaces whose host end has an open capture. */
  private readonly captures = new Set<string>();
  /** The scenario's open sockets and their families (handle socketHandle(name)). */
  private readonly sockets = new Map<string, RouteFamily>();
  /** Router interfaces deleted by the running scenario (recreated by reset). */
  private readonly deleted = new Set<string>();
  /** Scenario runs repeated because the kernel's receive processing was squeezed (route-diff.ts kernelRun). */
  squeezedRuns = 0;

  private constructor(
    readonly host: KernelHost,
    readonly routerNs: string,
    readonly hostNs: string,
  ) {}

  /** The two namespaces, three veth pairs with both families' addresses, up, and the captures. */
  static async create(host: KernelHost): Promise<RouteBench> {
    const routerNs = await host.createNamespace();
    let hostNs: string;
    try {
      hostNs = await host.createNamespace();
    } catch (e) {
      await host.deleteNamespace(routerNs).catch(() => {});
      throw e;
    }
    const b = new RouteBench(host, routerNs, hostNs);
    try {
      const sysctl = (ns: string, key: string, value: string): HostCall => ({ call: 'write', ns, path: `/proc/sys/${key.replaceAll('.', '/')}`, value });
      await runAll(host, [
        sysctl(routerNs, 'net.ipv6.conf.default.accept_dad', '0'),
        sysctl(routerNs, 'net.ipv4.conf.all.rp_filter', '0'),
        sysctl(routerNs, 'net.ipv4.conf.default.rp_filter', '0'),
        sysctl(hostNs, 'net.ipv6.conf.default.accept_dad', '0'),
        ...ROUTER_IFACES.flatMap((_, i) => b.addPair(i)),
      ]);
      await b.awaitMulticastRoutes(ROUTER_IFACES);
      await b.learn(ROUTER_IFACES);
    } catch (e) {
      await b.dispose();
      throw e;
    }
    return b;
  }

  /** The veth pair eth<i> (router) / h<i> (host) with both families' addresses, up; `index` pins eth<i>'s ifindex. */
  private addPair(i: number, index?: number): HostCall[] {
    const r = `eth${i}`;
    const h = `h${i}`;
    const ip = (args: string[]): HostCall => ({ call: 'ip', args });
    return [
      ip(['-n', this.routerNs, 'link', 'add', r, ...(index === undefined ? [] : ['index', String(index)]), 'type', 'veth', 'peer', 'name', h, 'netns', this.hostNs]),
      ip(['-n', this.routerNs, 'addr', 'add', `${routerAddress(i)}/24`, 'dev', r]),
      ip(['-n', this.routerNs, 'addr', 'add', `2001:db8:${i}::1/64`, 'dev', r, 'nodad']),
      ip(['-n', this.hostNs, 'addr', 'add', `10.0.${i}.2/24`, 'dev', h]),
      ip(['-n', this.hostNs, 'addr', 'add', `2001:db8:${i}::2/64`, 'dev', h, 'nodad']),
      ip(['-n', this.routerNs, 'link', 'set', r, 'up']),
      ip(['-n', this.hostNs, 'link', 'set', h, 'up']),
    ];
  }

  /** Reads each eth<i>'s ifindex and MAC and opens the capture on h<i>. */
  private async learn(routers: readonly string[]): Promise<void> {
    const shows = await runAll(
      this.host,
      routers.flatMap((r): HostCall[] => [
        { call: 'ip', args: ['-n', this.routerNs, '-j', 'link', 'show', 'dev', r] },
        { call: 'ip', args: ['-n', this.hostNs, '-j', 'link', 'show', 'dev', `h${r.slice(3)}`] },
      ]),
    );
    const opens: HostCall[] = [];
    routers.forEach((r, k) => {
      const [link] = JSON.parse(shows[2 * k] as string) as { ifindex: number; address: string }[];
      const [host] = JSON.parse(shows[2 * k + 1] as string) as { ifindex: number }[];
      if (!link || !host) throw new KernelEnvError(`${r} or h${r.slice(3)} is missing after it was created`);
      this.ifindex.set(r, link.ifindex);
      this.routerMac.set(r, link.address);
      this.ifindex.set(`h${r.slice(3)}`, host.ifindex);
      const handle = captureHandle(r);
      opens.push(
        { call: 'socket', ns: this.hostNs, handle, domain: AF_PACKET, type: SOCK_RAW | SOCK_NONBLOCK, protocol: ETH_P_ALL_BE },
        { call: 'bind', handle, addr: sockaddrLl(host.ifindex, ETH_P_ALL) },
      );
    });
    await runAll(this.host, opens);
    for (const r of routers) this.captures.add(r);
  }

  /**
   * IPv6 sends and forwards need the per-device ff00::/8 route (net/ipv6/addrconf.c
   * addrconf_add_mroute), which appears only once the link is operationally up (linkwatch runs
   * later): wait for it on both sides.
   */
  private async awaitMulticastRoutes(ifaces: readonly string[]): Promise<void> {
    const deadline = Date.now() + MROUTE_WAIT_MS;
    const hosts = ifaces.map((r) => `h${r.slice(3)}`);
    for (;;) {
      const [router, host] = await runAll(this.host, [
        { call: 'ip', args: ['-n', this.routerNs, '-6', 'route', 'show', 'table', 'local'] },
        { call: 'ip', args: ['-n', this.hostNs, '-6', 'route', 'show', 'table', 'local'] },
      ]);
      const has = (routes: string | undefined, devs: readonly string[]) => devs.every((d) => (routes ?? '').includes(`multicast ff00::/8 dev ${d} `));
      if (has(router, ifaces) && has(host, hosts)) return;
      if (Date.now() > deadline) throw new KernelEnvError(`the ff00::/8 routes of the veths did not appear in ${MROUTE_WAIT_MS} ms (${this.host.label})`);
      await sleep(MROUTE_POLL_MS);
    }
  }

  async dispose(): Promise<void> {
    const closes: HostCall[] = [...this.sockets.keys()].map((s) => ({ call: 'close', handle: socketHandle(s) }));
    closes.push(...[...this.captures].map((r): HostCall => ({ call: 'close', handle: captureHandle(r) })));
    this.sockets.clear();
    this.captures.clear();
    try {
      await this.host.run(closes);
    } catch {
      // a guest that is gone has closed them
    }
    for (const ns of [this.routerNs, this.hostNs]) await this.host.deleteNamespace(ns).catch(() => {});
  }

  /** Runs one operation on the kernel and collects the copies and upcalls it caused. */
  async apply(op: RouteOp): Promise<KernelOpResult> {
    return (await this.applyAll([op]))[0] as KernelOpResult;
  }

  /** Runs the operations in order, in one batch; per operation its errno, copies and upcalls. */
  async applyAll(ops: readonly RouteOp[]): Promise<KernelOpResult[]> {
    return (await this.applyChecked(ops)).results;
  }

  /**
   * applyAll, and whether the kernel's receive processing ran out of time meanwhile (the
   * time_squeeze column of /proc/net/softnet_stat grew: net_rx_action left packets for a later
   * softirq or ksoftirqd). Then a datagram's copies or upcalls may have come after the drains of
   * its step: the run does not show what the kernel decides, only when it got to it.
   */
  async applyChecked(ops: readonly RouteOp[]): Promise<{ results: KernelOpResult[]; squeezed: boolean }> {
    const plans = ops.map((op) => this.plan(op));
    const stat: HostCall = { call: 'read', ns: this.routerNs, path: '/proc/net/softnet_stat' };
    const answers = await this.host.run([stat, ...plans.flatMap((p) => p.calls), stat]);
    const squeezes = (a: HostAnswer | undefined): number => timeSqueezes(mustAnswer(stat, a).text);
    const squeezed = squeezes(answers[answers.length - 1]) !== squeezes(answers[0]);
    let at = 1;
    const results = plans.map((p) => {
      const mine = answers.slice(at, at + p.calls.length);
      at += p.calls.length;
      return p.finish(mine);
    });
    return { results, squeezed };
  }

  /** The calls of one operation (updating the bench's idea of open sockets as the kernel will), then the drains. */
  private plan(op: RouteOp): Plan {
    const calls: HostCall[] = [];
    let errorAt = -1;
    let fixedError: string | null = null;
    if (op.op === 'send') calls.push(...senderCalls(op, this.hostNs, this.ifindex.get(`h${op.iface.slice(3)}`) ?? 0));
    else if (op.op === 'tick') calls.push({ call: 'sleep', ms: op.ms });
    else if (op.op === 'link-del') {
      if (this.deleted.has(op.iface) || !(ROUTER_IFACES as readonly string[]).includes(op.iface)) fixedError = 'ENODEV';
      else {
        if (this.captures.delete(op.iface)) calls.push({ call: 'close', handle: captureHandle(op.iface) });
        calls.push({ call: 'ip', args: ['-n', this.routerNs, 'link', 'del', op.iface] });
        this.deleted.add(op.iface);
      }
    } else {
      const s = this.sockopt(op);
      if (typeof s === 'string') fixedError = s;
      else {
        calls.push(...s.calls);
        errorAt = s.errorAt;
      }
    }
    const mustCalls = calls.length;
    const drainKinds: ({ kind: 'copy'; iface: string } | { kind: 'upcall'; family: RouteFamily })[] = [];
    for (const iface of this.captures) {
      calls.push({ call: 'drain', handle: captureHandle(iface), max: 2048 });
      drainKinds.push({ kind: 'copy', iface });
    }
    for (const [name, family] of this.sockets) {
      calls.push({ call: 'drain', handle: socketHandle(name), max: 4096 });
      drainKinds.push({ kind: 'upcall', family });
    }
    return {
      calls,
      finish: (answers) => {
        calls.slice(0, mustCalls).forEach((c, i) => {
          if (i !== errorAt) mustAnswer(c, answers[i]);
        });
        const e = errorAt >= 0 ? answers[errorAt] : undefined;
        const error = fixedError ?? (e === undefined || e.ok ? null : e.errno);
        const got = op.op === 'mrt-get' && e?.ok ? e.messages[0] : undefined;
        const value = got && got.length >= 4 ? { value: got.readInt32LE(0) } : {};
        const copies: KernelCopy[] = [];
        const upcalls: KernelUpcall[] = [];
        drainKinds.forEach((d, k) => {
          const call = calls[mustCalls + k] as HostCall;
          for (const m of mustAnswer(call, answers[mustCalls + k]).messages) {
            if (d.kind === 'copy') {
              const c = parseCopy(m, this.routerMac.get(d.iface) ?? '');
              if (c) copies.push({ ...c, iface: d.iface });
            } else {
              // IGMP / MLD packets have a non-zero type byte where an upcall has zero.
              const isUpcall = d.family === 'ipv4' ? m.length >= 20 && m[9] === 0 : m.length >= 40 && m[0] === 0;
              if (isUpcall) upcalls.push({ family: d.family, raw: m });
            }
          }
        });
        return { error, ...value, copies, upcalls };
      },
    };
  }

  /** A socket-option operation: its calls and which one's errno is the result, or the errno without a call. */
  private sockopt(op: Exclude<RouteOp, { op: 'send' } | { op: 'tick' } | { op: 'link-del' }>): { calls: HostCall[]; errorAt: number } | string {
    const calls: HostCall[] = [];
    const handle = socketHandle(op.socket);
    if ((op.op === 'mrt-init' || op.op === 'mrt-open') && !this.sockets.has(op.socket)) {
      const proto = op.proto ?? (op.family === 'ipv4' ? 'igmp' : 'icmpv6');
      const domain = op.family === 'ipv4' ? AF_INET : AF_INET6;
      calls.push(
        proto === 'udp'
          ? { call: 'socket', ns: this.routerNs, handle, domain, type: SOCK_DGRAM, protocol: 0 }
          : { call: 'socket', ns: this.routerNs, handle, domain, type: SOCK_RAW, protocol: op.family === 'ipv4' ? IPPROTO_IGMP : IPPROTO_ICMPV6 },
      );
      this.sockets.set(op.socket, op.family);
    }
    const known = this.sockets.get(op.socket);
    const opFamily: RouteFamily = 'group' in op && op.group.includes(':') ? 'ipv6' : 'ipv4';
    const family = known ?? (op.op === 'mrt-init' || op.op === 'mrt-open' ? op.family : opFamily);
    const level = family === 'ipv4' ? IPPROTO_IP : IPPROTO_IPV6;
    const call = (name: number, value: Buffer) => {
      calls.push({ call: 'setsockopt', handle, level, name, value });
      return { calls, errorAt: calls.length - 1 };
    };
    switch (op.op) {
      case 'mrt-init':
        return call(MRT_INIT, int(1, op.optlen ?? 4));
      case 'mrt-open':
        return { calls, errorAt: -1 };
      case 'mrt-get':
        calls.push({ call: 'getsockopt', handle, level, name: { version: MRT_VERSION, assert: MRT_ASSERT, pim: MRT_PIM }[op.option], len: 4 });
        return { calls, errorAt: calls.length - 1 };
      case 'mrt-done':
        return call(MRT_DONE, int(1));
      case 'mrt-pim':
        return call(MRT_PIM, int(op.value));
      case 'mrt-flush':
        return call(MRT_FLUSH, int(op.flags));
      case 'mrt-version':
        return call(MRT_VERSION, int(0x0305));
      case 'mrt-assert':
        return call(MRT_ASSERT, int(op.on ? 1 : 0));
      case 'close':
        if (!known) return 'EBADF';
        this.sockets.delete(op.socket);
        calls.push({ call: 'close', handle });
        return { calls, errorAt: -1 };
      case 'vif-add':
      case 'vif-del':
        return call(op.op === 'vif-add' ? MRT_ADD_VIF : MRT_DEL_VIF, vifctl(family, op, (name) => this.ifindex.get(name)));
      case 'mfc-add':
      case 'mfc-del':
        return call(op.proxy === true ? (op.op === 'mfc-add' ? MRT_ADD_MFC_PROXY : MRT_DEL_MFC_PROXY) : op.op === 'mfc-add' ? MRT_ADD_MFC : MRT_DEL_MFC, mfcctl(family, op));
    }
  }

  async state(): Promise<KernelRouteState> {
    const files = ['ip_mr_vif', 'ip_mr_cache', 'ip6_mr_vif', 'ip6_mr_cache'] as const;
    const [a, b, c, d, links] = await runAll(this.host, [
      ...files.map((f): HostCall => ({ call: 'read', ns: this.routerNs, path: `/proc/thread-self/net/${f}` })),
      { call: 'ip', args: ['-n', this.routerNs, '-d', '-j', 'link', 'show'] },
    ]);
    const parsed = JSON.parse(links as string) as { ifname: string; allmulti?: number }[];
    return {
      proc: { ip_mr_vif: a as string, ip_mr_cache: b as string, ip6_mr_vif: c as string, ip6_mr_cache: d as string },
      allmulti: Object.fromEntries(parsed.map((l) => [l.ifname, l.allmulti ?? -1])),
    };
  }

  /** Closes every scenario socket, flushes both tables (MRT_FLUSH, static entries and vifs too) and turns asserts off. */
  async reset(): Promise<void> {
    const calls: HostCall[] = [...this.sockets.keys()].map((s) => ({ call: 'close', handle: socketHandle(s) }));
    this.sockets.clear();
    for (const [domain, level, protocol] of [
      [AF_INET, IPPROTO_IP, IPPROTO_IGMP],
      [AF_INET6, IPPROTO_IPV6, IPPROTO_ICMPV6],
    ] as const) {
      const handle = 'flush';
      calls.push(
        { call: 'socket', ns: this.routerNs, handle, domain, type: SOCK_RAW, protocol },
        { call: 'setsockopt', handle, level, name: MRT_FLUSH, value: int(MRT_FLUSH_ALL) },
        // mroute_do_assert and do_pim belong to the table and outlive every socket (mrtsock_destruct keeps them).
        { call: 'setsockopt', handle, level, name: MRT_PIM, value: int(0) },
        { call: 'setsockopt', handle, level, name: MRT_ASSERT, value: int(0) },
        { call: 'close', handle },
      );
    }
    calls.push(...[...this.captures].map((r): HostCall => ({ call: 'drain', handle: captureHandle(r), max: 2048 })));
    await runAll(this.host, calls);
    if (this.deleted.size > 0) {
      const back = [...this.deleted];
      await runAll(this.host, back.flatMap((r) => this.addPair(Number(r.slice(3)), this.ifindex.get(r))));
      await this.awaitMulticastRoutes(back);
      await this.learn(back);
      this.deleted.clear();
    }
  }

  /** Pins the caller to one CPU (a guest has one), so each send is through the router before sendto returns. */
  pin(): { restore: () => void } {
    return this.host.pin();
  }

  /** `ip ARGS` where the bench runs (for tests that look by hand). */
  ip(args: readonly string[]): Promise<string> {
    return hostIp(this.host, args);
  }
}
