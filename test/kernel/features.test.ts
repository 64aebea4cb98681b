// The kernel feature probe: what it says must match what the kernel does when asked directly.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { kernelFeatureMissing } from '../../src/kernel/features.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';

const skip = kernelModeUnavailable();
if (skip !== null) console.log(`SKIP kernel feature probe: ${skip}`);

describe.skipIf(skip !== null)('kernel feature probe', () => {
  it('tun: missing exactly when /dev/net/tun is', () => {
    expect(kernelFeatureMissing('tun') === null).toBe(existsSync('/dev/net/tun'));
  });
  it('IPv4 multicast routing: missing exactly when /proc/net/ip_mr_vif is absent, naming the option and the errno', () => {
    const missing = kernelFeatureMissing('ip_mroute');
    // /proc/net/ip_mr_vif exists exactly when CONFIG_IP_MROUTE is built (net/ipv4/ipmr.c ipmr_net_init).
    expect(missing === null).toBe(existsSync('/proc/net/ip_mr_vif'));
    if (missing !== null) expect(missing).toMatch(/CONFIG_IP_MROUTE\): MRT_INIT: ENOPROTOOPT$/);
  });
  it('8021q: the probe agrees with `ip link add ... type vlan` in a fresh namespace', () => {
    const ns = `mtb-featuretest-${process.pid}`;
    spawnSync('ip', ['netns', 'add', ns]);
    try {
      spawnSync('ip', ['-n', ns, 'link', 'add', 'a0', 'type', 'veth', 'peer', 'name', 'a1']);
      const vlan = spawnSync('ip', ['-n', ns, 'link', 'add', 'link', 'a0', 'name', 'a0.7', 'type', 'vlan', 'id', '7']);
      expect(kernelFeatureMissing('8021q') === null).toBe(vlan.status === 0);
    } finally {
      spawnSync('ip', ['netns', 'del', ns]);
    }
  });
  it('a second ask answers from memory (one probe per process), and several features name the first missing one', () => {
    const all = ['tun', 'macvlan', 'ip_mroute', 'ip6_mroute', '8021q', 'bonding'] as const;
    const first = all.map((f) => kernelFeatureMissing(f)).find((r) => r !== null) ?? null;
    expect(kernelFeatureMissing(...all)).toBe(first);
  });
});
