// The scenario format (mcast-testbench/scenario@1) and the simulate output shape.
// These names are a public contract: fixtures, the CLI and the kernel runner all use them.
import type { Errno } from '../errors.ts';

export const SCENARIO_SCHEMA_ID = 'mcast-testbench/scenario@1';

export type SocketFamily = 'ipv4' | 'ipv6';

export interface InterfaceSpec {
  readonly name: string;
  readonly mac: string;
  readonly ipv4?: readonly string[];
  readonly ipv6?: readonly string[];
  /** Created with net.ipv6.conf.<if>.disable_ipv6=1: no IPv6 address at all. */
  readonly disableIpv6?: boolean;
  /** NIC filter profile name (see `mcast-testbench profiles`); default "accept-all". A macvlan has none. */
  readonly nic?: string;
  /**
   * Absent: a plain interface (a veth end on the live kernel). "macvlan": stacked on `lower`
   * (bridge mode). A relay kind ("kni-mc", ...): the kernel side of a DPDK exception path whose
   * `lower` is the physical port (its `nic`); loading turns the pair into one interface with
   * `nic` "KIND+PORTNIC" (src/scenario/relay-form.ts).
   */
  readonly kind?: InterfaceKind;
  /** The interface a stacked interface sits on: a plain interface declared before it. */
  readonly lower?: string;
  /** A macvlan only: false = created and left down (`ip link add`, addresses, no `ip link set up`). Default true. */
  readonly up?: boolean;
}

/** The exception-path devices (src/relay), written as an interface stacked on a DPDK port. */
export const RELAY_INTERFACE_KINDS = ['kni-stub', 'kni-promisc', 'kni-flags', 'kni-mc', 'tap-stub', 'tap-relay', 'virtio-user-stub', 'virtio-user-relay'] as const;
export type RelayInterfaceKind = (typeof RELAY_INTERFACE_KINDS)[number];
export type InterfaceKind = 'macvlan' | RelayInterfaceKind;

export function isRelayKind(kind: unknown): kind is RelayInterfaceKind {
  return typeof kind === 'string' && (RELAY_INTERFACE_KINDS as readonly string[]).includes(kind);
}

export interface OpenStep {
  readonly op: 'open';
  readonly socket: string;
  readonly family: SocketFamily;
  readonly bind: string;
  readonly port: number;
}
export interface JoinStep {
  readonly op: 'join';
  readonly socket: string;
  readonly group: string;
  readonly iface: string;
  /** Absent: a plain any-source join (EXCLUDE, no sources). */
  readonly mode?: 'include' | 'exclude';
  readonly sources?: readonly string[];
}
export interface LeaveStep {
  readonly op: 'leave';
  readonly socket: string;
  readonly group: string;
  readonly iface: string;
}
export interface CloseStep {
  readonly op: 'close';
  readonly socket: string;
}
export interface MaddrStep {
  readonly op: 'maddr';
  readonly iface: string;
  readonly mac: string;
  readonly add: boolean;
}
/**
 * `ip maddr add` of `count` distinct IPv4-mapped group MACs, one after another: 01:00:5e and the
 * low 23 bits of first, first + 1, ... (wrapping at 2^23). Grows a device list past a threshold in
 * one step (and shrinks by count); each add is the kernel's dev_mc_add_global, so the NIC is
 * programmed after each one, as SIOCADDMULTI does (net/core/dev_ioctl.c).
 */
export interface FillStep {
  readonly op: 'fill';
  readonly iface: string;
  readonly count: number;
  readonly first: number;
}
/** The most MACs one fill step adds (a list of 64 Ki entries is past every threshold we know). */
export const FILL_COUNT_MAX = 65536;
/** fill's `first` counts in the 23 bits ip_eth_mc_map keeps (net/ipv4/igmp.c, include/net/ip.h). */
export const FILL_FIRST_MAX = 0x7fffff;
export interface FlagStep {
  readonly op: 'promisc' | 'allmulti';
  readonly iface: string;
  readonly on: boolean;
}
/** `ip link set IFACE up|down` (only for stacked interfaces: plain interfaces stay up). */
export interface LinkStep {
  readonly op: 'link';
  readonly iface: string;
  readonly up: boolean;
}
/**
 * `ip link del IFACE` (a plain interface or a macvlan; a plain one takes its macvlans with it,
 * drivers/net/macvlan.c macvlan_device_event NETDEV_UNREGISTER). Later steps may name it only in
 * `join` (ENODEV) and `leave` (the socket's stale membership), as a daemon holding its ifindex would.
 */
export interface LinkDelStep {
  readonly op: 'link-del';
  readonly iface: string;
}
export interface SendStep {
  readonly op: 'send';
  readonly id: string;
  readonly iface: string;
  readonly src: string;
  readonly dst: string;
  readonly port: number;
  /** TTL (IPv4) / hop limit (IPv6) the datagram arrives with; default 1, as a Linux sender's multicast default. */
  readonly ttl?: number;
  /** Alias of `ttl` for IPv6 datagrams. */
  readonly hopLimit?: number;
  /**
   * UDP payload bytes (default 16): with the UDP and IP headers (28 IPv4, 48 IPv6) the length
   * multicast routing counts in its byte counters (/proc/net/ip_mr_vif, ip_mr_cache).
   */
  readonly payload?: number;
  /**
   * A burst: `burst` copies of the datagram back to back (2..BURST_MAX), only on a KNI
   * interface (or its port): they travel the KNI data path (src/relay/data-path.ts), where a
   * full rx_q drops what does not fit ('fifo-drop'). Absent: one datagram.
   */
  readonly burst?: number;
}

/** The largest UDP payload of a send step: an IPv6 datagram that fits a 1500-byte MTU unfragmented (1500 - 40 - 8). */
export const SEND_PAYLOAD_MAX = 1452;
/** The longest burst of one send step. */
export const BURST_MAX = 65536;
export interface FrameStep {
  readonly op: 'frame';
  readonly id: string;
  readonly iface: string;
  readonly dst: string;
}

export * from './route-step-types.ts';
import type { RouteStep, RouteStepOp } from './route-step-types.ts';

/**
 * The steps a scenario holds and `simulate` runs: the receive-path steps (`Step`, which the
 * receive-path generators and the kernel runner use) and the routing steps. The kernel runner
 * refuses routing steps with the step's pointer (routing runs on the kernel as `kernel route`).
 */
export type AnyStep = Step | RouteStep;

export type Step =
  | OpenStep
  | JoinStep
  | LeaveStep
  | CloseStep
  | MaddrStep
  | FillStep
  | FlagStep
  | LinkStep
  | LinkDelStep
  | SendStep
  | FrameStep;

export type StepOp = Step['op'];

export interface Scenario {
  readonly schema: typeof SCENARIO_SCHEMA_ID;
  readonly description?: string;
  readonly interfaces: readonly InterfaceSpec[];
  readonly steps: readonly AnyStep[];
  /** Optional expected output (same shape as simulate's); replay compares against it. */
  readonly expect?: SimulateResult;
  /** Free-form provenance: which check/seed/kernel produced it, notes on kernel versions. */
  readonly meta?: Record<string, unknown>;
  /** For fixtures saved from a failing property: what the model produced. */
  readonly observed?: SimulateResult;
}

export type { JsonValue } from '../json.ts';
import type { JsonValue } from '../json.ts';

export interface StepResult {
  readonly op: StepOp | RouteStepOp;
  readonly error: Errno | null;
  /** `simulate --trace`: every interface's NIC state after the step (a relay's request-FIFO traffic and sync area included). Never compared. */
  readonly nic?: Readonly<Record<string, JsonValue>>;
  /**
   * `simulate --trace`: every other view after the step: each interface as in the result's
   * `interfaces` (device list with refcounts, global use, group records, flag counters), the text
   * of /proc/net/dev_mcast as Linux prints it, and once routing is on the /proc routing views. Never compared.
   */
  readonly views?: {
    readonly interfaces: Readonly<Record<string, InterfaceResult>>;
    readonly dev_mcast: string;
    readonly proc?: Readonly<Record<'ip_mr_vif' | 'ip_mr_cache' | 'ip6_mr_vif' | 'ip6_mr_cache', string>>;
  };
  /** mfc-add: the queued datagrams the new entry resolved, in replay order, with what each did. */
  readonly replayed?: readonly RoutedReplay[];
  /** mrt-get: the value getsockopt returned. */
  readonly value?: number;
  /** Scenarios with route steps: /proc/net/ip_mr_vif, ip_mr_cache, ip6_mr_vif, ip6_mr_cache after the step. */
  readonly proc?: Readonly<Record<'ip_mr_vif' | 'ip_mr_cache' | 'ip6_mr_vif' | 'ip6_mr_cache', string>>;
}

/** A copy multicast routing sent out: the interface and the TTL / hop limit it left with. */
export interface ForwardedCopyResult {
  readonly iface: string;
  readonly ttl: number;
}

/** An upcall on the mroute socket (struct igmpmsg / mrt6msg): type, vif, source and group. */
export interface UpcallResult {
  readonly type: 'NOCACHE' | 'WRONGVIF' | 'WHOLEPKT' | 'WRVIFWHOLE';
  readonly vif: number;
  readonly src: string;
  readonly group: string;
  /** The message's length as read(2) returns it (simulate output; optional in an expectation). */
  readonly length?: number;
  /**
   * Its header as read(2) returns it: struct igmpmsg (20 bytes, 28 with the IGMP header of a
   * short report) or struct mrt6msg (40 bytes), two hex digits a byte, space-separated; ".." for
   * a byte the kernel does not initialise or copies from the sender. Optional in an expectation:
   * an expected upcall without it is not compared byte by byte.
   */
  readonly header?: string;
}

export interface RoutedReplay {
  readonly id: string;
  readonly forwarded: readonly ForwardedCopyResult[];
  readonly upcalls: readonly UpcallResult[];
}

export interface DeviceListEntry {
  readonly mac: string;
  /** The refcount /proc/net/dev_mcast shows. */
  readonly users: number;
}

export interface InterfaceResult {
  /** The device list (dev->mc) at the end, sorted by MAC. */
  readonly mc: readonly DeviceListEntry[];
  /** dev->promiscuity as `ip -d link` prints it. */
  readonly promisc: number;
  /** dev->allmulti as `ip -d link` prints it. */
  readonly allmulti: number;
  /** The NIC profile's programmed state (profile-specific, JSON). */
  readonly nic: JsonValue;
  /** Device-list MACs with global_use set (`ip maddr add`; /proc/net/dev_mcast's 4th column), sorted. Compared only where expected lists it. */
  readonly global?: readonly string[];
  /** Group records and their users (/proc/net/igmp, /proc/net/igmp6), sorted by group. Compared only where expected lists them. */
  readonly groups?: readonly GroupUsers[];
}

export interface GroupUsers {
  readonly group: string;
  readonly users: number;
}

/** A burst's frames through the KNI data path (send with `burst`). */
export interface BurstResult {
  /** Frames that arrived at the port. */
  readonly frames: number;
  /** Refused by the port's filter (a filter loss when owed). */
  readonly filtered: number;
  /** Dropped for want of an mbuf in the mempool (the PMD's imissed). */
  readonly noMbuf: number;
  /** Accepted by the port, dropped because rx_q was full: the 'fifo-drop' verdict. */
  readonly fifoDrop: number;
  /** Taken off rx_q by the KNI kernel thread and handed to the stack. */
  readonly delivered: number;
}

export interface Delivery {
  /** Did the NIC filter accept the frame? */
  readonly nic: boolean;
  /** send with `burst`: what became of the burst's frames. */
  readonly burst?: BurstResult;
  /** Sockets that received the datagram, sorted (always [] for `frame` steps). */
  readonly sockets: readonly string[];
  /** Scenarios with route steps: what multicast routing did with the datagram (src/route RouteVerdict). */
  readonly route?: string;
  /** Scenarios with route steps: the copies routing sent, highest vif first. */
  readonly forwarded?: readonly ForwardedCopyResult[];
  /** Scenarios with route steps: upcalls the datagram caused. */
  readonly upcalls?: readonly UpcallResult[];
}

export interface SimulateResult {
  readonly steps: readonly StepResult[];
  readonly interfaces: Readonly<Record<string, InterfaceResult>>;
  readonly deliveries: Readonly<Record<string, Delivery>>;
}
