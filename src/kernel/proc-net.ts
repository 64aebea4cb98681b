// What the runners read back from /proc and iproute2 in a namespace: dev->mc with users and
// global use, the IPv4/IPv6 group lists, the promiscuity/allmulti counters, and whether IPv6
// addresses have settled (non-tentative, solicited-node group joined).
import { readFileSync } from 'node:fs';
import type { DeviceListEntry, GroupUsers, InterfaceResult, InterfaceSpec, JsonValue } from '../scenario/types.ts';
import { inNamespace, ip } from '../sys/netns.ts';
import { type IpAddr, ipFromValue, parseIp, parsePrefix } from '../wire/ip.ts';
import { solicitedNode } from '../wire/ipv6.ts';
import { type Mac, compareMac, parseMac } from '../wire/mac.ts';

const IFA_F_TENTATIVE = 0x40; // include/uapi/linux/if_addr.h

/**
 * The kernel's state for the `nic` field, in the shape of the `accept-all` profile's state()
 * (src/nic/accept-all.ts): veth has no filter; what the stack asked for, in list order.
 */
function vethState(promisc: number, allmulti: number, listOrder: readonly string[]): JsonValue {
  return { filter: 'none', requested: { promisc: promisc > 0, allmulti: allmulti > 0, mc: [...listOrder] } };
}

/** The receiver side of /proc/net/dev_mcast: "%-4d %-15s %-5d %-5d %*phN" (net/core/net-procfs.c): users, global use. */
export function parseDevMcast(text: string, iface: string): { mac: Mac; users: number; global: boolean }[] {
  const out: { mac: Mac; users: number; global: boolean }[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 5 || f[1] !== iface) continue;
    const hex = f[4] as string;
    out.push({ mac: parseMac(hex.match(/../g)!.join(':')), users: Number(f[2]), global: Number(f[3]) > 0 });
  }
  return out;
}

/**
 * /proc/net/igmp (net/ipv4/igmp.c igmp_mc_seq_show): a device line "%d\t%-10s: %5d %7s", then one
 * "\t\t\t\t%08X %5d %d:%08lX\t\t%d" line per group: im->multiaddr, a network-order word printed
 * as a host integer (224.0.0.1 reads 010000E0 on little-endian machines), and its users.
 */
export function parseProcIgmp(text: string, iface: string): GroupUsers[] {
  const out: GroupUsers[] = [];
  let current: string | null = null;
  for (const line of text.split('\n').slice(1)) {
    const device = /^\d+\s+(\S+)\s*:/.exec(line);
    if (device) {
      current = device[1] as string;
      continue;
    }
    const group = /^\s+([0-9A-Fa-f]{8})\s+(\d+)/.exec(line);
    if (!group || current !== iface) continue;
    const word = Number.parseInt(group[1] as string, 16);
    const bytes = Buffer.alloc(4);
    bytes.writeUInt32LE(word >>> 0);
    out.push({ group: ipFromValue('ipv4', BigInt(bytes.readUInt32BE(0))).text, users: Number(group[2]) });
  }
  return out;
}

/** /proc/net/igmp6 (net/ipv6/mcast.c igmp6_mc_seq_show): "%-4d %-15s %pi6 %5d %08X %ld": group as 32 hex digits, users. */
export function parseProcIgmp6(text: string, iface: string): GroupUsers[] {
  const out: GroupUsers[] = [];
  for (const line of text.split('\n')) {
    const f = line.trim().split(/\s+/);
    if (f.length < 4 || f[1] !== iface || !/^[0-9a-f]{32}$/i.test(f[2] as string)) continue;
    out.push({ group: ipFromValue('ipv6', BigInt(`0x${f[2] as string}`)).text, users: Number(f[3]) });
  }
  return out;
}

/** "promiscuity N allmulti N" from `ip -d link` (dev->promiscuity, dev->allmulti via IFLA_PROMISCUITY / IFLA_ALLMULTI). */
export function linkCounters(ns: string): Map<string, { promisc: number; allmulti: number }> {
  const links = JSON.parse(ip(['-n', ns, '-d', '-j', 'link', 'show'])) as { ifname: string; promiscuity?: number; allmulti?: number }[];
  return new Map(links.map((l) => [l.ifname, { promisc: l.promiscuity ?? -1, allmulti: l.allmulti ?? -1 }]));
}

function hex32(ip6: IpAddr): string {
  return ip6.value.toString(16).padStart(32, '0');
}

/** ipv6Settled for the device `name` that should hold the `ipv6` prefixes besides its link-local (none while it was never up). */
export function ipv6SettledOn(name: string, ipv6: readonly string[], ifInet6: string, igmp6: string, linkLocal = true): boolean {
  const rows = ifInet6.split('\n').map((r) => r.trim().split(/\s+/)).filter((f) => f.length >= 6 && f[5] === name);
  const groups = new Set(igmp6.split('\n').map((r) => r.trim().split(/\s+/)).filter((f) => f.length >= 3 && f[1] === name).map((f) => f[2]));
  const hasLinkLocal = rows.some((f) => (f[0] as string).startsWith('fe80'));
  const wanted = ipv6.map((a) => hex32(parsePrefix(a).addr));
  if (hasLinkLocal !== linkLocal || !wanted.every((w) => rows.some((f) => f[0] === w))) return false;
  return rows.every((f) => {
    const flags = parseInt(f[4] as string, 16);
    const addr = parseIp((f[0] as string).match(/.{4}/g)!.join(':'));
    return (flags & IFA_F_TENTATIVE) === 0 && groups.has(hex32(solicitedNode(addr)));
  });
}

/** The kernel's view of each interface in the namespace `ns`, in the shape of simulate's output. */
export function readInterfaceResults(ns: string, specs: readonly InterfaceSpec[]): Record<string, InterfaceResult> {
  const [devMcast, igmp, igmp6] = inNamespace(ns, () =>
    ['dev_mcast', 'igmp', 'igmp6'].map((f) => readFileSync(`/proc/thread-self/net/${f}`, 'utf8')),
  ) as [string, string, string];
  const counters = linkCounters(ns);
  const out: Record<string, InterfaceResult> = {};
  for (const spec of specs) {
    const list = parseDevMcast(devMcast, spec.name);
    const c = counters.get(spec.name) ?? { promisc: -1, allmulti: -1 };
    const mc: DeviceListEntry[] = [...list].sort((a, b) => compareMac(a.mac, b.mac)).map((e) => ({ mac: e.mac, users: e.users }));
    const groups = [...parseProcIgmp(igmp, spec.name), ...parseProcIgmp6(igmp6, spec.name)].sort((a, b) =>
      a.group < b.group ? -1 : a.group > b.group ? 1 : 0,
    );
    out[spec.name] = {
      mc,
      promisc: c.promisc,
      allmulti: c.allmulti,
      nic: vethState(c.promisc, c.allmulti, list.map((e) => e.mac)),
      global: list.filter((e) => e.global).map((e) => e.mac).sort(),
      groups,
    };
  }
  return out;
}

/** The sum of the time_squeeze column (the third) of /proc/net/softnet_stat over the CPUs (net/core/net-procfs.c softnet_seq_show). */
export function timeSqueezes(softnetStat: string): number {
  return softnetStat
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((f) => f.length >= 3)
    .reduce((sum, f) => sum + Number.parseInt(f[2] as string, 16), 0);
}
