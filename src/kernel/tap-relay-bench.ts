// The TAP exception path on the live kernel (issue 12, seed 004): a real tap device in a fresh
// namespace carries the scenario's interface, and this process is the DPDK application. The
// kernel side is real (sockets, joins, `ip maddr`, flags, dev->mc, the IP layer); the physical
// port is a NIC profile driven by the application's relay (src/relay/tap.ts, the same code as the
// model's tap-relay), which reads the tap's list from /proc/net/dev_mcast and its flag counts from
// `ip -d link` before each frame, mirrors them into the port, and writes the frames the port
// accepts into the tap's file descriptor. The model runs the scenario with nic "tap-relay+PORT".
import { closeSync, constants as fsConstants, openSync, readFileSync, writeFileSync, writeSync } from 'node:fs';
import { NO_FAULTS } from '../faults.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { TapDevice, type TapKind } from '../relay/tap.ts';
import type { Delivery, InterfaceSpec, Scenario, SimulateResult, Step } from '../scenario/types.ts';
import { simulate } from '../simulate.ts';
import { parseIp } from '../wire/ip.ts';
import { type Mac, parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import { AF_INET, AF_PACKET, IFNAMSIZ, SIOCGIFINDEX, SOCK_DGRAM, SOCK_NONBLOCK, SOCK_RAW, bind, close, ifreq, ioctl, must, pinToOneCpu, recvNow, socket } from '../sys/ffi.ts';
import { ETH_P_802_EX1, rawFrame, rawPayload, sockaddrLl, udpFrame } from '../sys/frames.ts';
import { KernelEnvError, createNamespace, deleteNamespace, inNamespace, ip } from '../sys/netns.ts';
import { ipv6SettledOn, parseDevMcast } from './proc-net.ts';
import { DATAGRAM_TAG, type KernelSocket, applySocketStep, drainSockets } from './socket-steps.ts';

const IFF_TAP = 0x0002; // include/uapi/linux/if_tun.h
const IFF_NO_PI = 0x1000; // include/uapi/linux/if_tun.h
const TUNSETIFF = 0x400454ca; // include/uapi/linux/if_tun.h _IOW('T', 202, int)
/** The wire side: the MAC the port's frames come from (no scenario interface has it). */
const WIRE_MAC = parseMac('02:6d:74:62:ee:02');
const SETTLE_MS = 60_000;
const BARRIER_TAG = 'mtb-tap-barrier:';

const sleep = (ms: number): void => {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
};
const htons = (n: number): number => ((n & 0xff) << 8) | ((n >> 8) & 0xff);

export interface TapRelayDifference {
  readonly scenario: Scenario;
  readonly what: string;
  readonly kernel: unknown;
  readonly model: unknown;
}

export interface TapRelayRun {
  readonly deliveries: Record<string, Delivery>;
  readonly errors: readonly (string | null)[];
  /** The tap's dev->mc at the end (MAC and users, sorted), as /proc/net/dev_mcast shows it. */
  readonly mc: readonly string[];
}

/** Scenarios the bench runs: one plain interface, receive-path steps without `link`. */
export function tapRelayRunnable(scenario: Scenario): string | null {
  if (scenario.interfaces.length !== 1 || scenario.interfaces[0]?.kind !== undefined) return 'one plain interface';
  const bad = scenario.steps.find((s) => !['open', 'join', 'leave', 'close', 'maddr', 'fill', 'promisc', 'allmulti', 'send', 'frame'].includes(s.op));
  return bad ? `no ${bad.op} steps` : null;
}

export class TapRelayBench {
  readonly ns = createNamespace();
  private readonly helperFd: number;
  private barrierSeq = 0;
  private closed = false;

  constructor() {
    try {
      inNamespace(this.ns, () => {
        for (const k of ['ipv6/conf/default/accept_dad', 'ipv6/conf/default/router_solicitations', 'ipv4/conf/all/rp_filter', 'ipv4/conf/default/rp_filter']) {
          writeFileSync(`/proc/sys/net/${k}`, '0');
        }
      });
      this.helperFd = inNamespace(this.ns, () => must('socket(AF_INET) helper', socket(AF_INET, SOCK_DGRAM, 0)));
    } catch (e) {
      deleteNamespace(this.ns);
      throw e;
    }
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    close(this.helperFd);
    deleteNamespace(this.ns);
  }

  /** Runs the scenario on a fresh tap with `relayKind` as the application over the `port` profile. */
  run(scenario: Scenario, port: string, relayKind: TapKind = 'tap-relay'): TapRelayRun {
    const why = tapRelayRunnable(scenario);
    if (why) throw new KernelEnvError(`the tap bench runs ${why}`);
    const spec = scenario.interfaces[0] as InterfaceSpec;
    const own = parseMac(spec.mac);
    const app = new TapDevice(relayKind, resolveProfile(port).create(own, NO_FAULTS));
    const tap = this.createTap(spec);
    const sockets = new Map<string, KernelSocket>();
    const received = new Map<string, Set<string>>();
    const deliveries: Record<string, Delivery> = {};
    const errors: (string | null)[] = [];
    const pin = pinToOneCpu();
    try {
      const ctx = { ns: this.ns, helperFd: this.helperFd, ifindex: () => tap.ifindex };
      (scenario.steps as readonly Step[]).forEach((step, i) => {
        const where = `/steps/${i}`;
        if (step.op === 'send' || step.op === 'frame') {
          this.mirror(spec.name, app);
          const dst = step.op === 'send' ? groupMac(parseIp(step.dst, `${where}/dst`)) : parseMac(step.dst, `${where}/dst`);
          const nic = app.accept(dst);
          if (nic) {
            const frame =
              step.op === 'send'
                ? udpFrame(dst, WIRE_MAC, parseIp(step.src), parseIp(step.dst), step.port, Buffer.from(`${DATAGRAM_TAG}${step.id}`))
                : rawFrame(dst, WIRE_MAC, Buffer.from(`mtb-frame:${step.id}`));
            writeSync(tap.fd, frame);
            this.barrier(tap);
          }
          drainSockets(sockets, received);
          deliveries[step.id] = { nic, sockets: step.op === 'send' ? [...(received.get(step.id) ?? [])].sort() : [] };
          errors.push(null);
          return;
        }
        if (step.op === 'link' || step.op === 'link-del') throw new KernelEnvError(`no ${step.op} steps on the tap bench`);
        errors.push(applySocketStep(step, where, ctx, sockets));
      });
      const mcast = inNamespace(this.ns, () => readFileSync('/proc/thread-self/net/dev_mcast', 'utf8'));
      const mc = parseDevMcast(mcast, spec.name).map((e) => `${e.mac} ${e.users}`).sort();
      return { deliveries, errors, mc };
    } finally {
      pin.restore();
      for (const s of sockets.values()) close(s.fd);
      close(tap.barrierFd);
      // Closing the only fd of a non-persistent tap unregisters it (drivers/net/tun.c tun_chr_close).
      closeSync(tap.fd);
    }
  }

  /** TUNSETIFF in the namespace, then MAC, addresses and up; waits for IPv6 to settle. */
  private createTap(spec: InterfaceSpec): { fd: number; ifindex: number; barrierFd: number } {
    const fd = inNamespace(this.ns, () => {
      if (spec.disableIpv6) writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1');
      const f = openSync('/dev/net/tun', fsConstants.O_RDWR | fsConstants.O_NONBLOCK);
      const req = ifreq(spec.name);
      req.writeUInt16LE(IFF_TAP | IFF_NO_PI, IFNAMSIZ);
      must(`TUNSETIFF ${spec.name}`, ioctl(f, TUNSETIFF, req));
      writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '0');
      return f;
    });
    const cmds = [`link set dev ${spec.name} address ${parseMac(spec.mac)}`, `link set dev ${spec.name} up`];
    for (const a of spec.ipv4 ?? []) cmds.push(`addr add ${a} dev ${spec.name}`);
    if (!spec.disableIpv6) for (const a of spec.ipv6 ?? []) cmds.push(`addr add ${a} dev ${spec.name} nodad`);
    ip(['-n', this.ns, '-batch', '-'], cmds.map((c) => `${c}\n`).join(''));
    const req = ifreq(spec.name);
    must('SIOCGIFINDEX', ioctl(this.helperFd, SIOCGIFINDEX, req));
    const ifindex = req.readInt32LE(IFNAMSIZ);
    const barrierFd = inNamespace(this.ns, () => must('socket(AF_PACKET) barrier', socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_802_EX1))));
    must('bind barrier', bind(barrierFd, sockaddrLl(ifindex, ETH_P_802_EX1)));
    if (!spec.disableIpv6) this.awaitIpv6(spec);
    return { fd, ifindex, barrierFd };
  }

  private awaitIpv6(spec: InterfaceSpec): void {
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      const [addrs, groups] = inNamespace(this.ns, () => ['if_inet6', 'igmp6'].map((f) => readFileSync(`/proc/thread-self/net/${f}`, 'utf8'))) as [string, string];
      if (ipv6SettledOn(spec.name, spec.ipv6 ?? [], addrs, groups)) return;
      if (Date.now() > deadline) throw new KernelEnvError(`IPv6 setup of the tap ${spec.name} did not settle in ${SETTLE_MS} ms`);
      sleep(1);
    }
  }

  /** The application's poll: the tap's list (dev->mc order) and flag counts, mirrored into the port. */
  private mirror(name: string, app: TapDevice): void {
    const mcast = inNamespace(this.ns, () => readFileSync('/proc/thread-self/net/dev_mcast', 'utf8'));
    const [link] = JSON.parse(ip(['-n', this.ns, '-d', '-j', 'link', 'show', 'dev', name])) as { promiscuity?: number; allmulti?: number }[];
    if (link?.promiscuity === undefined || link.allmulti === undefined) throw new KernelEnvError('ip -d link prints no promiscuity / allmulti counts');
    const mc: Mac[] = parseDevMcast(mcast, name).map((e) => e.mac);
    app.setRxMode({ promisc: link.promiscuity > 0, allmulti: link.allmulti > 0, mc });
    app.userLoopPoll();
  }

  /** A barrier frame written after the datagram: once a packet socket sees it, the datagram went through (one CPU, one backlog). */
  private barrier(tap: { fd: number; barrierFd: number }): void {
    const tag = `${BARRIER_TAG}${this.barrierSeq++}`;
    writeSync(tap.fd, rawFrame(parseMac('ff:ff:ff:ff:ff:ff'), WIRE_MAC, Buffer.from(tag)));
    const deadline = Date.now() + SETTLE_MS;
    for (;;) {
      for (let f = recvNow(tap.barrierFd); f; f = recvNow(tap.barrierFd)) if (rawPayload(f) === tag) return;
      if (Date.now() > deadline) throw new KernelEnvError(`barrier frame on the tap not seen in ${SETTLE_MS} ms`);
      sleep(1);
    }
  }
}

/** The model's answer for the same scenario over `port` (nic "tap-relay+PORT"). */
export function modelTapRelay(scenario: Scenario, port: string, relayKind: TapKind = 'tap-relay'): TapRelayRun {
  const nic = `${relayKind}+${port}`;
  const out: SimulateResult = simulate({ ...scenario, interfaces: scenario.interfaces.map((i) => ({ ...i, nic })) });
  const name = scenario.interfaces[0]?.name ?? '';
  return {
    deliveries: out.deliveries,
    errors: out.steps.map((s) => s.error),
    mc: (out.interfaces[name]?.mc ?? []).map((e) => `${e.mac} ${e.users}`).sort(),
  };
}

/** The first difference between the kernel's run and the model's, or null. */
export function tapRelayDifference(scenario: Scenario, kernel: TapRelayRun, model: TapRelayRun): TapRelayDifference | null {
  for (const [i, e] of kernel.errors.entries()) {
    if (e !== model.errors[i]) return { scenario, what: `step ${i} errno`, kernel: e, model: model.errors[i] };
  }
  for (const [id, k] of Object.entries(kernel.deliveries)) {
    const m = model.deliveries[id];
    if (!m || m.nic !== k.nic || JSON.stringify(m.sockets) !== JSON.stringify(k.sockets)) {
      return { scenario, what: `delivery of ${id}`, kernel: k, model: m ? { nic: m.nic, sockets: m.sockets } : null };
    }
  }
  if (JSON.stringify(kernel.mc) !== JSON.stringify(model.mc)) return { scenario, what: 'the tap\'s device list at the end', kernel: kernel.mc, model: model.mc };
  return null;
}
