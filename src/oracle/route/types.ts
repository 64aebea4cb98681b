// What the routing oracle reads and answers. Its own types: the oracle imports nothing from
// src/route (test/route/oracle-boundary.test.ts); the scenario's step types are the ground both share.
import type { Errno } from '../../errors.ts';
import type { MfcAddStep, MfcDelStep, MrtFlushStep, MrtGetStep, MrtOpenStep, VifAddStep } from '../../scenario/types.ts';

export type RouteOracleFamily = 'ipv4' | 'ipv6';

export type RouteOracleOp =
  | { readonly op: 'mrt-init'; readonly socket: string; readonly family: RouteOracleFamily; readonly proto?: 'igmp' | 'icmpv6' | 'udp'; readonly optlen?: number }
  | MrtOpenStep
  | MrtGetStep
  | { readonly op: 'mrt-assert'; readonly socket: string; readonly on: boolean }
  | { readonly op: 'mrt-done'; readonly socket: string }
  | { readonly op: 'mrt-version'; readonly socket: string }
  | { readonly op: 'mrt-pim'; readonly socket: string; readonly value: number }
  | { readonly op: 'close'; readonly socket: string }
  | MrtFlushStep
  | Omit<VifAddStep, 'op'> & { readonly op: 'vif-add' }
  | { readonly op: 'vif-del'; readonly socket: string; readonly vif: number }
  | MfcAddStep
  | MfcDelStep
  | { readonly op: 'tick'; readonly ms: number }
  /** The device goes away (`ip link del`): its vifs go with it. */
  | { readonly op: 'link-del'; readonly iface: string }
  | {
      readonly op: 'send';
      readonly id: string;
      readonly iface: string;
      readonly src: string;
      readonly group: string;
      readonly ttl: number;
      readonly length: number;
    };

export interface OracleCopy {
  readonly vif: number;
  readonly iface: string;
  readonly ttl: number;
}

export interface OracleUpcall {
  readonly type: 'NOCACHE' | 'WRONGVIF' | 'WHOLEPKT' | 'WRVIFWHOLE';
  readonly vif: number;
  readonly src: string;
  readonly group: string;
}

export interface OracleForwarding {
  readonly id: string;
  readonly verdict: 'not-routed' | 'forwarded' | 'wrong-vif' | 'queued' | 'queue-full' | 'no-socket';
  readonly forwarded: readonly OracleCopy[];
  readonly upcalls: readonly OracleUpcall[];
}

export interface OracleOutcome {
  readonly error: Errno | null;
  /** For send: the datagram itself; for mfc-add: each replayed datagram in replay order. */
  readonly datagrams: readonly OracleForwarding[];
  /** mrt-get: the value read. */
  readonly value?: number;
}
