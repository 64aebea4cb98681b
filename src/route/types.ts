// Value types of the multicast-routing model: what goes in (socket options, datagrams) and what
// comes out (forwarded copies, upcalls, errors). Addresses are canonical text (src/wire forms).
import type { Errno } from '../errors.ts';

export type RouteFamily = 'ipv4' | 'ipv6';

/** The kind of socket an MRT option is called on: only raw IGMP (IPv4) / raw ICMPv6 (IPv6) may route. */
export type MrtSocketProto = 'igmp' | 'icmpv6' | 'udp';

/** A network device the router knows: name and ifindex (the ifindex shows in ip_mr_vif's Local column). */
export interface RouteDevice {
  readonly name: string;
  readonly ifindex: number;
  /** Its IPv4 addresses: a vif added by local address (vifc_flags 0) finds its device by them (ip_dev_find). */
  readonly ipv4?: readonly string[];
}

/** MRT_ADD_VIF / MRT6_ADD_MIF: a vif on a device, or the register vif (pimreg / pim6reg). */
export interface VifSpec {
  readonly vif: number;
  readonly iface?: string;
  readonly register?: boolean;
  /** vifc_threshold (default 1): stored, shown nowhere (/proc, netlink), ignored by forwarding. */
  readonly threshold?: number;
  /**
   * IPv4 vifc_lcl_addr. Without `iface` and `register`: a vif by local address (vifc_flags 0), on
   * the device that holds it (ip_dev_find). With `register`: stored, shown in ip_mr_vif's Local.
   */
  readonly local?: string;
}

/**
 * MRT_ADD_MFC / MRT6_ADD_MFC. IPv4: `ttls[v]` per vif as in mfcc_ttls (missing = 0). IPv6: `oifs`
 * is the interface set (mf6cc_ifset); each member gets threshold 1. Origin and group 0.0.0.0 / ::
 * make (*,G) and (*,*) entries.
 */
export interface MfcSpec {
  readonly origin: string;
  readonly group: string;
  readonly parent: number;
  readonly ttls?: readonly number[];
  readonly oifs?: readonly number[];
}

/** A datagram arriving on `iface`: source, group, TTL (hop limit) and length of the IP datagram. */
export interface RoutedDatagram {
  readonly id: string;
  readonly iface: string;
  readonly src: string;
  readonly group: string;
  readonly ttl: number;
  readonly length: number;
}

/** One copy sent out: the vif, its device and the TTL it leaves with (received TTL - 1). */
export interface ForwardedCopy {
  readonly vif: number;
  readonly iface: string;
  readonly ttl: number;
}

export type UpcallType = 'NOCACHE' | 'WRONGVIF' | 'WHOLEPKT' | 'WRVIFWHOLE';

/**
 * A message the kernel queues on the mroute socket (struct igmpmsg / struct mrt6msg). `bytes` is the
 * message as read(2) returns it; `null` marks a byte the model cannot know: one the kernel does not
 * initialise (`uninitialised`) or one copied from the sender's IP header (`fromSender`: IPv4 id and
 * fragment word).
 */
export interface Upcall {
  readonly family: RouteFamily;
  readonly type: UpcallType;
  readonly msgtype: number;
  readonly vif: number;
  readonly src: string;
  readonly group: string;
  readonly datagram: string;
  readonly bytes: readonly (number | null)[];
  readonly uninitialised: readonly number[];
  readonly fromSender: readonly number[];
}

/** What became of one datagram in multicast routing (ip_mr_input / ip6_mr_input). */
export type RouteVerdict =
  | 'not-routed' // no routing (gate closed, link-local group, no vif on the device...)
  | 'forwarded' // through a resolved entry (possibly to no vif)
  | 'wrong-vif' // arrived on a vif other than the entry's parent: counted Wrong, not forwarded
  | 'queued' // no entry: held on the unresolved entry
  | 'queue-full' // no entry, the unresolved entry already holds 4: dropped (ENOBUFS)
  | 'no-socket'; // no entry and no mroute socket to ask: dropped (ipmr_cache_report EINVAL)

export interface RouteInputResult {
  readonly verdict: RouteVerdict;
  readonly forwarded: readonly ForwardedCopy[];
  readonly upcalls: readonly Upcall[];
}

/** A resolved queue: each replayed datagram with what it did, in replay order. */
export interface ReplayedDatagram {
  readonly datagram: RoutedDatagram;
  readonly result: RouteInputResult;
}

export interface RouteOpResult {
  readonly error: Errno | null;
  /** mrt-get: the option's value. */
  readonly value?: number;
  readonly replayed?: readonly ReplayedDatagram[];
}

/** One routing operation, as scenarios, properties and the kernel differential drive them. */
export type RouteOp =
  | { readonly op: 'mrt-init'; readonly socket: string; readonly family: RouteFamily; readonly proto?: MrtSocketProto; readonly optlen?: number }
  /** socket(2) of a routing socket (raw IGMP / ICMPv6 unless `proto` says) without MRT_INIT: a second daemon, static routes. */
  | { readonly op: 'mrt-open'; readonly socket: string; readonly family: RouteFamily; readonly proto?: MrtSocketProto }
  | { readonly op: 'mrt-assert'; readonly socket: string; readonly on: boolean }
  /** getsockopt MRT_VERSION / MRT_ASSERT / MRT_PIM (MRT6_* alike): the value in RouteOpResult.value. */
  | { readonly op: 'mrt-get'; readonly socket: string; readonly option: 'version' | 'assert' | 'pim' }
  | { readonly op: 'mrt-done'; readonly socket: string }
  /** MRT_PIM / MRT6_PIM with `value` (4 = IGMPMSG_WRVIFWHOLE: WRONGVIF upcalls also as whole packets). */
  | { readonly op: 'mrt-pim'; readonly socket: string; readonly value: number }
  /** setsockopt(MRT_VERSION): a read-only option, so ENOPROTOOPT on a routing socket. */
  | { readonly op: 'mrt-version'; readonly socket: string }
  | { readonly op: 'close'; readonly socket: string }
  /** MRT_FLUSH / MRT6_FLUSH with its flags (MRT_FLUSH_MFC 1, _MFC_STATIC 2, _VIFS 4, _VIFS_STATIC 8). */
  | { readonly op: 'mrt-flush'; readonly socket: string; readonly flags: number }
  | ({ readonly op: 'vif-add'; readonly socket: string } & VifSpec)
  | { readonly op: 'vif-del'; readonly socket: string; readonly vif: number }
  /** `proxy`: MRT_ADD_MFC_PROXY / MRT_DEL_MFC_PROXY (the entry is found by its parent too). */
  | ({ readonly op: 'mfc-add'; readonly socket: string; readonly proxy?: boolean } & MfcSpec)
  | { readonly op: 'mfc-del'; readonly socket: string; readonly origin: string; readonly group: string; readonly parent?: number; readonly proxy?: boolean }
  | { readonly op: 'tick'; readonly ms: number }
  /** `ip link del IFACE`: NETDEV_UNREGISTER takes the device's vifs (ipmr_device_event, ip6mr_device_event). */
  | { readonly op: 'link-del'; readonly iface: string }
  | ({ readonly op: 'send' } & RoutedDatagram);
