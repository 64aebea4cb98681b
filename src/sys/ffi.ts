// The few libc calls the live backends need, through koffi: sockets, socket options, ioctls,
// setns and CPU affinity. Every call returns the errno NAME on failure (os.constants.errno).
// Linux x86_64/aarch64 ABI values; each constant cites its uapi header.
import { constants as osConstants } from 'node:os';
import koffi from 'koffi';

export const AF_INET = 2; // include/linux/socket.h
export const AF_INET6 = 10; // include/linux/socket.h
export const AF_PACKET = 17; // include/linux/socket.h
export const SOCK_DGRAM = 2; // include/linux/net.h
export const SOCK_RAW = 3; // include/linux/net.h
export const SOCK_NONBLOCK = 0o4000; // include/linux/net.h (O_NONBLOCK)
export const SOCK_CLOEXEC = 0o2000000; // include/linux/net.h (O_CLOEXEC)
export const SOL_SOCKET = 1; // include/uapi/asm-generic/socket.h
export const SO_REUSEADDR = 2; // include/uapi/asm-generic/socket.h
export const IPPROTO_IP = 0; // include/uapi/linux/in.h
export const IPPROTO_IPV6 = 41; // include/uapi/linux/in.h
export const IP_MULTICAST_ALL = 49; // include/uapi/linux/in.h
export const IPV6_MULTICAST_ALL = 29; // include/uapi/linux/in6.h
export const MCAST_JOIN_GROUP = 42; // include/uapi/linux/in.h
export const MCAST_BLOCK_SOURCE = 43; // include/uapi/linux/in.h
export const MCAST_LEAVE_GROUP = 45; // include/uapi/linux/in.h
export const MCAST_JOIN_SOURCE_GROUP = 46; // include/uapi/linux/in.h
export const MSG_DONTWAIT = 0x40; // include/linux/socket.h
export const ETH_P_ALL = 0x0003; // include/uapi/linux/if_ether.h
export const SIOCGIFFLAGS = 0x8913; // include/uapi/linux/sockios.h
export const SIOCSIFFLAGS = 0x8914; // include/uapi/linux/sockios.h
export const SIOCADDMULTI = 0x8931; // include/uapi/linux/sockios.h
export const SIOCDELMULTI = 0x8932; // include/uapi/linux/sockios.h
export const SIOCGIFINDEX = 0x8933; // include/uapi/linux/sockios.h
export const IFF_UP = 0x1; // include/uapi/linux/if.h
export const IFF_PROMISC = 0x100; // include/uapi/linux/if.h
export const IFF_ALLMULTI = 0x200; // include/uapi/linux/if.h
export const IFNAMSIZ = 16; // include/uapi/linux/if.h
export const IFREQ_SIZE = 40; // struct ifreq: IFNAMSIZ + the 24-byte union (struct ifmap)
export const CLONE_NEWNET = 0x40000000; // include/uapi/linux/sched.h

// Loaded on first use, so that importing this module never fails where libc.so.6 is absent
// (the kernel tests must be able to import it and then skip).
function bindLibc() {
  const libc = koffi.load('libc.so.6');
  return {
    socket: libc.func('int socket(int domain, int type, int protocol)'),
    setsockopt: libc.func('int setsockopt(int fd, int level, int name, void *val, uint32_t len)'),
    getsockopt: libc.func('int getsockopt(int fd, int level, int name, _Out_ void *val, _Inout_ uint32_t *len)'),
    bind: libc.func('int bind(int fd, void *addr, uint32_t len)'),
    sendto: libc.func('intptr_t sendto(int fd, void *buf, size_t len, int flags, void *addr, uint32_t alen)'),
    recv: libc.func('intptr_t recv(int fd, _Out_ void *buf, size_t len, int flags)'),
    close: libc.func('int close(int fd)'),
    ioctl: libc.func('int ioctl(int fd, unsigned long req, void *arg)'),
    setns: libc.func('int setns(int fd, int nstype)'),
    schedSetaffinity: libc.func('int sched_setaffinity(int pid, size_t len, void *mask)'),
    schedGetaffinity: libc.func('int sched_getaffinity(int pid, size_t len, _Out_ void *mask)'),
    read: libc.func('intptr_t read(int fd, _Out_ void *buf, size_t len)'),
  };
}
let bound: ReturnType<typeof bindLibc> | undefined;
function c(): ReturnType<typeof bindLibc> {
  bound ??= bindLibc();
  return bound;
}

const ERRNO_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(osConstants.errno).map(([name, n]) => [n, name]),
);

/** The errno name ("EINVAL") of the last failed call. */
function lastErrno(): string {
  const n = koffi.errno();
  return ERRNO_NAMES.get(n) ?? `ERRNO_${n}`;
}

export type SysResult<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly errno: string };

function result(ret: number | bigint): SysResult<number> {
  const n = Number(ret);
  return n < 0 ? { ok: false, errno: lastErrno() } : { ok: true, value: n };
}

/** Thrown when a call that must not fail in a correct setup fails (an environment problem). */
export class KernelCallError extends Error {
  override readonly name = 'KernelCallError';
  constructor(what: string, readonly errno: string) {
    super(`${what} failed: ${errno}`);
  }
}

export function must<T>(what: string, r: SysResult<T>): T {
  if (!r.ok) throw new KernelCallError(what, r.errno);
  return r.value;
}

export function socket(domain: number, type: number, protocol = 0): SysResult<number> {
  return result(c().socket(domain, type | SOCK_CLOEXEC, protocol));
}
export function setsockopt(fd: number, level: number, name: number, value: Buffer): SysResult<number> {
  return result(c().setsockopt(fd, level, name, value, value.length));
}
/** getsockopt with a `len`-byte buffer: the bytes the kernel returned (it may shorten optlen). */
export function getsockopt(fd: number, level: number, name: number, len: number): SysResult<Buffer> {
  const val = Buffer.alloc(len);
  const optlen = [len];
  const r = result(c().getsockopt(fd, level, name, val, optlen));
  return r.ok ? { ok: true, value: val.subarray(0, optlen[0] ?? len) } : r;
}
export function setsockoptInt(fd: number, level: number, name: number, value: number): SysResult<number> {
  const b = Buffer.alloc(4);
  b.writeInt32LE(value);
  return setsockopt(fd, level, name, b);
}
export function bind(fd: number, addr: Buffer): SysResult<number> {
  return result(c().bind(fd, addr, addr.length));
}
export function sendto(fd: number, data: Buffer, addr: Buffer): SysResult<number> {
  return result(c().sendto(fd, data, data.length, 0, addr, addr.length));
}
/** Non-blocking receive of one datagram/frame; null when the queue is empty. */
export function recvNow(fd: number, max = 2048): Buffer | null {
  const buf = Buffer.alloc(max);
  const n = Number(c().recv(fd, buf, max, MSG_DONTWAIT));
  if (n < 0) {
    const e = lastErrno();
    if (e === 'EAGAIN' || e === 'EWOULDBLOCK') return null;
    throw new KernelCallError(`recv(${fd})`, e);
  }
  return buf.subarray(0, n);
}
/** read(2) on an O_NONBLOCK fd (a tap); null when nothing is queued. */
export function readNow(fd: number, max = 2048): Buffer | null {
  const buf = Buffer.alloc(max);
  const n = Number(c().read(fd, buf, max));
  if (n < 0) {
    const e = lastErrno();
    if (e === 'EAGAIN' || e === 'EWOULDBLOCK') return null;
    throw new KernelCallError(`read(${fd})`, e);
  }
  return buf.subarray(0, n);
}
export function close(fd: number): void {
  c().close(fd);
}
export function ioctl(fd: number, request: number, arg: Buffer): SysResult<number> {
  return result(c().ioctl(fd, request, arg));
}
export function setns(fd: number, nstype: number): SysResult<number> {
  return result(c().setns(fd, nstype));
}

const CPU_SET_BYTES = 128; // glibc cpu_set_t: 1024 bits

/** Pins the calling thread to one CPU it may run on (so every netif_rx uses one backlog queue). */
export function pinToOneCpu(): { restore: () => void } {
  const old = Buffer.alloc(CPU_SET_BYTES);
  must('sched_getaffinity', result(c().schedGetaffinity(0, CPU_SET_BYTES, old)));
  let cpu = -1;
  for (let i = 0; i < CPU_SET_BYTES * 8 && cpu < 0; i++) {
    if (((old[i >> 3] as number) >> (i & 7)) & 1) cpu = i;
  }
  const mask = Buffer.alloc(CPU_SET_BYTES);
  mask[cpu >> 3] = 1 << (cpu & 7);
  must('sched_setaffinity', result(c().schedSetaffinity(0, CPU_SET_BYTES, mask)));
  return { restore: () => void c().schedSetaffinity(0, CPU_SET_BYTES, old) };
}

/** struct ifreq with ifr_name set; the union is left zero for the caller to fill. */
export function ifreq(name: string): Buffer {
  const b = Buffer.alloc(IFREQ_SIZE);
  b.write(name, 0, IFNAMSIZ - 1, 'latin1');
  return b;
}
