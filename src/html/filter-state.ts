// The filter's state on each side for a failure page (./compare-step.ts): what the oracle's spec
// expects of the NIC (its acceptance) as plain JSON, and for a leaked or lost MAC on a hash
// filter the bucket it falls in, looked up on both sides. The bucket number comes from the
// oracle's own hash (the spec's bucketOf: src/oracle/crc.ts), never from model code; the model's
// side is read off its exposed NIC state when that holds a hash register.
import type { JsonValue } from '../json.ts';
import type { Acceptance } from '../oracle/index.ts';

/** A leaked or lost MAC with its hash bucket on each side (null: not a hash filter / not exposed). */
export interface ProbeBucket {
  readonly mac: string;
  readonly kind: string;
  /** The oracle's bucket for the MAC, null when the spec hashes nothing. */
  readonly bucket: number | null;
  /** The oracle's spec has that bucket set (a `may` for any multicast MAC in it). */
  readonly oracleSet: boolean | null;
  /** The model's NIC state has that bucket's bit set: `field[bit]`, or null when it exposes no hash register. */
  readonly modelSet: { readonly field: string; readonly set: boolean } | null;
}

/** The oracle's acceptance as JSON: the page prints it beside the model's NIC state. */
export function acceptanceJson(a: Acceptance): JsonValue {
  return {
    'all frames (promiscuous)': a.everything,
    'all multicast': a.multicast ?? 'no',
    'exact (must accept)': [...a.exact],
    'hash buckets set': a.hashed ? [...a.hashed.buckets].sort((x, y) => x - y) : 'no hash',
  };
}

const WORD = /^(0x)?[0-9a-f]{8}$/i;
const BYTE = /^[0-9a-f]{2}$/i;

/** A hash register as the page reads it: `width`-bit cells, bucket b at bit b % width of cell b / width. */
interface HashRegister {
  readonly field: string;
  readonly cells: readonly number[];
  readonly width: 8 | 32;
}

/**
 * The model's hash register, if its NIC state shows one in a layout the page can read: an array
 * of 32-bit words (8139too-style `mar` as 0x words, tun `mask`, tulip `mcFilter`) or of bytes
 * (rtl8139 `mar`, e100 `mult`). These drivers set bucket b as bit b % width of cell b / width
 * (mc_filter[bit_nr >> 5] |= 1 << (bit_nr & 31), in bytes MAR0..7 little-endian), so one rule
 * reads them all. A state that says its layout differs (r8169's swapped halves) or keeps the
 * register another way (e1000 `mta` by register name) gets no reading rather than a wrong one.
 */
function hashRegister(nic: JsonValue): HashRegister | null {
  if (typeof nic !== 'object' || nic === null || Array.isArray(nic)) return null;
  const state = nic as { readonly [k: string]: JsonValue };
  if (state['marLayout'] !== undefined && state['marLayout'] !== 'linear') return null;
  for (const [field, value] of Object.entries(state)) {
    if (!Array.isArray(value) || value.length === 0 || !value.every((w) => typeof w === 'string')) continue;
    const cells = value as readonly string[];
    if (cells.every((w) => WORD.test(w))) return { field, cells: cells.map((w) => Number.parseInt(w.replace(/^0x/i, ''), 16)), width: 32 };
    if (cells.every((w) => BYTE.test(w))) return { field, cells: cells.map((w) => Number.parseInt(w, 16)), width: 8 };
  }
  return null;
}

export function probeBucket(mac: string, kind: string, acceptance: Acceptance, nic: JsonValue): ProbeBucket {
  const hashed = acceptance.hashed;
  if (!hashed) return { mac, kind, bucket: null, oracleSet: null, modelSet: null };
  const bucket = hashed.bucketOf(mac);
  const register = hashRegister(nic);
  const index = register ? Math.floor(bucket / register.width) : 0;
  const bit = register ? bucket % register.width : 0;
  const cell = register?.cells[index];
  return {
    mac,
    kind,
    bucket,
    oracleSet: hashed.buckets.has(bucket),
    modelSet: register && cell !== undefined ? { field: `${register.field}[${index}] bit ${bit}`, set: Math.floor(cell / 2 ** bit) % 2 === 1 } : null,
  };
}
