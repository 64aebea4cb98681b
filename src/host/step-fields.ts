// The model's own checks of step and interface fields that reach it unvalidated (simulate may
// be called without validateScenario): each failure is an InputError naming the field.
import { InputError } from '../errors.ts';
import type { SocketFamily } from '../scenario/types.ts';
import type { IpAddr, IpPrefix } from '../wire/ip.ts';
import { ipOf, prefixOf } from './addr-cache.ts';

/** Ports a socket can hold: bind() to port 0 picks an ephemeral port instead (net/ipv4/udp.c udp_lib_get_port). */
const MIN_PORT = 1;
const MAX_PORT = 65535;

export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function parseFamilyIp(text: unknown, family: SocketFamily, where: string): IpAddr {
  const ip = ipOf(text, where);
  if (ip.family !== family) {
    throw new InputError(where, `${JSON.stringify(text)} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  }
  return ip;
}

export function parsePrefixes(list: unknown, family: SocketFamily, where: string): IpPrefix[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new InputError(where, 'must be an array of ADDR/LEN strings');
  return list.map((text: unknown, i) => {
    const p = prefixOf(text, `${where}/${i}`);
    if (p.addr.family !== family) {
      throw new InputError(`${where}/${i}`, `${JSON.stringify(text)} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} prefix`);
    }
    return p;
  });
}

export function parsePort(port: unknown, where: string): number {
  if (typeof port !== 'number' || !Number.isInteger(port) || port < MIN_PORT || port > MAX_PORT) {
    throw new InputError(where, `port must be an integer from ${MIN_PORT} to ${MAX_PORT}, got ${JSON.stringify(port)}`);
  }
  return port;
}

export function requireBoolean(v: unknown, where: string): boolean {
  if (typeof v !== 'boolean') throw new InputError(where, `must be true or false, got ${JSON.stringify(v)}`);
  return v;
}

export function requireString(v: unknown, where: string): string {
  if (typeof v !== 'string') throw new InputError(where, `must be a string, got ${JSON.stringify(v)}`);
  return v;
}
