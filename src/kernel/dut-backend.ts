// The device-under-test backend of the live differential (issue 20 item 5): the user's NIC (the
// DUT) and a port wired to it (the peer), both in the current network namespace. Joins, leaves,
// `maddr` and the user flags happen on the DUT; every frame leaves the peer; what the DUT's NIC
// accepted is read on an AF_PACKET socket bound to the DUT without a promiscuous membership
// (net/packet/af_packet.c: only PACKET_MR_PROMISC would change the NIC's filter). The core judges
// each frame against the profile's must / may / must-not (Blindness.mayFrames); the DUT's device
// list, counters and the sockets a datagram reaches belong to the whole host, not to the
// scenario, and are not compared. Nothing else on the DUT is touched: after every scenario the
// sockets are closed, the `maddr` entries it added are deleted and the flags it set are cleared.
import { fillMacs } from '../scenario/fill.ts';
import { readFileSync } from 'node:fs';
import type { Errno } from '../errors.ts';
import { InputError } from '../errors.ts';
import type { Blindness, LiveBackend } from '../live/backend.ts';
import type { Delivery, InterfaceSpec, Scenario, SimulateResult, StepResult } from '../scenario/types.ts';
import { isRouteStep } from '../scenario/types.ts';
import {
  AF_INET,
  AF_PACKET,
  ETH_P_ALL,
  IFF_ALLMULTI,
  IFF_PROMISC,
  SIOCDELMULTI,
  SIOCGIFFLAGS,
  SIOCSIFFLAGS,
  SOCK_DGRAM,
  SOCK_NONBLOCK,
  SOCK_RAW,
  bind,
  close,
  ifreq,
  ioctl,
  must,
  pinToOneCpu,
  recvNow,
  sendto,
  socket,
} from '../sys/ffi.ts';
import { rawFrame, sockaddrLl, udpFrame } from '../sys/frames.ts';
import { KernelEnvError, ip } from '../sys/netns.ts';
import { parseIp } from '../wire/ip.ts';
import { type Mac, BROADCAST_MAC, macBytes, parseMac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';
import { parseDevMcast } from './proc-net.ts';
import { DATAGRAM_TAG, type KernelSocket, applySocketStep, drainSockets } from './socket-steps.ts';
import { POLL_MS, SETTLE_TIMEOUT_MS, htons, ifindexOf, sleepMs } from './veth-link.ts';

const FRAME_TAG = 'mtb-dut-frame:';
const BARRIER_TAG = 'mtb-dut-barrier:';

/** What the DUT mode cannot observe: see the file comment. */
export const DUT_BLINDNESS: Blindness = { nicState: true, listOrder: true, mayFrames: true, deviceState: true, receivers: true };

export interface DutOptions {
  /** The device under test, in the current namespace. */
  readonly dut: string;
  /** The port wired to it: frames leave here. */
  readonly peer: string;
  /** The NIC profile the DUT is judged against. */
  readonly profile: string;
}

interface IpJsonLink {
  readonly ifname: string;
  readonly address?: string;
  readonly addr_info?: readonly { readonly family: string; readonly local: string; readonly prefixlen: number; readonly scope: string }[];
}

/** `frame` carries `tag` as its payload's end (the rest is padding, if any). */
function carriesTag(frame: Buffer, tag: string): boolean {
  const text = frame.toString('latin1');
  for (let i = text.indexOf(tag); i >= 0; i = text.indexOf(tag, i + 1)) {
    const next = text[i + tag.length];
    if (next === undefined || next === '\0') return true;
  }
  return false;
}

export class DutBackend implements LiveBackend {
  readonly label: string;
  readonly profile: string;
  readonly blind = DUT_BLINDNESS;
  readonly observer = 'dut';
  readonly interfaces: readonly InterfaceSpec[];
  private readonly dut: string;
  private readonly dutIfindex: number;
  private readonly peerIfindex: number;
  private readonly peerMac: Mac;
  /** MACs `ip maddr` held on the DUT before we came: never deleted by us. */
  private readonly globalAtStart: ReadonlySet<string>;
  private readonly helperFd: number;
  private readonly txFd: number;
  private readonly rxFd: number;
  private barrierSeq = 0;
  private closed = false;

  constructor(options: DutOptions) {
    if (options.dut === options.peer) throw new InputError('--peer', `the peer must be another port than the DUT ${options.dut}`);
    this.dut = options.dut;
    this.profile = options.profile;
    this.label = `dut ${options.dut} (peer ${options.peer}, profile ${options.profile})`;
    const links = JSON.parse(ip(['-j', 'addr', 'show'])) as IpJsonLink[];
    const dut = links.find((l) => l.ifname === options.dut);
    const peer = links.find((l) => l.ifname === options.peer);
    if (!dut?.address) throw new InputError('--dut', `no Ethernet interface ${JSON.stringify(options.dut)} in this namespace`);
    if (!peer?.address) throw new InputError('--peer', `no Ethernet interface ${JSON.stringify(options.peer)} in this namespace`);
    this.peerMac = parseMac(peer.address, '--peer');
    this.helperFd = must('socket(AF_INET) helper', socket(AF_INET, SOCK_DGRAM, 0));
    const flags = this.flags();
    if ((flags & (IFF_PROMISC | IFF_ALLMULTI)) !== 0) {
      close(this.helperFd);
      throw new KernelEnvError(`${options.dut} is already ${flags & IFF_PROMISC ? 'promiscuous' : 'all-multicast'}: its NIC filter cannot be observed`);
    }
    this.dutIfindex = must(`SIOCGIFINDEX ${options.dut}`, ifindexOf(this.helperFd, options.dut));
    this.peerIfindex = must(`SIOCGIFINDEX ${options.peer}`, ifindexOf(this.helperFd, options.peer));
    this.globalAtStart = new Set(parseDevMcast(this.devMcast(), options.dut).filter((e) => e.global).map((e) => e.mac));
    const addrs = dut.addr_info ?? [];
    const disabled = readFileSync(`/proc/sys/net/ipv6/conf/${options.dut}/disable_ipv6`, 'utf8').trim() === '1';
    this.interfaces = [
      {
        name: options.dut,
        mac: parseMac(dut.address, '--dut'),
        nic: options.profile,
        ...(addrs.some((a) => a.family === 'inet') ? { ipv4: addrs.filter((a) => a.family === 'inet').map((a) => `${a.local}/${a.prefixlen}`) } : {}),
        // The link-local address is the kernel's own; the scenario lists the others.
        ...(addrs.some((a) => a.family === 'inet6' && a.scope !== 'link')
          ? { ipv6: addrs.filter((a) => a.family === 'inet6' && a.scope !== 'link').map((a) => `${a.local}/${a.prefixlen}`) }
          : {}),
        ...(disabled ? { disableIpv6: true } : {}),
      },
    ];
    this.txFd = must('socket(AF_PACKET) peer', socket(AF_PACKET, SOCK_RAW, 0));
    this.rxFd = must('socket(AF_PACKET) dut', socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK, htons(ETH_P_ALL)));
    must(`bind ${options.dut}`, bind(this.rxFd, sockaddrLl(this.dutIfindex, ETH_P_ALL)));
  }

  async run(scenario: Scenario): Promise<SimulateResult> {
    if (this.closed) throw new KernelEnvError('DutBackend already disposed');
    const routed = scenario.steps.findIndex((s) => isRouteStep(s));
    if (routed >= 0) throw new InputError(`/steps/${routed}`, 'the DUT backend runs receive-path steps only');
    const sockets = new Map<string, KernelSocket>();
    const received = new Map<string, Set<string>>();
    const deliveries: Record<string, Delivery> = {};
    const steps: StepResult[] = [];
    const added = new Set<string>();
    const userFlags = { promisc: false, allmulti: false };
    const ctx = {
      ns: null,
      helperFd: this.helperFd,
      ifindex: (name: string, where: string): number => {
        if (name !== this.dut) throw new InputError(where, `unknown interface ${JSON.stringify(name)}: the DUT is ${this.dut}`);
        return this.dutIfindex;
      },
    };
    const pin = pinToOneCpu();
    try {
      scenario.steps.forEach((step, i) => {
        const where = `/steps/${i}`;
        let error: string | null = null;
        switch (step.op) {
          case 'send': {
            const src = parseIp(step.src, `${where}/src`);
            const dst = parseIp(step.dst, `${where}/dst`);
            const tag = `${DATAGRAM_TAG}${step.id}`;
            must(`send ${step.id}`, sendto(this.txFd, udpFrame(groupMac(dst), this.peerMac, src, dst, step.port, Buffer.from(tag)), sockaddrLl(this.peerIfindex, 0)));
            const nic = this.barrier(tag);
            drainSockets(sockets, received);
            deliveries[step.id] = { nic, sockets: [...(received.get(step.id) ?? [])].sort() };
            break;
          }
          case 'frame': {
            const tag = `${FRAME_TAG}${step.id}`;
            must(`frame ${step.id}`, sendto(this.txFd, rawFrame(parseMac(step.dst, `${where}/dst`), this.peerMac, Buffer.from(tag)), sockaddrLl(this.peerIfindex, 0)));
            deliveries[step.id] = { nic: this.barrier(tag), sockets: [] };
            break;
          }
          case 'link':
            throw new InputError(`${where}/op`, 'the DUT backend has no stacked interfaces to take down');
          case 'link-del':
            throw new InputError(`${where}/op`, 'the DUT backend cannot delete the device under test');
          default: {
            if (isRouteStep(step)) break;
            error = applySocketStep(step, where, ctx, sockets);
            if (error === null && step.op === 'maddr') {
              const mac = parseMac(step.mac);
              if (step.add) added.add(mac);
              else added.delete(mac);
            }
            // A fill that stopped early added fewer: undo tolerates those that are not there.
            if (step.op === 'fill') for (const mac of fillMacs(step)) added.add(mac);
            if (error === null && (step.op === 'promisc' || step.op === 'allmulti')) userFlags[step.op] = step.on;
          }
        }
        steps.push({ op: step.op, error: error as Errno | null });
      });
      const list = parseDevMcast(this.devMcast(), this.dut);
      const [link] = JSON.parse(ip(['-d', '-j', 'link', 'show', 'dev', this.dut])) as { promiscuity?: number; allmulti?: number }[];
      return {
        steps,
        // Shown side by side, not compared (DUT_BLINDNESS): the host's other users hold entries and
        // counts too; the filter's state is the hardware's (nic: null).
        interfaces: {
          [this.dut]: { mc: list.map((e) => ({ mac: e.mac, users: e.users })), promisc: link?.promiscuity ?? -1, allmulti: link?.allmulti ?? -1, nic: null },
        },
        deliveries,
      };
    } finally {
      for (const s of sockets.values()) close(s.fd);
      this.undo(added, userFlags);
      pin.restore();
    }
  }

  /** Deletes the `maddr` entries a scenario added and clears the user flags it set. */
  private undo(added: ReadonlySet<string>, userFlags: { promisc: boolean; allmulti: boolean }): void {
    for (const mac of added) {
      if (this.globalAtStart.has(mac)) continue;
      const req = ifreq(this.dut);
      Buffer.from(macBytes(parseMac(mac))).copy(req, 16 + 2);
      const r = ioctl(this.helperFd, SIOCDELMULTI, req);
      if (!r.ok && r.errno !== 'ENOENT') must(`SIOCDELMULTI ${mac} on ${this.dut}`, r);
    }
    if (!userFlags.promisc && !userFlags.allmulti) return;
    const req = ifreq(this.dut);
    must(`SIOCGIFFLAGS ${this.dut}`, ioctl(this.helperFd, SIOCGIFFLAGS, req));
    const clear = (userFlags.promisc ? IFF_PROMISC : 0) | (userFlags.allmulti ? IFF_ALLMULTI : 0);
    req.writeUInt16LE(req.readUInt16LE(16) & ~clear, 16);
    must(`SIOCSIFFLAGS ${this.dut}`, ioctl(this.helperFd, SIOCSIFFLAGS, req));
  }

  /**
   * Sends a broadcast barrier from the peer and reads the DUT's packet socket up to it; true when
   * the frame tagged `tag` came before it (the NIC accepted it). Both frames take the same path
   * in order (one CPU, one queue); a DUT spreading them over RX queues needs one queue (ethtool -L).
   */
  private barrier(tag: string): boolean {
    const barrier = `${BARRIER_TAG}${this.barrierSeq++}`;
    must('send barrier', sendto(this.txFd, rawFrame(BROADCAST_MAC, this.peerMac, Buffer.from(barrier)), sockaddrLl(this.peerIfindex, 0)));
    const deadline = Date.now() + SETTLE_TIMEOUT_MS;
    let seen = false;
    for (;;) {
      for (let f = recvNow(this.rxFd); f; f = recvNow(this.rxFd)) {
        if (carriesTag(f, barrier)) return seen;
        if (carriesTag(f, tag)) seen = true;
      }
      if (Date.now() > deadline) throw new KernelEnvError(`barrier frame from ${this.peerMac} not seen on ${this.dut} in ${SETTLE_TIMEOUT_MS} ms: is the peer wired to the DUT?`);
      sleepMs(POLL_MS);
    }
  }

  private flags(): number {
    const req = ifreq(this.dut);
    must(`SIOCGIFFLAGS ${this.dut}`, ioctl(this.helperFd, SIOCGIFFLAGS, req));
    return req.readUInt16LE(16);
  }

  private devMcast(): string {
    return readFileSync('/proc/thread-self/net/dev_mcast', 'utf8');
  }

  async dispose(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const fd of [this.rxFd, this.txFd, this.helperFd]) close(fd);
  }
}
