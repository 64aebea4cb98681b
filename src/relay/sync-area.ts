// The KNI sync area: one shared buffer that holds the request being processed, written by the
// kernel (kni_net_process_request memcpy's struct rte_kni_request into kni->sync_kva) and
// answered in place by user space (rte_kni_handle_request writes req->result). Layout as
// DPDK lib/kni/rte_kni_common.h struct rte_kni_request (packed): req_id u32 at 0, a 6-byte
// union at 4, result i32 at 10. Our SET_MC_LIST request (seed 000's fix) appends a generation
// and a list of MACs behind it. Little-endian, as on the x86/arm64 hosts KNI ran on.
import { InputError } from '../errors.ts';
import { type Mac, macAt, putMac } from '../wire/mac.ts';

/** rte_kni_common.h enum rte_kni_req_id. */
export const RTE_KNI_REQ_UNKNOWN = 0;
export const RTE_KNI_REQ_CHANGE_MTU = 1;
export const RTE_KNI_REQ_CFG_NETWORK_IF = 2;
export const RTE_KNI_REQ_CHANGE_MAC_ADDR = 3;
export const RTE_KNI_REQ_CHANGE_PROMISC = 4; // DPDK 19.11
export const RTE_KNI_REQ_CHANGE_ALLMULTI = 5; // DPDK 19.11
/** Ours, not DPDK's: far above RTE_KNI_REQ_MAX so no DPDK id ever collides with it. */
export const RTE_KNI_REQ_SET_MC_LIST = 0x100;

/** Seed 000: the sync memzone "kni_sync_%s" is "about 64 KiB". (rte_kni.c in 19.11+ reserves
 * KNI_FIFO_SIZE = 1024 * sizeof(void *) + sizeof(struct rte_kni_fifo), 8208 bytes on 64-bit;
 * both are accepted as the area size.) */
export const SYNC_AREA_BYTES = 64 * 1024;
export const SYNC_AREA_BYTES_KNI_FIFO_SIZE_64BIT = 1024 * 8 + 16;

const OFF_REQ_ID = 0;
const OFF_UNION = 4;
const OFF_RESULT = 10;
/** sizeof(struct rte_kni_request), __attribute__((__packed__)): 4 + 6 + 4. */
export const RTE_KNI_REQUEST_BYTES = 14;
const OFF_MC_GENERATION = RTE_KNI_REQUEST_BYTES;
const OFF_MC_COUNT = OFF_MC_GENERATION + 4;
const OFF_MC_ADDRS = OFF_MC_COUNT + 4;
const ETH_ALEN = 6; // include/uapi/linux/if_ether.h
/** Count written when the list does not fit: the handler must go all-multicast. */
export const MC_LIST_OVERFLOW = 0xffffffff;

export type KniRequest =
  | { readonly id: 'CHANGE_MTU'; readonly newMtu: number }
  | { readonly id: 'CFG_NETWORK_IF'; readonly ifUp: boolean }
  | { readonly id: 'CHANGE_MAC_ADDR'; readonly mac: Mac }
  | { readonly id: 'CHANGE_PROMISC'; readonly on: boolean }
  | { readonly id: 'CHANGE_ALLMULTI'; readonly on: boolean }
  /** list 'overflow': the kernel thread could not fit the list into the sync area. */
  | { readonly id: 'SET_MC_LIST'; readonly generation: number; readonly list: readonly Mac[] | 'overflow' }
  | { readonly id: 'UNKNOWN'; readonly reqId: number };

/** How many MACs a SET_MC_LIST request can carry in an area of this many bytes. */
export function mcListCapacity(areaBytes: number): number {
  return Math.max(0, Math.floor((areaBytes - OFF_MC_ADDRS) / ETH_ALEN));
}

/** A zeroed sync area in shared memory. Throws InputError (naming bytes) below one rte_kni_request. */
export function createSyncArea(bytes: number): Uint8Array {
  if (!Number.isInteger(bytes) || bytes < OFF_MC_ADDRS) {
    throw new InputError('bytes', `KNI sync area must hold at least ${OFF_MC_ADDRS} bytes, got ${String(bytes)}`);
  }
  return new Uint8Array(new SharedArrayBuffer(bytes));
}

function view(area: Uint8Array): DataView {
  return new DataView(area.buffer, area.byteOffset, area.byteLength);
}

/**
 * Writes the request into the area with result 0, as kni_net_process_request's memcpy of a
 * memset request. Returns the bytes used. A SET_MC_LIST whose list does not fit must arrive as
 * 'overflow' (the caller decides; this throws RangeError rather than cut a list).
 */
export function writeRequest(area: Uint8Array, req: KniRequest): number {
  const dv = view(area);
  area.fill(0, 0, OFF_MC_ADDRS);
  const u = OFF_UNION;
  switch (req.id) {
    case 'CHANGE_MTU':
      dv.setUint32(OFF_REQ_ID, RTE_KNI_REQ_CHANGE_MTU, true);
      dv.setUint32(u, req.newMtu, true);
      return RTE_KNI_REQUEST_BYTES;
    case 'CFG_NETWORK_IF':
      dv.setUint32(OFF_REQ_ID, RTE_KNI_REQ_CFG_NETWORK_IF, true);
      dv.setUint8(u, req.ifUp ? 1 : 0);
      return RTE_KNI_REQUEST_BYTES;
    case 'CHANGE_MAC_ADDR':
      dv.setUint32(OFF_REQ_ID, RTE_KNI_REQ_CHANGE_MAC_ADDR, true);
      putMac(area, u, req.mac);
      return RTE_KNI_REQUEST_BYTES;
    case 'CHANGE_PROMISC':
      dv.setUint32(OFF_REQ_ID, RTE_KNI_REQ_CHANGE_PROMISC, true);
      dv.setUint8(u, req.on ? 1 : 0);
      return RTE_KNI_REQUEST_BYTES;
    case 'CHANGE_ALLMULTI':
      dv.setUint32(OFF_REQ_ID, RTE_KNI_REQ_CHANGE_ALLMULTI, true);
      dv.setUint8(u, req.on ? 1 : 0);
      return RTE_KNI_REQUEST_BYTES;
    case 'UNKNOWN':
      dv.setUint32(OFF_REQ_ID, req.reqId, true);
      return RTE_KNI_REQUEST_BYTES;
    case 'SET_MC_LIST': {
      dv.setUint32(OFF_REQ_ID, RTE_KNI_REQ_SET_MC_LIST, true);
      dv.setUint32(OFF_MC_GENERATION, req.generation, true);
      if (req.list === 'overflow') {
        dv.setUint32(OFF_MC_COUNT, MC_LIST_OVERFLOW, true);
        return OFF_MC_ADDRS;
      }
      if (req.list.length > mcListCapacity(area.byteLength)) {
        throw new RangeError(`${req.list.length} MACs do not fit a ${area.byteLength}-byte sync area`);
      }
      dv.setUint32(OFF_MC_COUNT, req.list.length, true);
      req.list.forEach((mac, i) => putMac(area, OFF_MC_ADDRS + i * ETH_ALEN, mac));
      return OFF_MC_ADDRS + req.list.length * ETH_ALEN;
    }
  }
}

/** Reads the request back, as rte_kni_handle_request switches on req->req_id. */
export function readRequest(area: Uint8Array): KniRequest {
  const dv = view(area);
  const reqId = dv.getUint32(OFF_REQ_ID, true);
  const u = OFF_UNION;
  switch (reqId) {
    case RTE_KNI_REQ_CHANGE_MTU:
      return { id: 'CHANGE_MTU', newMtu: dv.getUint32(u, true) };
    case RTE_KNI_REQ_CFG_NETWORK_IF:
      return { id: 'CFG_NETWORK_IF', ifUp: dv.getUint8(u) !== 0 };
    case RTE_KNI_REQ_CHANGE_MAC_ADDR:
      return { id: 'CHANGE_MAC_ADDR', mac: macAt(area, u) };
    case RTE_KNI_REQ_CHANGE_PROMISC:
      return { id: 'CHANGE_PROMISC', on: dv.getUint8(u) !== 0 };
    case RTE_KNI_REQ_CHANGE_ALLMULTI:
      return { id: 'CHANGE_ALLMULTI', on: dv.getUint8(u) !== 0 };
    case RTE_KNI_REQ_SET_MC_LIST: {
      const generation = dv.getUint32(OFF_MC_GENERATION, true);
      const count = dv.getUint32(OFF_MC_COUNT, true);
      if (count === MC_LIST_OVERFLOW) return { id: 'SET_MC_LIST', generation, list: 'overflow' };
      const list: Mac[] = [];
      for (let i = 0; i < count; i++) {
        list.push(macAt(area, OFF_MC_ADDRS + i * ETH_ALEN));
      }
      return { id: 'SET_MC_LIST', generation, list };
    }
    default:
      return { id: 'UNKNOWN', reqId };
  }
}

/** req->result, written by the user-space handler, read back by the kernel. */
export function readResult(area: Uint8Array): number {
  return view(area).getInt32(OFF_RESULT, true);
}

export function writeResult(area: Uint8Array, result: number): void {
  view(area).setInt32(OFF_RESULT, result, true);
}

/** Bytes the current request occupies (for state views). */
export function requestBytes(area: Uint8Array): number {
  const req = readRequest(area);
  if (req.id !== 'SET_MC_LIST') return RTE_KNI_REQUEST_BYTES;
  return OFF_MC_ADDRS + (req.list === 'overflow' ? 0 : req.list.length * ETH_ALEN);
}
