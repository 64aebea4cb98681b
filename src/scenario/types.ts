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
  /** Absent: a plain interface (a veth end on the live kernel). "macvlan": stacked on `lower` (bridge mode). */
  readonly kind?: InterfaceKind;
  /** The interface a stacked interface sits on: a plain interface declared before it. */
  readonly lower?: string;
}

export type InterfaceKind = 'macvlan';

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
export interface SendStep {
  readonly op: 'send';
  readonly id: string;
  readonly iface: string;
  readonly src: string;
  readonly dst: string;
  readonly port: number;
}
export interface FrameStep {
  readonly op: 'frame';
  readonly id: string;
  readonly iface: string;
  readonly dst: string;
}

export type Step =
  | OpenStep
  | JoinStep
  | LeaveStep
  | CloseStep
  | MaddrStep
  | FlagStep
  | LinkStep
  | SendStep
  | FrameStep;

export type StepOp = Step['op'];

export interface Scenario {
  readonly schema: typeof SCENARIO_SCHEMA_ID;
  readonly description?: string;
  readonly interfaces: readonly InterfaceSpec[];
  readonly steps: readonly Step[];
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
  readonly op: StepOp;
  readonly error: Errno | null;
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

export interface Delivery {
  /** Did the NIC filter accept the frame? */
  readonly nic: boolean;
  /** Sockets that received the datagram, sorted (always [] for `frame` steps). */
  readonly sockets: readonly string[];
}

export interface SimulateResult {
  readonly steps: readonly StepResult[];
  readonly interfaces: Readonly<Record<string, InterfaceResult>>;
  readonly deliveries: Readonly<Record<string, Delivery>>;
}
