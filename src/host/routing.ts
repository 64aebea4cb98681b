// The host's multicast routing (issue 13): route steps run through src/route's MulticastRouter,
// whose vifs hold allmulti counts on the host's own devices (dev_set_allmulti: the count, the
// IFF_ALLMULTI flag and the NIC's rx mode all change), and datagrams the IP layer accepted from the
// wire are offered to ip_mr_input.
import type { Errno } from '../errors.ts';
import { MulticastRouter, type RouteFaultSet, cacheRows, procCache, procVif, type RouteInputResult } from '../route/index.ts';
import { IGMPMSG_UPCALL_LEN, IPV4_HEADER_LEN, MRT6MSG_LEN } from '../route/limits.ts';
import type { ForwardedCopyResult, RoutedReplay, RouteStep, StepResult, UpcallResult } from '../scenario/types.ts';
import type { HostInterface } from './interface.ts';

/** A send step's UDP payload unless it gives `payload` (the route differential's short datagram); with it the length routing counts. */
export const ROUTED_PAYLOAD_BYTES = 16;
const IPV4_UDP_HEADERS = 28; // struct iphdr + struct udphdr
const IPV6_UDP_HEADERS = 48; // struct ipv6hdr + struct udphdr
/** A Linux sender's default multicast TTL / hop limit (IP_MULTICAST_TTL, IPV6_MULTICAST_HOPS: 1). */
export const DEFAULT_MULTICAST_TTL = 1; // net/ipv4/af_inet.c inet_create: inet->mc_ttl = 1; net/ipv6/af_inet6.c: np->mcast_hops = IPV6_DEFAULT_MCASTHOPS (1)

export interface RoutedSend {
  readonly route: string;
  readonly forwarded: readonly ForwardedCopyResult[];
  readonly upcalls: readonly UpcallResult[];
}

const copies = (r: RouteInputResult): ForwardedCopyResult[] => r.forwarded.map((c) => ({ iface: c.iface, ttl: c.ttl }));
/** The fixed header of an upcall (igmpmsg: 20 bytes, 28 for a short report; mrt6msg: 40), ".." where unknown. */
function header(u: RouteInputResult['upcalls'][number]): string {
  const size = u.family === 'ipv6' ? MRT6MSG_LEN : u.bytes.length === IGMPMSG_UPCALL_LEN ? IGMPMSG_UPCALL_LEN : IPV4_HEADER_LEN;
  return u.bytes
    .slice(0, size)
    .map((b) => (b === null ? '..' : b.toString(16).padStart(2, '0')))
    .join(' ');
}

const upcalls = (r: RouteInputResult): UpcallResult[] =>
  r.upcalls.map((u) => ({ type: u.type, vif: u.vif, src: u.src, group: u.group, length: u.bytes.length, header: header(u) }));

/** What a step returns: its errno; for `mfc-add` the queued datagrams it resolved; for `mrt-get` the option's value. */
export interface RouteApplyResult {
  readonly error: Errno | null;
  readonly replayed?: RoutedReplay[];
  readonly value?: number;
}

export class HostRouting {
  readonly router: MulticastRouter;
  /** Set by the first route step: from then on deliveries and step results carry routing fields. */
  active = false;

  constructor(interfaces: ReadonlyMap<string, HostInterface>, faults: RouteFaultSet, ifindexes: ReadonlyMap<string, number>) {
    // The devices that exist now (a link-del step may have deleted some), with their ifindex.
    const devices = [...interfaces].map(([name, iface]) => ({ name, ifindex: ifindexes.get(name) ?? 0, ipv4: iface.ipv4.map((p) => p.addr.text) }));
    this.router = new MulticastRouter(devices, {
      faults,
      onAllmulti: (dev, delta) => interfaces.get(dev)?.changeAllmulti(delta),
    });
  }

  apply(step: RouteStep): RouteApplyResult {
    this.active = true;
    const r = this.router;
    switch (step.op) {
      case 'mrt-init': {
        const res = r.mrtInit(step.socket, step.family, step.proto, step.optlen);
        if (res.error === null && step.assert === true) return { error: r.mrtAssert(step.socket, true).error };
        return { error: res.error };
      }
      case 'mrt-open':
        return { error: r.mrtOpen(step.socket, step.family, step.proto).error };
      case 'mrt-assert':
        return { error: r.mrtAssert(step.socket, step.on).error };
      case 'mrt-get': {
        const res = r.mrtGet(step.socket, step.option);
        return res.value === undefined ? { error: res.error } : { error: null, value: res.value };
      }
      case 'mrt-done':
        return { error: step.close === true ? r.close(step.socket).error : r.mrtDone(step.socket).error };
      case 'mrt-pim':
        return { error: r.mrtPim(step.socket, step.value).error };
      case 'mrt-flush':
        return { error: r.mrtFlush(step.socket, step.flags).error };
      case 'vif-add':
        return { error: r.vifAdd(step.socket, step).error };
      case 'vif-del':
        return { error: r.vifDel(step.socket, step.vif).error };
      case 'mfc-add': {
        const res = r.mfcAdd(step.socket, step, step.proxy === true);
        const replayed = (res.replayed ?? []).map((x) => ({ id: x.datagram.id, forwarded: copies(x.result), upcalls: upcalls(x.result) }));
        return res.error === null ? { error: null, replayed } : { error: res.error };
      }
      case 'mfc-del':
        return { error: r.mfcDel(step.socket, step.origin, step.group, step.proxy === true ? { parent: step.parent ?? 0 } : undefined).error };
      case 'tick':
        r.tick(step.ms);
        return { error: null };
    }
  }

  /** ip_mr_input for a datagram that passed the NIC and the martian checks: a UDP datagram of `payload` bytes (default 16). */
  input(id: string, iface: string, src: string, group: string, ttl: number, payload = ROUTED_PAYLOAD_BYTES): RoutedSend {
    const length = payload + (group.includes(':') ? IPV6_UDP_HEADERS : IPV4_UDP_HEADERS);
    const res = this.router.input({ id, iface, src, group, ttl, length });
    return { route: res.verdict, forwarded: copies(res), upcalls: upcalls(res) };
  }

  proc(): NonNullable<StepResult['proc']> {
    const t4 = this.router.table('ipv4');
    const t6 = this.router.table('ipv6');
    return { ip_mr_vif: procVif(t4), ip_mr_cache: procCache(t4), ip6_mr_vif: procVif(t6), ip6_mr_cache: procCache(t6) };
  }

  /** Resolved and unresolved entries of both families (for tests and the CLI). */
  entries(): ReturnType<typeof cacheRows> {
    return [...cacheRows(this.router.table('ipv4')), ...cacheRows(this.router.table('ipv6'))];
  }
}
