// Memoised address parsing for the model's hot path: `check` runs thousands of scenarios that
// reuse a handful of address strings, and ip-address parsing (IPv6 above all) costs tens of
// microseconds per call. IpAddr values are immutable, so sharing them is safe.
import { type IpAddr, type IpPrefix, parseIp, parsePrefix } from '../wire/ip.ts';
import { eui64LinkLocal, solicitedNode } from '../wire/ipv6.ts';
import type { Mac } from '../wire/mac.ts';
import { groupMac } from '../wire/mapping.ts';

/** Entries per cache before it is dropped wholesale (bounds memory on long runs). */
const CACHE_LIMIT = 1 << 14;

function remember<K, V>(cache: Map<K, V>, key: K, value: V): V {
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(key, value);
  return value;
}

const ips = new Map<string, IpAddr>();
const prefixes = new Map<string, IpPrefix>();
const solicited = new Map<string, IpAddr>();
const linkLocals = new Map<string, IpAddr>();
const wireMacs = new Map<string, Mac>();

/** parseIp, memoised; failures are not cached and throw InputError naming `where`. */
export function ipOf(text: unknown, where: string): IpAddr {
  const hit = typeof text === 'string' ? ips.get(text) : undefined;
  return hit ?? remember(ips, text as string, parseIp(text as string, where));
}

/** parsePrefix, memoised like ipOf. */
export function prefixOf(text: unknown, where: string): IpPrefix {
  const hit = typeof text === 'string' ? prefixes.get(text) : undefined;
  return hit ?? remember(prefixes, text as string, parsePrefix(text as string, where));
}

/** solicitedNode, memoised by address text. */
export function solicitedNodeOf(addr: IpAddr): IpAddr {
  return solicited.get(addr.text) ?? remember(solicited, addr.text, solicitedNode(addr));
}

/** eui64LinkLocal, memoised by MAC. */
export function linkLocalOf(mac: Mac): IpAddr {
  return linkLocals.get(mac) ?? remember(linkLocals, mac, eui64LinkLocal(mac));
}

/** The destination MAC a sender puts on a group's frames (groupMac), memoised by group text. */
export function wireMacOf(group: IpAddr): Mac {
  return wireMacs.get(group.text) ?? remember(wireMacs, group.text, groupMac(group));
}
