// IPv4/IPv6 addresses as value types, parsed with ip-address. The model's hot path first tries a
// text already in canonical form (what generators and fixtures write): it is read into a value and
// accepted only if printing that value gives the text back; anything else goes to ip-address.
// test/wire/ip.test.ts holds the printer equal to ip-address's correctForm.
import { Address4, Address6 } from 'ip-address';
import { InputError } from '../errors.ts';

export type Family = 'ipv4' | 'ipv6';

/** An IP address: family, canonical text (dotted quad / RFC 5952 compressed) and numeric value. */
export interface IpAddr {
  readonly family: Family;
  readonly text: string;
  readonly value: bigint;
}

/** An interface address with its prefix length, e.g. 10.99.0.2/24. */
export interface IpPrefix {
  readonly addr: IpAddr;
  readonly prefixLength: number;
}

function fromAddress4(a: Address4): IpAddr {
  return { family: 'ipv4', text: a.correctForm(), value: a.bigInt() };
}
function fromAddress6(a: Address6): IpAddr {
  return { family: 'ipv6', text: a.correctForm(), value: a.bigInt() };
}

/** An IPv4 value as a dotted quad (Address4's correctForm: no leading zeros). */
export function formatIpv4(value: bigint): string {
  const v = Number(value);
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/**
 * An IPv6 value in RFC 5952 form as ip-address's correctForm prints it: lowercase hex without
 * leading zeros, the first longest run of two or more zero groups as `::`.
 */
/** RFC 5952 4.2.3: the first longest run of two or more zero groups, [start, length]; [-1, 1] when none. */
function longestZeroRun(groups: ArrayLike<number>): [number, number] {
  let best = -1;
  let bestLength = 1;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLength) {
      best = i;
      bestLength = j - i;
    }
    i = j;
  }
  return [best, bestLength];
}

export function formatIpv6(value: bigint): string {
  // Four 32-bit words, then the text built in one pass (no closures, no arrays of texts: `check`
  // formats a generated group or source for most steps).
  const groups = GROUPS;
  for (let i = 0; i < 4; i++) {
    const w = Number(BigInt.asUintN(32, value >> BigInt(96 - 32 * i)));
    groups[2 * i] = w >>> 16;
    groups[2 * i + 1] = w & 0xffff;
  }
  const [best, bestLength] = longestZeroRun(groups);
  let text = '';
  for (let i = 0; i < 8; i++) {
    if (i === best) {
      text += '::';
      i += bestLength - 1;
      continue;
    }
    if (text !== '' && !text.endsWith(':')) text += ':';
    text += (groups[i] as number).toString(16);
  }
  return text;
}

/** Scratch for formatIpv6: the eight 16-bit groups of the value. */
const GROUPS = new Int32Array(8);

/** Scratch for canonicalValue: the eight 16-bit groups of an IPv6 text, and their bytes for the value. */
const WORDS = new Int32Array(8);
const VALUE_BYTES = new DataView(new ArrayBuffer(16));

/** A dotted quad without leading zeros (Address4's correctForm), read char by char; else null. */
function canonicalV4(text: string): IpAddr | null {
  const n = text.length;
  if (n < 7 || n > 15) return null;
  let value = 0;
  let octets = 0;
  let i = 0;
  while (i <= n) {
    const start = i;
    let octet = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c < 48 || c > 57) break;
      octet = octet * 10 + (c - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 3 || octet > 255 || (digits > 1 && text.charCodeAt(start) === 48)) return null;
    value = value * 256 + octet;
    octets++;
    if (i === n) break;
    if (text.charCodeAt(i) !== 46 || octets === 4) return null;
    i++;
  }
  return octets === 4 ? { family: 'ipv4', text, value: BigInt(value) } : null;
}

/**
 * An IPv6 text in RFC 5952 form as ip-address's correctForm prints it (lowercase hex groups
 * without leading zeros; `::` for exactly the first longest run of two or more zero groups and
 * nowhere else), read char by char into WORDS; else null. What formatIpv6 prints, checked
 * without printing.
 */
function canonicalV6(text: string): IpAddr | null {
  const n = text.length;
  if (n < 2 || n > 39) return null;
  let count = 0;
  /** Index in WORDS where `::` stands, -1 without one. */
  let gap = -1;
  let i = 0;
  if (text.charCodeAt(0) === 58) {
    if (text.charCodeAt(1) !== 58) return null;
    gap = 0;
    i = 2;
  }
  while (i < n) {
    const start = i;
    let word = 0;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c >= 48 && c <= 57) word = (word << 4) | (c - 48);
      else if (c >= 97 && c <= 102) word = (word << 4) | (c - 87);
      else break;
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > 4 || (digits > 1 && text.charCodeAt(start) === 48) || count === 8) return null;
    WORDS[count++] = word;
    if (i === n) break;
    if (text.charCodeAt(i) !== 58) return null;
    i++;
    if (i < n && text.charCodeAt(i) === 58) {
      if (gap >= 0) return null;
      gap = count;
      i++;
    } else if (i === n) return null; // a trailing single ':'
  }
  const fill = 8 - count;
  if (gap < 0 ? fill !== 0 : fill < 1) return null;
  if (gap >= 0) {
    WORDS.copyWithin(gap + fill, gap, count);
    WORDS.fill(0, gap, gap + fill);
  }
  // The run formatIpv6 compresses.
  const [best, bestLength] = longestZeroRun(WORDS);
  if (gap < 0 ? best >= 0 : gap !== best || fill !== bestLength) return null;
  for (let w = 0; w < 8; w++) VALUE_BYTES.setUint16(2 * w, WORDS[w] as number);
  return { family: 'ipv6', text, value: (VALUE_BYTES.getBigUint64(0) << 64n) | VALUE_BYTES.getBigUint64(8) };
}

/** The value of `text` if it is an address in canonical form, else null (ip-address decides). */
function canonicalValue(text: string): IpAddr | null {
  return text.includes(':') ? canonicalV6(text) : canonicalV4(text);
}

/** Parses a plain address (no prefix, no zone). Throws InputError naming the input. */
export function parseIp(text: string, where = ''): IpAddr {
  if (typeof text === 'string' && !text.includes('/') && !text.includes('%')) {
    const canonical = canonicalValue(text);
    if (canonical) return canonical;
    // Only the family the text can be, parsed once: isValid is the constructor in a try, so
    // isValid then new parsed every valid text twice.
    try {
      return text.includes(':') ? fromAddress6(new Address6(text)) : fromAddress4(new Address4(text));
    } catch {
      // invalid: the InputError below names the text
    }
  }
  throw new InputError(where, `invalid IP address ${JSON.stringify(text)}`);
}

/** Parses "ADDR/LEN". Throws InputError naming the input. */
export function parsePrefix(text: string, where = ''): IpPrefix {
  const bad = (): never => {
    throw new InputError(where, `invalid address/prefix ${JSON.stringify(text)}`);
  };
  if (typeof text !== 'string' || !/^[^/%]+\/\d{1,3}$/.test(text)) return bad();
  const [addrText, lenText] = text.split('/') as [string, string];
  const addr = parseIp(addrText, where);
  const prefixLength = Number(lenText);
  if (prefixLength > (addr.family === 'ipv4' ? 32 : 128)) return bad();
  return { addr, prefixLength };
}

export function ipFromValue(family: Family, value: bigint): IpAddr {
  const max = family === 'ipv4' ? 0xffffffffn : (1n << 128n) - 1n;
  if (value < 0n || value > max) {
    // out of range: ip-address's own answer, as before
    return family === 'ipv4' ? fromAddress4(Address4.fromBigInt(value)) : fromAddress6(Address6.fromBigInt(value));
  }
  return { family, text: family === 'ipv4' ? formatIpv4(value) : formatIpv6(value), value };
}

/** 224.0.0.0/4 (ipv4_is_multicast) or ff00::/8 (ipv6_addr_is_multicast). */
export function isMulticastIp(ip: IpAddr): boolean {
  return ip.family === 'ipv4' ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn;
}

/** The wildcard address of a family: 0.0.0.0 or ::. */
export function isWildcard(ip: IpAddr): boolean {
  return ip.value === 0n;
}

export function sameIp(a: IpAddr, b: IpAddr): boolean {
  return a.family === b.family && a.value === b.value;
}

/** True when `ip` lies in the subnet of `prefix`. */
export function inSubnet(ip: IpAddr, prefix: IpPrefix): boolean {
  if (ip.family !== prefix.addr.family) return false;
  const bits = ip.family === 'ipv4' ? 32 : 128;
  const shift = BigInt(bits - prefix.prefixLength);
  return ip.value >> shift === prefix.addr.value >> shift;
}
