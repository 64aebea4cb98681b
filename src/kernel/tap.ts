// Tap TX filter on the live kernel: a tap device in its own namespace, attached with TUNSETIFF,
// programmed with TUNSETTXFILTER, probed by frames sent from the kernel side (an AF_PACKET
// socket bound to the tap, bypassing the qdisc so tun_net_xmit runs inside sendto), and read
// back from the tap's file descriptor.
import { closeSync, constants as fsConstants, openSync, writeFileSync } from 'node:fs';
import { type Mac, macBytes } from '../wire/mac.ts';
import {
  AF_INET,
  AF_PACKET,
  IFF_UP,
  IFNAMSIZ,
  SIOCGIFFLAGS,
  SIOCGIFINDEX,
  SIOCSIFFLAGS,
  SOCK_RAW,
  bind,
  close,
  ifreq,
  ioctl,
  must,
  readNow,
  sendto,
  setsockoptInt,
  SOCK_DGRAM,
  socket,
} from '../sys/ffi.ts';
import { rawFrame, rawPayload, sockaddrLl } from '../sys/frames.ts';
import { createNamespace, deleteNamespace, inNamespace } from '../sys/netns.ts';

const IFF_TAP = 0x0002; // include/uapi/linux/if_tun.h
const IFF_NO_PI = 0x1000; // include/uapi/linux/if_tun.h
const TUNSETIFF = 0x400454ca; // include/uapi/linux/if_tun.h _IOW('T', 202, int)
const TUNSETTXFILTER = 0x400454d1; // include/uapi/linux/if_tun.h _IOW('T', 209, unsigned int)
export const TUN_FLT_ALLMULTI = 0x0001; // include/uapi/linux/if_tun.h
const SOL_PACKET = 263; // include/linux/socket.h
const PACKET_QDISC_BYPASS = 20; // include/uapi/linux/if_packet.h
const ETH_ALEN = 6; // include/uapi/linux/if_ether.h
const TAP_NAME = 'mtbtap0';
const PROBE_SRC = '02:6d:74:62:ee:01' as Mac;
const PROBE_TAG = 'mtb-probe:';
/** Frames the tap queue may hold beyond the probe (none expected: IPv6 is off, no addresses). */
const MAX_READS_PER_PROBE = 64;

/** struct tun_filter { __u16 flags; __u16 count; __u8 addr[][ETH_ALEN]; } (include/uapi/linux/if_tun.h). */
export function tunFilter(flags: number, addrs: readonly Mac[]): Buffer {
  const b = Buffer.alloc(4 + ETH_ALEN * addrs.length);
  b.writeUInt16LE(flags, 0);
  b.writeUInt16LE(addrs.length, 2);
  addrs.forEach((a, i) => Buffer.from(macBytes(a)).copy(b, 4 + ETH_ALEN * i));
  return b;
}

export class TapBench {
  readonly ns: string;
  private readonly tapFd: number;
  private readonly packetFd: number;
  private readonly ifindex: number;
  private seq = 0;
  private closed = false;

  constructor() {
    this.ns = createNamespace();
    const made = inNamespace(this.ns, () => {
      // No IPv6 on the tap: no DAD, RS or MLD frames in its queue.
      writeFileSync('/proc/sys/net/ipv6/conf/default/disable_ipv6', '1');
      // The tap is created in the namespace of the opener (drivers/net/tun.c tun_set_iff uses the file's socket netns).
      const tapFd = openSync('/dev/net/tun', fsConstants.O_RDWR | fsConstants.O_NONBLOCK);
      const req = ifreq(TAP_NAME);
      req.writeUInt16LE(IFF_TAP | IFF_NO_PI, IFNAMSIZ);
      must('TUNSETIFF', ioctl(tapFd, TUNSETIFF, req));
      const ctl = must('socket(AF_INET)', socket(AF_INET, SOCK_DGRAM, 0));
      const flags = ifreq(TAP_NAME);
      must('SIOCGIFFLAGS', ioctl(ctl, SIOCGIFFLAGS, flags));
      flags.writeUInt16LE(flags.readUInt16LE(IFNAMSIZ) | IFF_UP, IFNAMSIZ);
      must('SIOCSIFFLAGS', ioctl(ctl, SIOCSIFFLAGS, flags));
      const idx = ifreq(TAP_NAME);
      must('SIOCGIFINDEX', ioctl(ctl, SIOCGIFINDEX, idx));
      close(ctl);
      const packetFd = must('socket(AF_PACKET)', socket(AF_PACKET, SOCK_RAW, 0));
      return { tapFd, packetFd, ifindex: idx.readInt32LE(IFNAMSIZ) };
    });
    this.tapFd = made.tapFd;
    this.packetFd = made.packetFd;
    this.ifindex = made.ifindex;
    // packet_direct_xmit: the driver's ndo_start_xmit runs inside sendto, no qdisc in between.
    must('PACKET_QDISC_BYPASS', setsockoptInt(this.packetFd, SOL_PACKET, PACKET_QDISC_BYPASS, 1));
    must('bind(AF_PACKET)', bind(this.packetFd, sockaddrLl(this.ifindex, 0)));
    this.drain();
  }

  /** TUNSETTXFILTER; returns the errno name on failure. */
  program(flags: number, addrs: readonly Mac[]): string | null {
    const r = ioctl(this.tapFd, TUNSETTXFILTER, tunFilter(flags, addrs));
    return r.ok ? null : r.errno;
  }

  private drain(): void {
    for (let n = 0; n < MAX_READS_PER_PROBE && readNow(this.tapFd); n++);
  }

  /** Sends one frame to `dst` out of the tap; true when it reaches the tap's file descriptor. */
  probe(dst: Mac): boolean {
    const tag = `${PROBE_TAG}${this.seq++}`;
    // A frame tun_net_xmit drops comes back as NET_XMIT_DROP, which packet_snd reports as
    // ENOBUFS (net/packet/af_packet.c, net_xmit_errno); the fd read below decides either way.
    const sent = sendto(this.packetFd, rawFrame(dst, PROBE_SRC, Buffer.from(tag)), sockaddrLl(this.ifindex, 0));
    if (!sent.ok && sent.errno !== 'ENOBUFS') must('send probe', sent);
    let seen = false;
    for (let n = 0; n < MAX_READS_PER_PROBE; n++) {
      const f = readNow(this.tapFd);
      if (!f) break;
      if (rawPayload(f) === tag) seen = true;
    }
    return seen;
  }

  dispose(): void {
    if (this.closed) return;
    this.closed = true;
    close(this.packetFd);
    closeSync(this.tapFd);
    deleteNamespace(this.ns);
  }
}
