// One multicast routing table (include/linux/mroute_base.h struct mr_table): the vif table, the
// MFC in list order, the unresolved queue, the mroute socket and the assert switch. The verbs that
// change it live in vif.ts, mfc.ts, unres.ts and forward.ts, named after their ipmr.c functions.
import type { IpAddr } from '../wire/index.ts';
import { MAXVIFS, TTL_NOT_OUTPUT } from './limits.ts';
import type { RouteFamily } from './types.ts';

/** struct vif_device: the device, counters, threshold (stored, not used to forward), flags, local. */
export interface Vif {
  readonly dev: string;
  readonly flags: number;
  readonly threshold: number;
  readonly local: number;
  bytesIn: number;
  pktIn: number;
  bytesOut: number;
  pktOut: number;
}

/** struct mr_mfc (resolved): parent, ttls[MAXVIFS] with minvif/maxvif, counters, last assert. */
export interface MfcEntry {
  readonly origin: IpAddr;
  readonly group: IpAddr;
  parent: number;
  ttls: number[];
  minvif: number;
  maxvif: number;
  pkt: number;
  bytes: number;
  wrongIf: number;
  lastAssert: number;
  isStatic: boolean;
}

/** A datagram as the table sees it. */
export interface Datagram {
  readonly id: string;
  readonly iface: string;
  readonly src: IpAddr;
  readonly group: IpAddr;
  readonly ttl: number;
  readonly length: number;
}

/** struct mr_mfc (unresolved): (S,G), expiry time and the queued datagrams in arrival order. */
export interface UnresEntry {
  readonly origin: IpAddr;
  readonly group: IpAddr;
  readonly expires: number;
  readonly queue: Datagram[];
}

export class MrTable {
  readonly vifs: (Vif | null)[] = new Array<Vif | null>(MAXVIFS).fill(null);
  /** One past the highest existing vif (mrt->maxvif). */
  maxvif = 0;
  regVifNum = -1;
  /** mfc_cache_list: list_add_tail, so insertion order. */
  readonly mfc: MfcEntry[] = [];
  /** mfc_unres_queue: list_add at the head, so newest first. */
  readonly unres: UnresEntry[] = [];
  mrouteSocket: string | null = null;
  doAssert = false;
  /** mroute_do_pim and mroute_do_wrvifwhole (MRT_PIM; kept by the table like the assert flag). */
  doPim = false;
  doWrvifwhole = false;

  constructor(readonly family: RouteFamily) {}

  vifExists(v: number): boolean {
    return v >= 0 && v < MAXVIFS && this.vifs[v] != null;
  }

  /** ipmr_find_vif: the highest vif on `dev`, or -1. */
  findVif(dev: string): number {
    for (let v = this.maxvif - 1; v >= 0; v--) if (this.vifs[v]?.dev === dev) return v;
    return -1;
  }

  /**
   * mr_mfc_find_parent (net/ipv4/ipmr_base.c): the entries of (origin, group) newest first (an
   * rhltable key's list takes a new object at its head), the first whose parent is `parent`, any
   * with -1 (MRT_ADD_MFC / MRT_DEL_MFC and forwarding look up with -1; the proxy options with theirs).
   */
  findEntry(origin: IpAddr, group: IpAddr, parent = -1): MfcEntry | undefined {
    return this.newestFirst().find((c) => c.origin.value === origin.value && c.group.value === group.value && (parent === -1 || c.parent === parent));
  }

  /** The MFC in rhltable lookup order: newest first within a key (mfc_cache_list, which /proc shows, keeps insertion order). */
  newestFirst(): MfcEntry[] {
    return [...this.mfc].reverse();
  }
}

/** A fresh ttls[] array: every vif "not an output". */
export function noOutputs(): number[] {
  return new Array<number>(MAXVIFS).fill(TTL_NOT_OUTPUT);
}
