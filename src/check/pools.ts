// The pools the scenario generator picks from: small on purpose (groups that alias one MAC,
// tables that overflow), and each interface's own addresses, sources and solicited-node groups.
import { type InterfaceSpec, type SocketFamily } from '../scenario/types.ts';
import { ipFromValue, parseIp, parsePrefix } from '../wire/ip.ts';
import { eui64LinkLocal, solicitedNode } from '../wire/ipv6.ts';
import { BROADCAST_MAC, type Mac, macFromBytes, parseMac } from '../wire/mac.ts';

// ---- pools -------------------------------------------------------------------------------

/** Low 23 bits 0x010101: all map to 01:00:5e:01:01:01 (include/net/ip.h ip_eth_mc_map). */
export const IPV4_ALIASES_OF_01_01_01 = ['224.1.1.1', '225.1.1.1', '232.1.1.1', '239.129.1.1'] as const;
/** Low 23 bits 0x000001: 224.0.0.1's MAC 01:00:5e:00:00:01 (239.0.0.1 is the verified case). */
export const IPV4_ALIASES_OF_ALL_HOSTS = ['224.0.0.1', '239.0.0.1', '224.128.0.1'] as const;
/** SSDP and an alias: low 23 bits 0x7ffffa, 01:00:5e:7f:ff:fa. */
export const IPV4_ALIASES_OF_SSDP = ['239.255.255.250', '224.127.255.250'] as const;
export const IPV4_LINK_LOCAL_GROUPS = ['224.0.0.2', '224.0.0.22', '224.0.0.251'] as const;
/** Six groups with six distinct MACs 01:00:5e:02:00:01..06: enough to overflow 4- and 8-entry tables. */
export const IPV4_TABLE_FILLERS = ['239.2.0.1', '239.2.0.2', '239.2.0.3', '239.2.0.4', '239.2.0.5', '239.2.0.6'] as const;
/** Not multicast: a join gives EINVAL (net/ipv4/igmp.c ip_mc_join_group). */
export const IPV4_UNICAST = ['10.200.0.1', '192.0.2.7', '255.255.255.255'] as const;

export const IPV4_GROUP_POOL: readonly string[] = [
  ...IPV4_ALIASES_OF_01_01_01,
  ...IPV4_ALIASES_OF_ALL_HOSTS,
  ...IPV4_ALIASES_OF_SSDP,
  ...IPV4_LINK_LOCAL_GROUPS,
  ...IPV4_TABLE_FILLERS,
];

/**
 * ff02::1 (kernel-held), ff01::1 (scope 1: never in dev->mc), groups sharing the low 32 bits
 * 0x00010003 (33:33:00:01:00:03, include/net/addrconf.h ipv6_eth_mc_map), and fillers.
 */
export const IPV6_STATIC_GROUPS = [
  'ff02::1',
  'ff01::1',
  'ff05::1:3',
  'ff02::1:3',
  'ff0e::1:3',
  'ff12::1:3',
  'ff02::2',
  'ff02::fb',
  'ff02::1:ff00:1',
  'ff05::1:ff00:1',
] as const;
/** Distinct MACs 33:33:00:00:01:01..06. */
export const IPV6_TABLE_FILLERS = ['ff15::101', 'ff15::102', 'ff15::103', 'ff15::104', 'ff15::105', 'ff15::106'] as const;
export const IPV6_UNICAST = ['2001:db8:ffff::1', 'fe80::1', '::1'] as const;

/** Destination MACs that alias groups in well-known ways (see docs/semantics.md). */
export const CLASSIC_MACS = ['01:00:5e:00:00:01', '01:00:5e:7f:ff:fa', '33:33:00:00:00:01', '33:33:ff:00:00:01'] as const;

/** Multicast MACs for `maddr`: group MACs of the pools, the classics, IEEE link-local (LLDP). */
export const MADDR_POOL = [
  '01:00:5e:01:01:01',
  '01:00:5e:00:00:01',
  '33:33:00:00:00:01',
  '33:33:ff:00:00:01',
  '01:00:5e:7f:ff:fa',
  '33:33:00:01:00:03',
  '01:00:5e:02:00:01',
  '01:00:5e:02:00:02',
  '01:80:c2:00:00:0e',
] as const;

export const PORTS = [5000, 5001, 5002] as const;
/** A port no generated socket binds. */
export const UNBOUND_PORT = 6000;

// ---- per-interface pools -----------------------------------------------------------------

export interface InterfacePools {
  readonly spec: InterfaceSpec;
  readonly mac: Mac;
  readonly ipv4: readonly string[];
  readonly ipv6: readonly string[];
  readonly sources: Readonly<Record<SocketFamily, readonly string[]>>;
  /** The interface's own addresses: listed as filter sources now and then (datagrams from them are martian). */
  readonly own: Readonly<Record<SocketFamily, readonly string[]>>;
  /** Solicited-node groups of the interface's addresses and their ff05:: twins (same low 32 bits). */
  readonly solicited: readonly string[];
}

/** 96 source hosts: a run of up to 66 distinct ones from any of the first 16 reaches a 65th IPv6 source (mld_max_msf 64). */
const SOURCE_HOSTS = Array.from({ length: 96 }, (_, i) => 10 + i);

/**
 * Datagram and filter sources for interface number `idx`: hosts of its subnets (10.99+I.0.0/24,
 * 2001:db8:I::/64), never one of the interface's own addresses.
 */
export function subnetSources(spec: InterfaceSpec, idx: number, family: SocketFamily): string[] {
  const key = `${idx} ${family} ${(spec.ipv4 ?? []).join(',')} ${(spec.ipv6 ?? []).join(',')}`;
  let hit = SOURCES.get(key);
  if (hit === undefined) {
    hit = computeSubnetSources(spec, idx, family);
    if (SOURCES.size >= 1 << 10) SOURCES.clear();
    SOURCES.set(key, hit);
  }
  return [...hit];
}

/** The generators ask for the same interfaces' sources for every command list. */
const SOURCES = new Map<string, readonly string[]>();

function computeSubnetSources(spec: InterfaceSpec, idx: number, family: SocketFamily): string[] {
  const own = new Set([...(spec.ipv4 ?? []), ...(spec.ipv6 ?? [])].map((p) => parsePrefix(p).addr.text));
  return subnetHosts(idx, family).filter((a) => !own.has(a));
}

/** Every source host of interface number `idx`'s subnet, made once per (idx, family): formatting 96 IPv6 texts per case was a fifth of generation. */
function subnetHosts(idx: number, family: SocketFamily): readonly string[] {
  const key = `${idx} ${family}`;
  let hosts = SUBNET_HOSTS.get(key);
  if (hosts === undefined) {
    hosts =
      family === 'ipv4'
        ? SOURCE_HOSTS.map((h) => `10.${99 + idx}.0.${h}`)
        : SOURCE_HOSTS.map((h) => ipFromValue('ipv6', (0x20010db8n << 96n) | (BigInt(idx) << 80n) | BigInt(0xa0 + h)).text);
    SUBNET_HOSTS.set(key, hosts);
  }
  return hosts;
}

const SUBNET_HOSTS = new Map<string, readonly string[]>();

export function interfacePools(spec: InterfaceSpec, idx: number): InterfacePools {
  const mac = parseMac(spec.mac);
  const ipv4 = (spec.ipv4 ?? []).map((p) => parsePrefix(p).addr.text);
  const ipv6 = (spec.ipv6 ?? []).map((p) => parsePrefix(p).addr.text);
  const v4src = subnetSources(spec, idx, 'ipv4');
  const v6src = subnetSources(spec, idx, 'ipv6');
  const solicited: string[] = [];
  if (!spec.disableIpv6) {
    for (const a of [eui64LinkLocal(mac), ...ipv6.map((t) => parseIp(t))]) {
      const sn = solicitedNode(a);
      solicited.push(sn.text, ipFromValue('ipv6', (0xff05n << 112n) | (sn.value & 0xffffffffn)).text);
    }
  }
  return { spec, mac, ipv4, ipv6, sources: { ipv4: v4src, ipv6: v6src }, own: { ipv4, ipv6 }, solicited: [...new Set(solicited)] };
}

export function randomIpv4Group(hi: number, lo: number): string {
  return ipFromValue('ipv4', BigInt((0xe0000000 | ((hi & 0xfff) << 16) | lo) >>> 0)).text;
}

export function randomIpv6Group(scope: number, hi: number, lo: number): string {
  return ipFromValue('ipv6', (BigInt(0xff00 | (scope & 0xf)) << 112n) | (BigInt(hi) << 16n) | BigInt(lo)).text;
}

export function randomMac(multicast: boolean, a: number, b: number, c: number): string {
  const first = multicast ? ((a >> 8) | 1) & 0xff : (a >> 8) & 0xfe;
  const mac = macFromBytes([first, a & 0xff, b >> 8, b & 0xff, c >> 8, c & 0xff]);
  // Broadcast is its own probe; a random pick must not turn into it.
  return mac === BROADCAST_MAC ? '01:00:5e:00:00:fb' : mac;
}
