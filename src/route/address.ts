// Addresses as multicast routing sees them: which groups never reach it, and how /proc prints them.
import { type IpAddr, isMulticastIp, multicastScope, parseIp } from '../wire/index.ts';
import type { RouteFamily } from './types.ts';

export function routeAddr(text: string, where = ''): IpAddr {
  return parseIp(text, where);
}

/** 0.0.0.0 / :: : the wildcard origin or group of (*,G) and (*,*) entries. */
export function isAny(a: IpAddr): boolean {
  return a.value === 0n;
}

/**
 * Groups that never reach multicast routing. IPv4: 224.0.0.0/24 (net/ipv4/route.c
 * ip_route_input_rcu: !ipv4_is_local_multicast). IPv6: scope 1 and 2 — ipv6_addr_type gives
 * IPV6_ADDR_LOOPBACK / IPV6_ADDR_LINKLOCAL (net/ipv6/ip6_input.c ip6_mc_input), i.e. ff01::/16,
 * ff02::/16 and the same scopes under other flag nibbles (ff11::, ff32::...).
 */
export function neverRouted(group: IpAddr): boolean {
  if (group.family === 'ipv4') return group.value >> 8n === 0xe00000n;
  const scope = multicastScope(group);
  return scope === 1 || scope === 2;
}

/** MRT_ADD_MFC accepts a multicast group or the wildcard (ipmr_mfc_add / ip6mr_mfc_add: else EINVAL). */
export function validMfcGroup(group: IpAddr): boolean {
  return isAny(group) || isMulticastIp(group);
}

/**
 * An IPv4 address as /proc/net/ip_mr_* prints it: the network-order word read as a little-endian
 * host integer, "%08X" (224.0.1.20 -> "140100E0").
 */
export function procHexIpv4(a: IpAddr): string {
  return procHexWord(hostWord(a));
}

/** An IPv4 address's network-order word read as a little-endian host integer (a __be32 field printed with %X). */
export function hostWord(a: IpAddr): number {
  const v = Number(a.value);
  return (((v & 0xff) << 24) | ((v & 0xff00) << 8) | ((v >>> 8) & 0xff00) | (v >>> 24)) >>> 0;
}

/** A 32-bit host integer as "%08X" (ip_mr_vif's Local column holds the ifindex this way). */
export function procHexWord(n: number): string {
  return (n >>> 0).toString(16).toUpperCase().padStart(8, '0');
}

/** "%pI6": eight groups of four lowercase hex digits (lib/vsprintf.c ip6_string). */
export function procIpv6(a: IpAddr): string {
  return a.value.toString(16).padStart(32, '0').match(/.{4}/g)!.join(':');
}

export function procAddr(family: RouteFamily, a: IpAddr): string {
  return family === 'ipv4' ? procHexIpv4(a) : procIpv6(a);
}

/** The 4 or 16 network-order bytes of an address. */
export function addrBytes(a: IpAddr): number[] {
  const n = a.family === 'ipv4' ? 4 : 16;
  const out: number[] = [];
  for (let i = n - 1; i >= 0; i--) out.push(Number((a.value >> BigInt(8 * i)) & 0xffn));
  return out;
}
