// IPv4/IPv6 addresses as value types, parsed with ip-address (no hand parsing).
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

/** Parses a plain address (no prefix, no zone). Throws InputError naming the input. */
export function parseIp(text: string, where = ''): IpAddr {
  if (typeof text === 'string' && !text.includes('/') && !text.includes('%')) {
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
  return family === 'ipv4'
    ? fromAddress4(Address4.fromBigInt(value))
    : fromAddress6(Address6.fromBigInt(value));
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
