// A scenario interface as the namespace runners hold it (a veth end, its peer in the sender
// namespace, or a macvlan on a veth end), the checks a name must pass before `ip` creates it, and
// the barrier frame that tells when the frames before it went through.
import { InputError } from '../errors.ts';
import type { InterfaceSpec } from '../scenario/types.ts';
import { IFNAMSIZ, KernelCallError, SIOCGIFINDEX, type SysResult, ifreq, ioctl, must, recvNow, sendto } from '../sys/ffi.ts';
import { rawFrame, rawPayload, sockaddrLl } from '../sys/frames.ts';
import { KernelEnvError } from '../sys/netns.ts';
import { parsePrefix } from '../wire/ip.ts';
import { type Mac, BROADCAST_MAC, parseMac } from '../wire/mac.ts';

/** How long to wait for a barrier frame or for IPv6 address setup before calling it an environment failure: a bound against a lost frame, never a measure of speed (5 s was too short at load 13-26). */
export const SETTLE_TIMEOUT_MS = 60_000;
export const POLL_MS = 1;
const BARRIER_TAG = 'mtb-barrier:';

export function sleepMs(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

export interface Link {
  readonly spec: InterfaceSpec;
  readonly ifindex: number;
  /** The veth peer in the sender namespace; a macvlan's frames travel on its lower's. */
  readonly peer: string;
  readonly peerIfindex: number;
  readonly peerMac: Mac;
  /** AF_PACKET socket in the receiver namespace, bound to the interface, receiving barriers only. */
  readonly barrierFd: number;
  /** A macvlan's lower link; null for a veth end. */
  readonly lower: Link | null;
  /** IFF_UP as the steps left it (veth ends stay up). */
  up: boolean;
  /** IPv6 addresses the link holds besides its link-local (a `link down` deletes them all). */
  ipv6: readonly string[];
}

export function pickPeerMac(taken: ReadonlySet<string>, n: number): Mac {
  for (let k = 0; ; k++) {
    const m = parseMac(`02:6d:74:62:${(k & 0xff).toString(16).padStart(2, '0')}:${(n & 0xff).toString(16).padStart(2, '0')}`);
    if (!taken.has(m)) return m;
  }
}

/**
 * Sends a barrier frame after the last frame and waits until the receiver's packet tap sees it.
 * The thread is pinned to one CPU, so both frames go through the same per-CPU backlog queue
 * (net/core/dev.c netif_rx -> enqueue_to_backlog) and are processed in order: when the barrier
 * is seen, the frame before it has been delivered to its sockets or dropped.
 */
export function barrier(txFd: number, l: Link, links: readonly Link[], seq: number): void {
  const tag = `${BARRIER_TAG}${seq}`;
  must('send barrier', sendto(txFd, rawFrame(BROADCAST_MAC, l.peerMac, Buffer.from(tag)), sockaddrLl(l.peerIfindex, 0)));
  // The wire's own end and every up macvlan on it: drivers/net/macvlan.c hands broadcast and
  // multicast to the macvlans from a work item (macvlan_process_broadcast), after the lower
  // has seen the frame, so the barrier must come out of each of them.
  const wire = l.lower ?? l;
  const waiting = [wire, ...links.filter((m) => m.lower === wire && m.up)];
  const deadline = Date.now() + SETTLE_TIMEOUT_MS;
  for (const [k, w] of waiting.entries()) {
    while (!sawBarrier(w, tag)) {
      if (Date.now() > deadline) {
        const seen = waiting.slice(0, k).map((x) => x.spec.name);
        throw new KernelEnvError(
          `barrier frame on ${w.spec.name} not seen in ${SETTLE_TIMEOUT_MS} ms${seen.length > 0 ? ` (seen on ${seen.join(', ')})` : ''}`,
        );
      }
      sleepMs(POLL_MS);
    }
  }
}

/** Reads the link's barrier socket up to the barrier `tag`; false when it has not come yet. */
function sawBarrier(l: Link, tag: string): boolean {
  for (let f = recvNow(l.barrierFd); f; f = recvNow(l.barrierFd)) {
    if (rawPayload(f) === tag) return true;
  }
  return false;
}

export function clearNetDown(fd: number): void {
  try {
    while (recvNow(fd)) {
      // frames queued before the device went down: nothing waits for them
    }
  } catch (e) {
    if (!(e instanceof KernelCallError) || e.errno !== 'ENETDOWN') throw e;
  }
}

export function htons(n: number): number {
  return ((n & 0xff) << 8) | ((n >> 8) & 0xff);
}

export function checkInterfaces(interfaces: readonly InterfaceSpec[]): void {
  interfaces.forEach((spec, i) => {
    // IFNAMSIZ - 1 characters (include/uapi/linux/if.h); `lo` exists in every namespace and
    // `mtbp*` are the sender's peers.
    if (!/^[A-Za-z][A-Za-z0-9_.-]{0,14}$/.test(spec.name) || spec.name === 'lo' || spec.name.startsWith('mtbp')) {
      throw new InputError(`/interfaces/${i}/name`, `interface name ${JSON.stringify(spec.name)} cannot be created by the kernel runner`);
    }
    parseMac(spec.mac, `/interfaces/${i}/mac`);
    (spec.ipv4 ?? []).forEach((a, k) => parsePrefix(a, `/interfaces/${i}/ipv4/${k}`));
    (spec.ipv6 ?? []).forEach((a, k) => parsePrefix(a, `/interfaces/${i}/ipv6/${k}`));
  });
}

/** SIOCGIFINDEX on a socket of the link's namespace (net/core/dev_ioctl.c). */
export function ifindexOf(fd: number, name: string): SysResult<number> {
  const req = ifreq(name);
  const r = ioctl(fd, SIOCGIFINDEX, req);
  return r.ok ? { ok: true, value: req.readInt32LE(IFNAMSIZ) } : r;
}
