// Ethernet MAC addresses as a value type: lowercase colon form, e.g. "01:00:5e:00:00:01".
import { InputError } from '../errors.ts';

declare const macBrand: unique symbol;
/** A MAC address in canonical lowercase colon form. Build one with parseMac or macFromBytes. */
export type Mac = string & { readonly [macBrand]: true };

const MAC_RE = /^[0-9a-fA-F]{2}([:-])[0-9a-fA-F]{2}(\1[0-9a-fA-F]{2}){4}$/;

export const BROADCAST_MAC = '00:00:00:00:00:00'.replace(/0/g, 'f') as Mac;

/** Parses "aa:bb:cc:dd:ee:ff" (or with dashes, any case). Throws InputError naming the input. */
export function parseMac(text: string, where = ''): Mac {
  if (typeof text === 'string' && CANONICAL_RE.test(text)) return text as Mac;
  const hit = PARSED.get(text);
  if (hit !== undefined) return hit;
  if (typeof text !== 'string' || !MAC_RE.test(text)) {
    throw new InputError(where, `invalid MAC address ${JSON.stringify(text)}`);
  }
  const mac = text.toLowerCase().replace(/-/g, ':') as Mac;
  // `check` parses the same few hundred probe texts after every step.
  if (PARSED.size >= 1 << 14) PARSED.clear();
  PARSED.set(text, mac);
  return mac;
}

const PARSED = new Map<string, Mac>();
/** Already canonical (lowercase, colons): returned as it is, no cache entry. */
const CANONICAL_RE = /^[0-9a-f]{2}(?::[0-9a-f]{2}){5}$/;

export function isMac(text: string): boolean {
  return MAC_RE.test(text);
}

/** Two lowercase hex digits per byte value. */
const HEX = Array.from({ length: 256 }, (_, b) => b.toString(16).padStart(2, '0'));

export function macFromBytes(bytes: ArrayLike<number>): Mac {
  if (bytes.length !== 6) throw new RangeError(`a MAC has 6 bytes, got ${bytes.length}`);
  return macAt(bytes, 0);
}

/** The MAC in bytes[offset..offset+6), without a view of them (a relay reads lists of thousands). */
export function macAt(bytes: ArrayLike<number>, offset: number): Mac {
  const h = HEX;
  const o = offset;
  return `${h[(bytes[o] as number) & 0xff]}:${h[(bytes[o + 1] as number) & 0xff]}:${h[(bytes[o + 2] as number) & 0xff]}:${h[(bytes[o + 3] as number) & 0xff]}:${h[(bytes[o + 4] as number) & 0xff]}:${h[(bytes[o + 5] as number) & 0xff]}` as Mac;
}

/** Writes the MAC's six bytes into out[offset..offset+6), without a bytes array of its own. */
export function putMac(out: Uint8Array, offset: number, mac: Mac): void {
  for (let i = 0; i < 6; i++) out[offset + i] = macByte(mac, i);
}

/** The value of one lowercase hex digit by its char code ('0'..'9' 48..57, 'a'..'f' 97..102). */
function hexDigit(c: number): number {
  return c >= 97 ? c - 87 : c - 48;
}

/** Byte i (0..5) of a MAC, read from its text without allocating (filters hash every destination). */
export function macByte(mac: Mac, i: number): number {
  return (hexDigit(mac.charCodeAt(3 * i)) << 4) | hexDigit(mac.charCodeAt(3 * i + 1));
}

export function macBytes(mac: Mac): Uint8Array {
  // Read digit by digit (no split, no parseInt): NIC profiles call this for every address of
  // the device list on every program.
  const out = new Uint8Array(6);
  for (let i = 0; i < 6; i++) out[i] = (hexDigit(mac.charCodeAt(3 * i)) << 4) | hexDigit(mac.charCodeAt(3 * i + 1));
  return out;
}

/**
 * The MACs that differ from `mac` in one bit of its last two octets, broadcast left out. Hash
 * filters read those bits (e1000's MTA vector, the CRC buckets): a filter hashing the wrong bits
 * disagrees with the right one on some neighbour of a hashed entry, wherever the table is.
 */
export function bitNeighbours(mac: Mac): Mac[] {
  const out: Mac[] = [];
  for (let bit = 0; bit < 16; bit++) {
    const b = macBytes(mac);
    const i = bit < 8 ? 4 : 5;
    b[i] = (b[i] as number) ^ (1 << (bit & 7));
    const m = macFromBytes(b);
    if (m !== BROADCAST_MAC) out.push(m);
  }
  return out;
}

/** The group bit: the least significant bit of the first octet (include/linux/etherdevice.h is_multicast_ether_addr). */
export function isMulticastMac(mac: Mac): boolean {
  // The low bit of the second hex digit, without parsing (a NIC walks the device list with this
  // on every program): '0'..'9' are 48..57, 'a'..'f' 97..102 (a Mac is lowercase).
  const c = mac.charCodeAt(1);
  return ((c >= 97 ? c - 87 : c - 48) & 1) === 1;
}

export function isBroadcastMac(mac: Mac): boolean {
  return mac === BROADCAST_MAC;
}

/** Orders MACs as /proc/net/dev_mcast readers sort them: by their 12 hex digits. */
export function compareMac(a: Mac, b: Mac): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
