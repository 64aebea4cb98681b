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

const CANONICAL_V4 = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;
const V6_CHARS = /^[0-9a-f:]{2,39}$/;

/** An IPv4 value as a dotted quad (Address4's correctForm: no leading zeros). */
export function formatIpv4(value: bigint): string {
  const v = Number(value);
  return `${v >>> 24}.${(v >>> 16) & 0xff}.${(v >>> 8) & 0xff}.${v & 0xff}`;
}

/**
 * An IPv6 value in RFC 5952 form as ip-address's correctForm prints it: lowercase hex without
 * leading zeros, the first longest run of two or more zero groups as `::`.
 */
export function formatIpv6(value: bigint): string {
  const groups: number[] = [];
  for (let i = 0; i < 4; i++) {
    const w = Number((value >> BigInt(96 - 32 * i)) & 0xffffffffn);
    groups.push(w >>> 16, w & 0xffff);
  }
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
  const hex = (g: number): string => g.toString(16);
  if (best < 0) return groups.map(hex).join(':');
  return `${groups.slice(0, best).map(hex).join(':')}::${groups.slice(best + bestLength).map(hex).join(':')}`;
}

/** The value of `text` if it is an address in canonical form, else null (ip-address decides). */
function canonicalValue(text: string): IpAddr | null {
  if (CANONICAL_V4.test(text)) {
    const [a, b, c, d] = text.split('.').map(Number) as [number, number, number, number];
    return { family: 'ipv4', text, value: BigInt(((a << 24) >>> 0) + (b << 16) + (c << 8) + d) };
  }
  if (!V6_CHARS.test(text)) return null;
  const halves = text.split('::');
  if (halves.length > 2) return null;
  const words = (half: string | undefined): number[] | null => {
    if (half === undefined || half === '') return [];
    const out: number[] = [];
    for (const g of half.split(':')) {
      if (g.length === 0 || g.length > 4) return null;
      out.push(parseInt(g, 16));
    }
    return out;
  };
  const head = words(halves[0]);
  const tail = halves.length === 2 ? words(halves[1]) : [];
  if (head === null || tail === null) return null;
  const fill = 8 - head.length - tail.length;
  if (halves.length === 2 ? fill < 1 : fill !== 0) return null;
  let value = 0n;
  for (const g of [...head, ...Array<number>(fill).fill(0), ...tail]) value = (value << 16n) | BigInt(g);
  return formatIpv6(value) === text ? { family: 'ipv6', text, value } : null;
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
