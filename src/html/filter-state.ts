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

const WORD = /^0x[0-9a-f]{1,8}$/i;

/**
 * The model's hash register, if its NIC state shows one: an array of 32-bit words as hex text
 * (8139too `mar`, tun `mask`, e1000 `mta`). Every such driver sets bucket b as bit b & 31 of
 * word b >> 5 (mc_filter[bit_nr >> 5] |= 1 << (bit_nr & 31)), so one rule reads them all.
 */
function hashRegister(nic: JsonValue): { field: string; words: number[] } | null {
  if (typeof nic !== 'object' || nic === null || Array.isArray(nic)) return null;
  for (const [field, value] of Object.entries(nic)) {
    if (Array.isArray(value) && value.length > 0 && value.every((w) => typeof w === 'string' && WORD.test(w))) {
      return { field, words: value.map((w) => Number.parseInt(w as string, 16)) };
    }
  }
  return null;
}

export function probeBucket(mac: string, kind: string, acceptance: Acceptance, nic: JsonValue): ProbeBucket {
  const hashed = acceptance.hashed;
  if (!hashed) return { mac, kind, bucket: null, oracleSet: null, modelSet: null };
  const bucket = hashed.bucketOf(mac);
  const register = hashRegister(nic);
  const word = register?.words[bucket >>> 5];
  return {
    mac,
    kind,
    bucket,
    oracleSet: hashed.buckets.has(bucket),
    modelSet: register && word !== undefined ? { field: `${register.field}[${bucket >>> 5}] bit ${bucket & 31}`, set: ((word >>> (bucket & 31)) & 1) === 1 } : null,
  };
}
