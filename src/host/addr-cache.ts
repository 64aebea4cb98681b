// Memoised address parsing for the model's hot path: `check` runs thousands of scenarios that
// reuse a handful of address strings, and ip-address parsing (IPv6 above all) costs tens of
// microseconds per call. IpAddr values are immutable, so sharing them is safe.
import { type IpAddr, type IpPrefix, parseIp, parsePrefix } from '../wire/ip.ts';
import { eui64LinkLocal, solicitedNode } from '../wire/ipv6.ts';
import type { FaultSet } from '../faults.ts';
import { type Mac, macFromBytes } from '../wire/mac.ts';
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

/**
 * The MAC a group is loaded into dev->mc under: ip_mc_filter_add → arp_mc_map → ip_eth_mc_map
 * (include/net/ip.h), igmp6_group_added → ndisc_mc_map → ipv6_eth_mc_map (include/net/addrconf.h);
 * the same mapping as the sender's unless a fault keeps only 24 bits.
 */
export function deviceMacOf(group: IpAddr, faults: FaultSet): Mac {
  const mapFault = group.family === 'ipv4' ? 'ipv4-map-24bit' : 'ipv6-map-24bit';
  // Not through wireMacOf's cache: a record computes its MAC once (GroupRecord.deviceMac), and
  // 100,000 groups would only churn the cache.
  if (!faults.has(mapFault)) return groupMac(group);
  const v = Number(group.value & 0xffffffn);
  return macFromBytes([...(group.family === 'ipv4' ? [0x01, 0x00, 0x5e] : [0x33, 0x33, 0x00]), (v >> 16) & 0xff, (v >> 8) & 0xff, v & 0xff]);
}
