// Which kernel features this machine has, probed once per process in a throw-away namespace.
// Kernels differ between machines and builds (the 6.18.44 build of 2026-12-06 has no IP_MROUTE):
// every live test and command asks here and skips, or refuses with one line, naming what is missing.
import { existsSync } from 'node:fs';
import { AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_IPV6, SOCK_RAW, close, setsockoptInt, socket } from '../sys/ffi.ts';
import { createNamespace, deleteNamespace, inNamespace, ip } from '../sys/netns.ts';

export type KernelFeature = 'ip_mroute' | 'ip6_mroute' | 'macvlan' | 'tun' | '8021q' | 'bonding';

/** What each feature is, as a person reads it in a SKIP line: the kernel option and how it shows. */
export const FEATURE_WHAT: Readonly<Record<KernelFeature, string>> = {
  ip_mroute: 'IPv4 multicast routing (CONFIG_IP_MROUTE)',
  ip6_mroute: 'IPv6 multicast routing (CONFIG_IPV6_MROUTE)',
  macvlan: 'macvlan devices (CONFIG_MACVLAN)',
  tun: '/dev/net/tun (CONFIG_TUN)',
  '8021q': 'VLAN devices (CONFIG_VLAN_8021Q)',
  bonding: 'bonding devices (CONFIG_BONDING)',
};

const IPPROTO_IGMP = 2; // include/uapi/linux/in.h
const IPPROTO_ICMPV6 = 58; // include/uapi/linux/in6.h
const MRT_INIT = 200; // include/uapi/linux/mroute.h; MRT6_INIT has the same value (mroute6.h)
const MRT_DONE = 201; // include/uapi/linux/mroute.h MRT_BASE + 1

/** null when the feature works, else the errno or error that showed it does not. */
type Probe = (ns: string) => string | null;

/** MRT_INIT on a raw IGMP / ICMPv6 socket: ENOPROTOOPT without the option (net/ipv4/raw.c do_raw_setsockopt). */
function mroute(domain: number, level: number, proto: number, name: string): Probe {
  return (ns) =>
    inNamespace(ns, () => {
      const s = socket(domain, SOCK_RAW, proto);
      if (!s.ok) return `socket(${name}): ${s.errno}`;
      try {
        const r = setsockoptInt(s.value, level, MRT_INIT, 1);
        if (!r.ok) return `${name === 'IGMP' ? 'MRT_INIT' : 'MRT6_INIT'}: ${r.errno}`;
        setsockoptInt(s.value, level, MRT_DONE, 0);
        return null;
      } finally {
        close(s.value);
      }
    });
}

function linkType(args: readonly string[]): Probe {
  return (ns) => {
    try {
      ip(['-n', ns, 'link', 'add', 'mtbprobe0', 'type', 'veth', 'peer', 'name', 'mtbprobe1']);
      ip(['-n', ns, 'link', 'add', ...args]);
      return null;
    } catch (e) {
      return (e instanceof Error ? e.message : String(e)).replace(/^ip [^:]*: /, '');
    }
  };
}

const PROBES: Record<KernelFeature, Probe> = {
  ip_mroute: mroute(AF_INET, IPPROTO_IP, IPPROTO_IGMP, 'IGMP'),
  ip6_mroute: mroute(AF_INET6, IPPROTO_IPV6, IPPROTO_ICMPV6, 'ICMPv6'),
  macvlan: linkType(['link', 'mtbprobe0', 'name', 'mtbprobe2', 'type', 'macvlan', 'mode', 'bridge']),
  tun: () => (existsSync('/dev/net/tun') ? null : '/dev/net/tun is missing'),
  '8021q': linkType(['link', 'mtbprobe0', 'name', 'mtbprobe0.5', 'type', 'vlan', 'id', '5']),
  bonding: linkType(['mtbprobe3', 'type', 'bond']),
};

const known = new Map<KernelFeature, string | null>();

/**
 * null when every feature is there, else one line naming the first one missing and how it
 * showed (e.g. "this kernel has no IPv4 multicast routing (CONFIG_IP_MROUTE): MRT_INIT: ENOPROTOOPT").
 * Needs kernel mode (root, iproute2): ask kernelModeUnavailable() first.
 */
export function kernelFeatureMissing(...features: readonly KernelFeature[]): string | null {
  for (const f of features) {
    if (!known.has(f)) {
      let ns: string;
      try {
        ns = createNamespace();
      } catch (e) {
        return `cannot create a network namespace to probe ${FEATURE_WHAT[f]}: ${e instanceof Error ? e.message : String(e)}`;
      }
      try {
        known.set(f, PROBES[f](ns));
      } finally {
        deleteNamespace(ns);
      }
    }
    const why = known.get(f);
    if (why != null) return `this kernel has no ${FEATURE_WHAT[f]}: ${why}`;
  }
  return null;
}
