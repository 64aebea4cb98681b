// Runs a scenario on the live kernel: a receiver namespace holding the scenario's interfaces
// (veth ends) and real sockets, a sender namespace holding the veth peers. Output has the shape
// of simulate's SimulateResult. One KernelBench owns one namespace pair and reuses it, deleting
// and recreating the links between scenarios.
import { readFileSync, writeFileSync } from 'node:fs';
import type { Errno } from '../errors.ts';
import { InputError } from '../errors.ts';
import type {
  Delivery,
  InterfaceSpec,
  Scenario,
  SimulateResult,
  Step,
  StepResult,
} from '../scenario/types.ts';
import { isRouteStep } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import {
  AF_INET,
  AF_PACKET,
  IFF_UP,
  SIOCGIFFLAGS,
  SIOCSIFFLAGS,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  type SysResult,
  bind,
  close,
  ifreq,
  ioctl,
  must,
  pinToOneCpu,
  sendto,
  socket,
} from '../sys/ffi.ts';
import { ETH_P_802_EX1, rawFrame, sockaddrLl, udpFrame } from '../sys/frames.ts';
import { KernelEnvError, createNamespace, deleteNamespace, inNamespace, ip } from '../sys/netns.ts';
import { ipv6SettledOn, readInterfaceResults } from './proc-net.ts';
import { type Link, POLL_MS, SETTLE_TIMEOUT_MS, checkInterfaces, clearNetDown, htons, ifindexOf, pickPeerMac, barrier, sleepMs } from './veth-link.ts';
import { DATAGRAM_TAG, type KernelSocket, applySocketStep, drainSockets } from './socket-steps.ts';

const FRAME_TAG = 'mtb-frame:';

export interface KernelRunOptions {
  /** Called with a short line per phase, for --verbose. */
  readonly log?: (line: string) => void;
}

export class KernelBench {
  readonly rxNs: string;
  readonly txNs: string;
  private links: Link[] = [];
  /** Interfaces a link-del step deleted, by name: joins and leaves still name their ifindex. */
  private gone = new Map<string, number>();
  private txFd = -1;
  private helperFd = -1;
  private txHelperFd = -1;
  private barrierSeq = 0;
  private closed = false;

  constructor() {
    this.rxNs = createNamespace();
    this.txNs = createNamespace();
    // Fresh links copy these defaults (net/ipv6/addrconf.c ipv6_add_dev copies devconf_dflt).
    inNamespace(this.rxNs, () => {
      writeFileSync('/proc/sys/net/ipv6/conf/default/accept_dad', '0');
      writeFileSync('/proc/sys/net/ipv6/conf/default/router_solicitations', '0');
      writeFileSync('/proc/sys/net/ipv4/conf/all/rp_filter', '0');
      writeFileSync('/proc/sys/net/ipv4/conf/default/rp_filter', '0');
    });
    // A silent sender: no IPv6 on the peers, so no DAD/RS/MLD frames reach the receiver.
    inNamespace(this.txNs, () => {
      writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1');
    });
    this.txFd = inNamespace(this.txNs, () => must('socket(AF_PACKET) sender', socket(AF_PACKET, SOCK_RAW, 0)));
    this.helperFd = inNamespace(this.rxNs, () => must('socket(AF_INET) helper', socket(AF_INET, SOCK_DGRAM, 0)));
    this.txHelperFd = inNamespace(this.txNs, () => must('socket(AF_INET) helper', socket(AF_INET, SOCK_DGRAM, 0)));
  }

  /** Removes both namespaces; every link goes with them (nothing to delete one by one). */
  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    this.closeBarriers();
    this.links = [];
    for (const fd of [this.txFd, this.helperFd, this.txHelperFd]) if (fd >= 0) close(fd);
    try {
      deleteNamespace(this.rxNs);
    } finally {
      deleteNamespace(this.txNs);
    }
  }

  private closeBarriers(): void {
    for (const l of this.links) close(l.barrierFd);
  }

  /**
   * Deleting one end of a veth pair deletes both (drivers/net/veth.c veth_dellink), and a lower's
   * unregistration deletes its macvlans (drivers/net/macvlan.c macvlan_device_event).
   */
  private deleteCommands(): string[] {
    return this.links.filter((l) => l.lower === null).map((l) => `link del dev ${l.peer}\n`);
  }

  /**
   * Deletes the previous scenario's links and creates this one's with as few `ip` processes as
   * possible: one batch in the sender namespace per run of interfaces sharing disableIpv6 (the
   * receiver end is created directly in the receiver namespace, copying its defaults), one batch
   * in the receiver namespace for links up and addresses.
   */
  private setupLinks(interfaces: readonly InterfaceSpec[]): void {
    const taken = new Set(interfaces.map((i) => parseMac(i.mac)));
    const peers = interfaces.map((_, n) => ({ name: `mtbp${n}`, mac: pickPeerMac(taken, n) }));
    this.closeBarriers();
    let txCmds = this.deleteCommands();
    this.links = [];
    let disabled: boolean | undefined;
    interfaces.forEach((spec, n) => {
      if (spec.kind !== undefined) return;
      const peer = peers[n]!;
      const wantDisabled = spec.disableIpv6 === true;
      if (disabled !== wantDisabled) {
        if (txCmds.length > 0) ip(['-n', this.txNs, '-batch', '-'], txCmds.join(''));
        txCmds = [];
        // "Created with disable_ipv6=1": the default is what a new device copies at register
        // (net/ipv6/addrconf.c ipv6_add_dev copies devconf_dflt).
        inNamespace(this.rxNs, () =>
          writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', wantDisabled ? '1' : '0'),
        );
        disabled = wantDisabled;
      }
      txCmds.push(`link add ${peer.name} address ${peer.mac} type veth peer name ${spec.name} netns ${this.rxNs} address ${parseMac(spec.mac)}\n`);
    });
    // Peers up first: the receiver end gets carrier (and its link-local) as soon as it is up.
    interfaces.forEach((spec, n) => {
      if (spec.kind === undefined) txCmds.push(`link set dev ${peers[n]!.name} up\n`);
    });
    if (txCmds.length > 0) ip(['-n', this.txNs, '-batch', '-'], txCmds.join(''));
    let rxCmds: string[] = [];
    const flushRx = (): void => {
      if (rxCmds.length > 0) ip(['-n', this.rxNs, '-batch', '-'], rxCmds.map((c) => `${c}\n`).join(''));
      rxCmds = [];
    };
    let rxDisabled = disabled === true;
    for (const spec of interfaces) {
      if (spec.kind === 'macvlan') {
        // Macvlans are created in the receiver namespace and copy its default at register
        // (ipv6_add_dev copies devconf_dflt): "created with disable_ipv6=1" as for a veth end.
        const wantDisabled = spec.disableIpv6 === true;
        if (wantDisabled !== rxDisabled) {
          flushRx();
          inNamespace(this.rxNs, () => writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', wantDisabled ? '1' : '0'));
          rxDisabled = wantDisabled;
        }
        // ip-link(8): a macvlan in bridge mode on its lower, created down, then up like a veth end
        // unless the scenario leaves it down (`up: false`); its addresses go on either way.
        rxCmds.push(`link add ${spec.name} link ${spec.lower} address ${parseMac(spec.mac)} type macvlan mode bridge`);
      }
      if (spec.up !== false) rxCmds.push(`link set dev ${spec.name} up`);
      for (const a of spec.ipv4 ?? []) rxCmds.push(`addr add ${a} dev ${spec.name}`);
      if (!spec.disableIpv6) for (const a of spec.ipv6 ?? []) rxCmds.push(`addr add ${a} dev ${spec.name} nodad`);
    }
    flushRx();
    const links: Link[] = [];
    interfaces.forEach((spec, n) => {
      const ifindex = must(`SIOCGIFINDEX ${spec.name}`, ifindexOf(this.helperFd, spec.name));
      const barrierFd = inNamespace(this.rxNs, () =>
        must('socket(AF_PACKET) barrier', socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_802_EX1))),
      );
      must('bind barrier', bind(barrierFd, sockaddrLl(ifindex, ETH_P_802_EX1)));
      // net/packet/af_packet.c packet_do_bind: a bind to a device that is down (a macvlan created
      // down) reports ENETDOWN once; read it now so that a barrier after its `link up` does not.
      if (spec.up === false) clearNetDown(barrierFd);
      const ipv6 = spec.disableIpv6 ? [] : (spec.ipv6 ?? []);
      const lower = spec.kind === undefined ? null : (links.find((l) => l.spec.name === spec.lower) ?? null);
      if (spec.kind !== undefined && lower === null) throw new InputError(`/interfaces/${n}/lower`, `no interface ${JSON.stringify(spec.lower)} before ${spec.name}`);
      if (lower) {
        links.push({ spec, ifindex, peer: lower.peer, peerIfindex: lower.peerIfindex, peerMac: lower.peerMac, barrierFd, lower, up: spec.up !== false, ipv6 });
        return;
      }
      const peerIfindex = must(`SIOCGIFINDEX ${peers[n]!.name}`, ifindexOf(this.txHelperFd, peers[n]!.name));
      links.push({ spec, ifindex, peer: peers[n]!.name, peerIfindex, peerMac: peers[n]!.mac, barrierFd, lower: null, up: true, ipv6 });
    });
    this.links = links;
    this.gone = new Map();
    this.waitForIpv6Setup();
  }

  /**
   * IPv6 addresses join their solicited-node group from the DAD work item (net/ipv6/addrconf.c
   * addrconf_dad_begin -> addrconf_join_solict), after `ip addr add` returns; the link-local
   * address appears once the carrier is seen (addrconf_notify NETDEV_UP/NETDEV_CHANGE). Wait
   * until the kernel shows every address non-tentative with its group joined.
   */
  private waitForIpv6Setup(): void {
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    for (;;) {
      const pending = inNamespace(this.rxNs, () => {
        const addrs = readFileSync('/proc/thread-self/net/if_inet6', 'utf8');
        const groups = readFileSync('/proc/thread-self/net/igmp6', 'utf8');
        return this.links.filter((l) => !l.spec.disableIpv6 && !ipv6Settled(l, addrs, groups)).map((l) => l.spec.name);
      });
      if (pending.length === 0) return;
      if (Date.now() > deadline) {
        // One readable line even for a scenario with thousands of interfaces.
        const names = pending.length > 5 ? `${pending.slice(0, 5).join(', ')} and ${pending.length - 5} more` : pending.join(', ');
        throw new KernelEnvError(`IPv6 setup of ${names} did not settle in ${SETTLE_TIMEOUT_MS} ms`);
      }
      sleepMs(POLL_MS);
    }
  }

  /** Runs one scenario from fresh interfaces; returns the kernel's SimulateResult. */
  run(scenario: Scenario, options: KernelRunOptions = {}): SimulateResult {
    if (this.closed) throw new KernelEnvError('KernelBench already disposed');
    checkInterfaces(scenario.interfaces);
    const steps0 = receiveSteps(scenario);
    const log = options.log ?? (() => {});
    const sockets = new Map<string, KernelSocket>();
    const received = new Map<string, Set<string>>();
    const deliveries: Record<string, Delivery> = {};
    const steps: StepResult[] = [];
    const pin = pinToOneCpu();
    try {
      this.setupLinks(scenario.interfaces);
      log(`interfaces ready in ${this.rxNs}`);
      steps0.forEach((step, i) => {
        const error = this.apply(step, i, sockets, received, deliveries);
        steps.push({ op: step.op, error: error as Errno | null });
        log(`step ${i} ${step.op}: ${error ?? 'ok'}`);
      });
      return { steps, interfaces: readInterfaceResults(this.rxNs, this.links.map((l) => l.spec)), deliveries };
    } finally {
      for (const s of sockets.values()) close(s.fd);
      pin.restore();
    }
  }

  private link(name: string, where: string): Link {
    const l = this.links.find((x) => x.spec.name === name);
    if (!l) throw new InputError(where, `unknown interface ${JSON.stringify(name)}`);
    return l;
  }

  private apply(
    step: Step,
    i: number,
    sockets: Map<string, KernelSocket>,
    received: Map<string, Set<string>>,
    deliveries: Record<string, Delivery>,
  ): string | null {
    const where = `/steps/${i}`;
    switch (step.op) {
      case 'open':
      case 'join':
      case 'leave':
      case 'close':
      case 'maddr':
      case 'fill':
      case 'promisc':
      case 'allmulti':
        return applySocketStep(step, where, { ns: this.rxNs, helperFd: this.helperFd, ifindex: (name: string, w: string) => this.gone.get(name) ?? this.link(name, w).ifindex }, sockets);
      case 'send': {
        const l = this.link(step.iface, `${where}/iface`);
        const src = parseIp(step.src, `${where}/src`);
        const dst = parseIp(step.dst, `${where}/dst`);
        const frame = udpFrame(groupMac(dst), l.peerMac, src, dst, step.port, Buffer.from(`${DATAGRAM_TAG}${step.id}`));
        must(`send ${step.id}`, sendto(this.txFd, frame, sockaddrLl(l.peerIfindex, 0)));
        barrier(this.txFd, l, this.links, this.barrierSeq++);
        this.drain(sockets, received);
        deliveries[step.id] = { nic: true, sockets: [...(received.get(step.id) ?? [])].sort() };
        return null;
      }
      case 'link': {
        const l = this.link(step.iface, `${where}/iface`);
        if (l.lower === null) throw new InputError(`${where}/iface`, `${step.iface} is a veth end: only stacked interfaces go down and up`);
        // `ip link set … up|down` is dev_change_flags with IFF_UP, like SIOCSIFFLAGS (net/core/dev_ioctl.c).
        const req = ifreq(l.spec.name);
        const g = errnoOf(ioctl(this.helperFd, SIOCGIFFLAGS, req));
        if (g) return g;
        const flags = req.readUInt16LE(16);
        req.writeUInt16LE(step.up ? flags | IFF_UP : flags & ~IFF_UP, 16);
        const e = errnoOf(ioctl(this.helperFd, SIOCSIFFLAGS, req));
        if (e) return e;
        // net/ipv6/addrconf.c addrconf_ifdown deletes every IPv6 address (keep_addr_on_down 0);
        // on up only a new link-local comes, its solicited-node group joined from a work item.
        if (!step.up) {
          l.ipv6 = [];
          // net/packet/af_packet.c packet_notifier: NETDEV_DOWN reports ENETDOWN once on a packet
          // socket bound to the device; read it now so that the next barrier wait does not.
          clearNetDown(l.barrierFd);
        }
        const wasUp = l.up;
        l.up = step.up;
        if (step.up && !wasUp) this.waitForIpv6Setup();
        return null;
      }
      case 'link-del': {
        const l = this.link(step.iface, `${where}/iface`);
        // `ip link del`: a veth end takes its peer (drivers/net/veth.c veth_dellink), a lower its
        // macvlans (drivers/net/macvlan.c macvlan_device_event, NETDEV_UNREGISTER).
        ip(['-n', this.rxNs, 'link', 'del', 'dev', l.spec.name]);
        const victims = this.links.filter((x) => x === l || x.lower === l);
        for (const v of victims) {
          close(v.barrierFd);
          this.gone.set(v.spec.name, v.ifindex);
        }
        this.links = this.links.filter((x) => !victims.includes(x));
        return null;
      }
      case 'frame': {
        const l = this.link(step.iface, `${where}/iface`);
        const dst = parseMac(step.dst, `${where}/dst`);
        must(`frame ${step.id}`, sendto(this.txFd, rawFrame(dst, l.peerMac, Buffer.from(`${FRAME_TAG}${step.id}`)), sockaddrLl(l.peerIfindex, 0)));
        barrier(this.txFd, l, this.links, this.barrierSeq++);
        // veth has no receive filter (drivers/net/veth.c): every frame reaches the stack.
        deliveries[step.id] = { nic: true, sockets: [] };
        return null;
      }
    }
  }

  private drain(sockets: ReadonlyMap<string, KernelSocket>, received: Map<string, Set<string>>): void {
    drainSockets(sockets, received);
  }
}

function errnoOf(r: SysResult<number>): string | null {
  return r.ok ? null : r.errno;
}

/** Every IPv6 address of the link is non-tentative and its solicited-node group is joined (/proc/net/if_inet6, /proc/net/igmp6). */
function ipv6Settled(l: Link, ifInet6: string, igmp6: string): boolean {
  // A link created down has no link-local yet (addrconf_notify NETDEV_UP adds it), but its static
  // addresses join their solicited-node groups from their DAD work all the same.
  return ipv6SettledOn(l.spec.name, l.ipv6, ifInet6, igmp6, l.up);
}

/** The scenario's steps if none is a routing step: this runner has no router (`kernel route` has). */
function receiveSteps(scenario: Scenario): readonly Step[] {
  const i = scenario.steps.findIndex((s) => isRouteStep(s));
  if (i >= 0) throw new InputError(`/steps/${i}`, `a routing step (${scenario.steps[i]?.op}): the kernel runner runs receive-path steps only`);
  return scenario.steps as readonly Step[];
}

/** Runs one scenario on a fresh namespace pair and removes it. */
export function runOnKernel(scenario: Scenario, options: KernelRunOptions = {}): SimulateResult {
  const bench = new KernelBench();
  try {
    return bench.run(scenario, options);
  } finally {
    bench.dispose();
  }
}
