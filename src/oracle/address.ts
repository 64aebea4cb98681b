// The oracle's own address helpers, on top of ip-address (no hand parsing of IP text) and
// independent of src/wire: an IP is a family and a bigint, a MAC is canonical lowercase text.
import { Address4, Address6 } from 'ip-address';
import { InputError } from '../errors.ts';
import type { SocketFamily } from '../scenario/types.ts';

export interface OracleIp {
  readonly family: SocketFamily;
  readonly value: bigint;
  readonly multicast: boolean;
}

/** 224.0.0.0/4 (RFC 5771; include/linux/in.h ipv4_is_multicast): the top four bits 1110. */
const IPV4_MULTICAST_NIBBLE = 0xen;
/** ff00::/8 (RFC 4291 2.7; include/net/ipv6.h ipv6_addr_is_multicast): the top octet 0xff. */
const IPV6_MULTICAST_OCTET = 0xffn;

/** Parsed texts, plain and with a prefix: every generated scenario names the same few hundred. */
const PARSED_PLAIN = new Map<string, OracleIp | null>();
const PARSED_PREFIX = new Map<string, OracleIp | null>();

function fromText(text: string, allowPrefix: boolean): OracleIp | null {
  if (typeof text !== 'string') return null;
  const cache = allowPrefix ? PARSED_PREFIX : PARSED_PLAIN;
  const hit = cache.get(text);
  if (hit !== undefined) return hit;
  const ip = parseText(text, allowPrefix);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(text, ip);
  return ip;
}

function parseText(text: string, allowPrefix: boolean): OracleIp | null {
  if (text.includes('%')) return null;
  if (!allowPrefix && text.includes('/')) return null;
  // Only the family the text can be, constructed once: isValid is the constructor in a try, and
  // an IPv6 text through Address4.isValid cost a thrown AddressError per group.
  try {
    if (!text.includes(':')) {
      // Address4 keeps the prefix apart; bigInt() is the address itself.
      const value = new Address4(text).bigInt();
      return { family: 'ipv4', value, multicast: value >> 28n === IPV4_MULTICAST_NIBBLE };
    }
    // Multicast from the value, not Address6.isMulticast: that one walks a subnet test through
    // binary strings and cost more than the parse.
    const value = new Address6(text).bigInt();
    return { family: 'ipv6', value, multicast: value >> 120n === IPV6_MULTICAST_OCTET };
  } catch {
    return null;
  }
}

/** A plain address ("224.1.1.1", "ff02::1"). Throws InputError naming `where`. */
export function parseAddress(text: string, where: string): OracleIp {
  const ip = fromText(text, false);
  if (!ip) throw new InputError(where, `invalid IP address ${JSON.stringify(text)}`);
  return ip;
}

/** An interface address, with or without "/prefix" ("10.0.0.1/24", "fd00::2/64"). */
export function parseInterfaceAddress(text: string, where: string): OracleIp {
  const ip = fromText(text, true);
  if (!ip) throw new InputError(where, `invalid interface address ${JSON.stringify(text)}`);
  return ip;
}

/** Canonical text of an address (dotted quad, RFC 5952), as /proc and the scenario format show it. */
export function ipText(family: SocketFamily, value: bigint): string {
  const cache = family === 'ipv4' ? V4_TEXTS : V6_TEXTS;
  const hit = cache.get(value);
  if (hit !== undefined) return hit;
  const text = family === 'ipv4' ? Address4.fromBigInt(value).correctForm() : Address6.fromBigInt(value).correctForm();
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(value, text);
  return text;
}

/** Texts of group values: `check` lists every group record after each step. */
const V4_TEXTS = new Map<bigint, string>();
const V6_TEXTS = new Map<bigint, string>();

export function ipKey(ip: OracleIp): string {
  return `${ip.family}/${ip.value.toString(16)}`;
}

/** The 4-bit scope of an IPv6 multicast address: bits 112..115 (RFC 4291 2.7). */
export function ipv6MulticastScope(value: bigint): number {
  return Number((value >> 112n) & 0xfn);
}

const MAC_TEXT = /^([0-9a-f]{2})([:-])([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})\2([0-9a-f]{2})$/i;

/** Parsed MAC texts and canonical forms: `check` asks for the same few hundred again and again. */
const OCTETS = new Map<string, readonly number[]>();
const CANONICAL = new Map<string, string>();
const CACHE_LIMIT = 1 << 14;

/** Six octets of a MAC text; throws InputError naming `where`. */
export function macOctets(text: string, where: string): number[] {
  const hit = OCTETS.get(text);
  if (hit) return [...hit];
  const m = typeof text === 'string' ? MAC_TEXT.exec(text) : null;
  if (!m) throw new InputError(where, `invalid MAC address ${JSON.stringify(text)}`);
  const octets = [m[1], m[3], m[4], m[5], m[6], m[7]].map((h) => Number.parseInt(h as string, 16));
  if (OCTETS.size >= CACHE_LIMIT) OCTETS.clear();
  OCTETS.set(text, octets);
  return [...octets];
}

export function macText(octets: readonly number[]): string {
  return octets.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/** Whether the text is already in canonical form: six pairs of lowercase hex digits joined by colons. */
function isCanonicalMac(text: string): boolean {
  if (typeof text !== 'string' || text.length !== 17) return false;
  for (let i = 0; i < 17; i++) {
    const c = text.charCodeAt(i);
    const ok = i % 3 === 2 ? c === 58 : (c >= 48 && c <= 57) || (c >= 97 && c <= 102);
    if (!ok) return false;
  }
  return true;
}

/** Canonical form: lowercase, colons (a text already canonical is its own, without a parse or the caches). */
export function canonicalMac(text: string, where: string): string {
  // `check` classifies every device-list entry after each step: most texts are canonical already.
  if (isCanonicalMac(text)) return text;
  const hit = CANONICAL.get(text);
  if (hit !== undefined) return hit;
  const canonical = macText(macOctets(text, where));
  if (CANONICAL.size >= CACHE_LIMIT) CANONICAL.clear();
  CANONICAL.set(text, canonical);
  return canonical;
}

export const BROADCAST = 'ff:ff:ff:ff:ff:ff';

/** The I/G bit, the low bit of the first octet (IEEE 802-2014 8.2; is_multicast_ether_addr). */
export function isGroupMac(mac: string): boolean {
  // Read from the first two characters (`check` asks for every probe after each step): the low
  // bit of the second hex digit; a text that is not hex there is no group address.
  const low = hexValue(mac.charCodeAt(1));
  return hexValue(mac.charCodeAt(0)) >= 0 && low >= 0 && (low & 1) === 1;
}

/** The value of a hex digit's character code, either case; -1 for anything else. */
function hexValue(c: number): number {
  return c >= 48 && c <= 57 ? c - 48 : c >= 97 && c <= 102 ? c - 87 : c >= 65 && c <= 70 ? c - 55 : -1;
}
