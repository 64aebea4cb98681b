// Can this machine run the kernel differential? Root (namespaces, AF_PACKET, taps), iproute2,
// /dev/net/tun, and a namespace that can actually be created.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createNamespace, deleteNamespace } from '../sys/netns.ts';

/** null when kernel mode can run here, else the reason it cannot (one line). */
export function kernelModeUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return 'not root (network namespaces, AF_PACKET and taps need root)';
  const v = spawnSync('ip', ['-V'], { encoding: 'utf8', timeout: 60_000 });
  if (v.error || v.status !== 0) return '`ip` (iproute2) not found';
  if (!existsSync('/dev/net/tun')) return '/dev/net/tun is missing';
  try {
    // Registered like every other namespace, so a signal right now still removes it.
    deleteNamespace(createNamespace());
  } catch (e) {
    return `cannot create a network namespace: ${e instanceof Error ? e.message : String(e)}`;
  }
  return null;
}
