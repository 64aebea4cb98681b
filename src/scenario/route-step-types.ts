// The routing steps of the scenario format (issue 13): the mroute socket's options as a
// scenario says them. Re-exported by ./types.ts, which holds the rest of the format.
/** The family of a routing socket (the same union as ./types.ts SocketFamily, which imports this file). */
type SocketFamily = 'ipv4' | 'ipv6';

// Multicast routing (issue 13; net/ipv4/ipmr.c, net/ipv6/ip6mr.c): the mroute socket's options.
/** Opens routing socket `socket` (raw IGMP / raw ICMPv6 unless `proto` says otherwise) if new, then MRT_INIT. */
export interface MrtInitStep {
  readonly op: 'mrt-init';
  readonly socket: string;
  readonly family: SocketFamily;
  readonly proto?: 'igmp' | 'icmpv6' | 'udp';
  /** MRT_INIT's optlen; default 4 (sizeof(int)). */
  readonly optlen?: number;
  /** Also MRT_ASSERT 1 (WRONGVIF upcalls). */
  readonly assert?: boolean;
}
/**
 * Opens routing socket `socket` (raw IGMP / raw ICMPv6 unless `proto` says) without MRT_INIT, as a
 * second daemon or a static-route tool does: root's vif-add / mfc-add on it are static
 * (VIFF_STATIC / MFC_STATIC), and only MRT_FLUSH's static bits remove them. An open socket stays.
 */
export interface MrtOpenStep {
  readonly op: 'mrt-open';
  readonly socket: string;
  readonly family: SocketFamily;
  readonly proto?: 'igmp' | 'icmpv6' | 'udp';
}
/** MRT_ASSERT (WRONGVIF upcalls on or off; it belongs to the table and outlives the socket). */
export interface MrtAssertStep {
  readonly op: 'mrt-assert';
  readonly socket: string;
  readonly on: boolean;
}
/** getsockopt MRT_VERSION (0x0305), MRT_ASSERT or MRT_PIM (0 / 1): the step result's `value`. */
export interface MrtGetStep {
  readonly op: 'mrt-get';
  readonly socket: string;
  readonly option: 'version' | 'assert' | 'pim';
}
/** MRT_DONE (`close: true`: close(2) the socket instead). */
export interface MrtDoneStep {
  readonly op: 'mrt-done';
  readonly socket: string;
  readonly close?: boolean;
}
/** MRT_PIM / MRT6_PIM: PIM on (asserts for any arrival vif) or off; 4 also sends WRVIFWHOLE upcalls. */
export interface MrtPimStep {
  readonly op: 'mrt-pim';
  readonly socket: string;
  readonly value: number;
}
/**
 * MRT_ADD_VIF / MRT6_ADD_MIF: vif `vif` on `iface` (VIFF_USE_IFINDEX; an interface the scenario
 * does not declare is a device that does not exist), the register vif, or (IPv4) by `local`
 * address alone (vifc_flags 0: the device that holds it). `local` with `register` is stored and
 * shown; `threshold` (vifc_threshold, default 1) is stored and never used (ipmr.c vif_add).
 */
export interface VifAddStep {
  readonly op: 'vif-add';
  readonly socket: string;
  readonly vif: number;
  readonly iface?: string;
  readonly register?: boolean;
  readonly local?: string;
  readonly threshold?: number;
}
/**
 * MRT_FLUSH / MRT6_FLUSH (any routing socket of a root caller): `flags` as the daemon passes them,
 * MRT_FLUSH_MFC 1 (entries added by the mroute socket, and every unresolved entry),
 * MRT_FLUSH_MFC_STATIC 2 (entries added by other sockets), MRT_FLUSH_VIFS 4, MRT_FLUSH_VIFS_STATIC 8.
 */
export interface MrtFlushStep {
  readonly op: 'mrt-flush';
  readonly socket: string;
  readonly flags: number;
}
export interface VifDelStep {
  readonly op: 'vif-del';
  readonly socket: string;
  readonly vif: number;
}
/**
 * MRT_ADD_MFC: IPv4 `ttls[vif]` (mfcc_ttls, missing = 0); IPv6 `oifs` (the interface set).
 * `proxy`: MRT_ADD_MFC_PROXY, which finds an existing entry by (origin, group) and parent, so
 * one (S,G) may hold an entry per parent; plain MRT_ADD_MFC replaces any entry of the (S,G).
 */
export interface MfcAddStep {
  readonly op: 'mfc-add';
  readonly socket: string;
  readonly origin: string;
  readonly group: string;
  readonly parent: number;
  readonly ttls?: readonly number[];
  readonly oifs?: readonly number[];
  readonly proxy?: boolean;
}
/**
 * MRT_DEL_MFC: the (S,G)'s entry (the newest, if proxy adds made several; mfcc_parent is sent and
 * ignored). `proxy`: MRT_DEL_MFC_PROXY, the entry whose parent is `parent` (default 0).
 */
export interface MfcDelStep {
  readonly op: 'mfc-del';
  readonly socket: string;
  readonly origin: string;
  readonly group: string;
  readonly parent?: number;
  readonly proxy?: boolean;
}
/** Scenario time passes (unresolved entries expire after 10 s, asserts are 3 s apart). */
export interface TickStep {
  readonly op: 'tick';
  readonly ms: number;
}
export type RouteStep = MrtInitStep | MrtOpenStep | MrtAssertStep | MrtGetStep | MrtDoneStep | MrtPimStep | MrtFlushStep | VifAddStep | VifDelStep | MfcAddStep | MfcDelStep | TickStep;
export type RouteStepOp = RouteStep['op'];
export const ROUTE_STEP_OPS = ['mrt-init', 'mrt-open', 'mrt-assert', 'mrt-get', 'mrt-done', 'mrt-pim', 'mrt-flush', 'vif-add', 'vif-del', 'mfc-add', 'mfc-del', 'tick'] as const satisfies readonly RouteStepOp[];

export function isRouteStep(step: unknown): step is RouteStep {
  const op = typeof step === 'object' && step !== null ? (step as { op?: unknown }).op : undefined;
  return typeof op === 'string' && (ROUTE_STEP_OPS as readonly string[]).includes(op);
}
