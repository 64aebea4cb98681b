// The driver protocol (docs/driver-protocol.md, versions 1 and 2): the requests the testbench
// sends to a driver under test, one JSON object per line, and the validation of each answer.
// A driver gets a request key only if the version its hello answer names has it: an adapter
// written to version 1 gets exactly the requests, and so the verdicts, it got before.
// A request mirrors what the kernel hands a driver: ndo_set_rx_mode sees dev->flags and the
// whole dev->mc list every time (net/core/dev.c __dev_set_rx_mode).
import { type Mac, isMac, parseMac } from '../wire/mac.ts';

/** The newest version this testbench speaks. */
export const DRIVER_PROTOCOL_VERSION = 2;
/** Every version it speaks, offered in hello's "versions"; hello's "protocol" stays 1 for adapters that check it. */
export const DRIVER_PROTOCOL_VERSIONS: readonly number[] = [1, 2];
/** The version a driver speaks when its hello answer names none. */
export const DRIVER_PROTOCOL_BASE = 1;
/** The first version whose `program` carries `uc` (dev->uc). */
export const PROTOCOL_UC = 2;
/** The first version sent lists past 1,001 groups (2t for every threshold t of its model). */
export const PROTOCOL_LONG_LISTS = 2;

export interface HelloRequest {
  readonly op: 'hello';
  /** Always 1: the version every driver understands. */
  readonly protocol: number;
  /** The versions the testbench offers; the answer's "protocol" picks one (absent: 1). */
  readonly versions?: readonly number[];
}
export interface ResetRequest {
  readonly op: 'reset';
  readonly mac: Mac;
}
export interface ProgramRequest {
  readonly op: 'program';
  readonly promisc: boolean;
  readonly allmulti: boolean;
  readonly mc: readonly Mac[];
  /**
   * Secondary unicast addresses (dev->uc), sent only when non-empty: only to drivers whose model
   * keeps them in the multicast table (virtio-qemu, e1000:N), so older drivers never see the key.
   */
  readonly uc?: readonly Mac[];
}
export interface RxRequest {
  readonly op: 'rx';
  readonly dst: Mac;
}
export type DriverRequest = HelloRequest | ResetRequest | ProgramRequest | RxRequest;
export type DriverOp = DriverRequest['op'];

/**
 * How acceptance beyond the programmed list may depend on the list:
 * "set" (default): only on the set of addresses; "list": also on their order (the tap filter
 * of drivers/net/tun.c matches the first 8 addresses exactly and hashes the rest).
 */
export type ListOrder = 'set' | 'list';

export interface HelloAnswer {
  readonly name: string;
  /** A built-in profile name whose acceptance the driver claims to equal, or null. */
  readonly model: string | null;
  readonly order: ListOrder;
  /** The version the driver speaks (its answer's "protocol"; 1 when absent). */
  readonly protocol: number;
}
export interface OkAnswer {
  readonly ok: true;
}
export type ProgramAnswer = { readonly ok: true } | { readonly ok: false; readonly error: string };
export interface RxAnswer {
  readonly accept: boolean;
}
export type DriverAnswer = HelloAnswer | OkAnswer | ProgramAnswer | RxAnswer;

export type AnswerFor<R extends DriverRequest> = R extends HelloRequest
  ? HelloAnswer
  : R extends ResetRequest
    ? OkAnswer
    : R extends ProgramRequest
      ? ProgramAnswer
      : RxAnswer;

/** Why a driver failed to take part in the protocol (exit 3), as opposed to a contract violation. */
export type DriverFailureKind = 'spawn' | 'crash' | 'timeout' | 'garbage' | 'protocol';

/**
 * The driver broke the protocol: crashed, hung, printed something that is not an answer.
 * `request` is the last request line sent (null before the first one).
 */
export class DriverError extends Error {
  override readonly name = 'DriverError';
  constructor(
    readonly kind: DriverFailureKind,
    readonly request: string | null,
    detail: string,
  ) {
    super(`driver error (${kind}): ${detail}${request === null ? '' : `; last request: ${request}`}`);
  }
}

/** Errno names a refusal may carry: what ndo_set_rx_mode / rte_eth_dev_set_mc_addr_list return. */
const REFUSAL_ERRNO = /^E[A-Z0-9]{1,15}$/;

/**
 * The request as a driver speaking `version` may see it: keys newer than its version are left
 * out (`uc` before version 2), so an old adapter's conversation never changes.
 */
export function requestForVersion<R extends DriverRequest>(req: R, version: number): R {
  if (req.op === 'program' && version < PROTOCOL_UC && req.uc !== undefined) {
    const { uc: _uc, ...rest } = req;
    return rest as R;
  }
  return req;
}

/** The one line sent for a request: compact JSON, keys in a fixed order. */
export function encodeRequest(req: DriverRequest): string {
  switch (req.op) {
    case 'hello':
      return JSON.stringify(req.versions !== undefined ? { op: 'hello', protocol: req.protocol, versions: req.versions } : { op: 'hello', protocol: req.protocol });
    case 'reset':
      return JSON.stringify({ op: 'reset', mac: req.mac });
    case 'program':
      return JSON.stringify(
        req.uc !== undefined && req.uc.length > 0
          ? { op: 'program', promisc: req.promisc, allmulti: req.allmulti, mc: req.mc, uc: req.uc }
          : { op: 'program', promisc: req.promisc, allmulti: req.allmulti, mc: req.mc },
      );
    case 'rx':
      return JSON.stringify({ op: 'rx', dst: req.dst });
  }
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Parses a request line (from a saved transcript). Returns the request or a message saying
 * what is wrong with it.
 */
export function parseRequest(value: unknown): DriverRequest | string {
  if (!isRecord(value)) return 'a request is a JSON object';
  switch (value['op']) {
    case 'hello':
      return typeof value['protocol'] === 'number' ? { op: 'hello', protocol: value['protocol'] } : 'hello needs a numeric "protocol"';
    case 'reset':
      return typeof value['mac'] === 'string' && isMac(value['mac'])
        ? { op: 'reset', mac: parseMac(value['mac']) }
        : 'reset needs "mac", a MAC address';
    case 'program': {
      const { promisc, allmulti, mc, uc } = value;
      if (typeof promisc !== 'boolean' || typeof allmulti !== 'boolean') return 'program needs boolean "promisc" and "allmulti"';
      const macs = (v: unknown): v is string[] => Array.isArray(v) && v.every((m): m is string => typeof m === 'string' && isMac(m));
      if (!macs(mc)) return 'program needs "mc", an array of MAC addresses';
      if (uc !== undefined && !macs(uc)) return 'program\'s optional "uc" must be an array of MAC addresses';
      const base = { op: 'program' as const, promisc, allmulti, mc: mc.map((m) => parseMac(m)) };
      return uc !== undefined && uc.length > 0 ? { ...base, uc: uc.map((m) => parseMac(m)) } : base;
    }
    case 'rx':
      return typeof value['dst'] === 'string' && isMac(value['dst'])
        ? { op: 'rx', dst: parseMac(value['dst']) }
        : 'rx needs "dst", a MAC address';
    default:
      return `unknown op ${JSON.stringify(value['op'])}`;
  }
}

/**
 * Checks one answer against the request it answers. Returns the typed answer, or a message
 * saying what is wrong (the caller turns it into DriverError 'protocol').
 */
export function validateAnswer<R extends DriverRequest>(req: R, value: unknown): AnswerFor<R> | string;
export function validateAnswer(req: DriverRequest, value: unknown): DriverAnswer | string {
  if (!isRecord(value)) return `expected a JSON object, got ${JSON.stringify(value)}`;
  if (typeof value['error'] === 'string' && req.op !== 'program') {
    return `the driver reported an error: ${value['error']}`;
  }
  switch (req.op) {
    case 'hello': {
      const { name, model, order, protocol } = value;
      if (typeof name !== 'string' || name.length === 0) return 'hello answer needs "name", a non-empty string';
      if (model !== null && model !== undefined && typeof model !== 'string') {
        return 'hello answer "model" must be null or a profile name';
      }
      if (order !== undefined && order !== 'set' && order !== 'list') return 'hello answer "order" must be "set" or "list"';
      const offered = req.versions ?? [DRIVER_PROTOCOL_BASE];
      if (protocol !== undefined && !(typeof protocol === 'number' && offered.includes(protocol))) {
        return `hello answer "protocol" must be one of the offered versions ${JSON.stringify(offered)} (or absent: 1), got ${JSON.stringify(protocol)}`;
      }
      return { name, model: typeof model === 'string' ? model : null, order: order ?? 'set', protocol: typeof protocol === 'number' ? protocol : DRIVER_PROTOCOL_BASE };
    }
    case 'reset':
      return value['ok'] === true ? { ok: true } : 'reset answer must be {"ok":true}';
    case 'program': {
      if (value['ok'] === true) return { ok: true };
      if (value['ok'] === false) {
        const error = value['error'];
        if (typeof error === 'string' && REFUSAL_ERRNO.test(error)) return { ok: false, error };
        return 'a refusal needs "error", an errno name such as "ENOSPC"';
      }
      return 'program answer must be {"ok":true} or {"ok":false,"error":"ENOSPC"}';
    }
    case 'rx':
      return typeof value['accept'] === 'boolean' ? { accept: value['accept'] } : 'rx answer must be {"accept":true|false}';
  }
}

