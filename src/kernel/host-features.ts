// kernelFeatureMissing (features.ts) for any KernelHost: the same probes, as batches of calls, in
// a throw-away namespace of that host. The guest's kernel is asked here before a differential
// runs in it, so a guest kernel without a feature is named, never taken for a difference.
import { AF_INET, AF_INET6, IPPROTO_IP, IPPROTO_IPV6, SOCK_RAW } from '../sys/ffi.ts';
import type { HostCall, KernelHost } from '../sys/kernel-host.ts';
import { FEATURE_WHAT, type KernelFeature } from './features.ts';

const IPPROTO_IGMP = 2; // include/uapi/linux/in.h
const IPPROTO_ICMPV6 = 58; // include/uapi/linux/in6.h
const MRT_INIT = 200; // include/uapi/linux/mroute.h; MRT6_INIT has the same value (mroute6.h)
const MRT_DONE = 201; // include/uapi/linux/mroute.h MRT_BASE + 1

const one = Buffer.from([1, 0, 0, 0]);

/** The probe's calls; the first failing answer among `judged` (indexes) says why the feature is missing. */
function probe(f: KernelFeature, ns: string): { calls: HostCall[]; judged: number[]; names: string[] } {
  const mroute = (domain: number, level: number, protocol: number, name: string) => ({
    calls: [
      { call: 'socket', ns, handle: 'probe', domain, type: SOCK_RAW, protocol },
      { call: 'setsockopt', handle: 'probe', level, name: MRT_INIT, value: one },
      { call: 'setsockopt', handle: 'probe', level, name: MRT_DONE, value: one },
      { call: 'close', handle: 'probe' },
    ] satisfies HostCall[],
    judged: [0, 1],
    names: [`socket(${name === 'MRT_INIT' ? 'IGMP' : 'ICMPv6'})`, name],
  });
  const link = (args: string[]) => ({
    calls: [
      { call: 'ip', args: ['-n', ns, 'link', 'add', 'mtbprobe0', 'type', 'veth', 'peer', 'name', 'mtbprobe1'] },
      { call: 'ip', args: ['-n', ns, 'link', 'add', ...args] },
    ] satisfies HostCall[],
    judged: [0, 1],
    names: ['', ''],
  });
  switch (f) {
    case 'ip_mroute':
      return mroute(AF_INET, IPPROTO_IP, IPPROTO_IGMP, 'MRT_INIT');
    case 'ip6_mroute':
      return mroute(AF_INET6, IPPROTO_IPV6, IPPROTO_ICMPV6, 'MRT6_INIT');
    case 'macvlan':
      return link(['link', 'mtbprobe0', 'name', 'mtbprobe2', 'type', 'macvlan', 'mode', 'bridge']);
    case '8021q':
      return link(['link', 'mtbprobe0', 'name', 'mtbprobe0.5', 'type', 'vlan', 'id', '5']);
    case 'bonding':
      return link(['mtbprobe3', 'type', 'bond']);
    case 'tun':
      return { calls: [{ call: 'read', ns, path: '/sys/class/misc/tun/dev' }], judged: [0], names: ['/dev/net/tun'] };
  }
}

const known = new WeakMap<KernelHost, Map<KernelFeature, string | null>>();

/** null when `host` has every feature, else one line naming the first one missing and how it showed. */
export async function hostFeatureMissing(host: KernelHost, ...features: readonly KernelFeature[]): Promise<string | null> {
  const cache = known.get(host) ?? new Map<KernelFeature, string | null>();
  known.set(host, cache);
  for (const f of features) {
    if (!cache.has(f)) {
      const ns = await host.createNamespace();
      try {
        const p = probe(f, ns);
        const answers = await host.run(p.calls);
        let why: string | null = null;
        for (const [k, i] of p.judged.entries()) {
          const a = answers[i];
          if (a && !a.ok) {
            why = a.errno === 'EXIT' ? a.message.replace(/^ip [^:]*: /, '') : `${p.names[k]}: ${a.errno}`;
            break;
          }
        }
        cache.set(f, why);
      } finally {
        await host.deleteNamespace(ns);
      }
    }
    const why = cache.get(f);
    if (why != null) return `${host.label} has no ${FEATURE_WHAT[f]}: ${why}`;
  }
  return null;
}
