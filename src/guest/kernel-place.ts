// Where a kernel differential that needs some kernel features runs: on this machine's kernel when
// it has them (root, iproute2, the features), else in the QEMU guest (Debian's 6.1: IP_MROUTE,
// IPV6_MROUTE, 8021q, bonding), else nowhere, with both reasons in one line.
import { type KernelFeature, kernelFeatureMissing } from '../kernel/features.ts';
import { hostFeatureMissing } from '../kernel/host-features.ts';
import { kernelModeUnavailable } from '../kernel/requirements.ts';
import type { KernelHost } from '../sys/kernel-host.ts';
import { LocalKernelHost } from '../sys/local-host.ts';
import { GuestError } from './errors.ts';
import { GuestKernelHost, kernelGuestUnavailable } from './kernel-host.ts';

export type KernelPlace =
  | { readonly where: 'host' }
  /** `hostReason`: why not this machine (absent when the guest was asked for). */
  | { readonly where: 'guest'; readonly hostReason?: string }
  | { readonly where: 'none'; readonly reason: string };

/** Where `features` can be had: this machine first; `guest: true` asks for the guest only. */
export function kernelPlace(features: readonly KernelFeature[], options: { readonly guest?: boolean } = {}): KernelPlace {
  const guest = (): string | null => kernelGuestUnavailable();
  if (options.guest) {
    const why = guest();
    return why === null ? { where: 'guest' } : { where: 'none', reason: `no guest: ${why}` };
  }
  const host = kernelModeUnavailable() ?? kernelFeatureMissing(...features);
  if (host === null) return { where: 'host' };
  const why = guest();
  return why === null ? { where: 'guest', hostReason: host } : { where: 'none', reason: `${host}; no guest either: ${why}` };
}

/**
 * The KernelHost of the place: this machine's, or a booted guest whose kernel was asked for the
 * features (a guest kernel without one is a GuestError naming it, never a difference).
 */
export async function openKernelHost(place: KernelPlace, features: readonly KernelFeature[], log?: (line: string) => void): Promise<KernelHost> {
  if (place.where === 'none') throw new GuestError(`no kernel to run on: ${place.reason}`);
  if (place.where === 'host') return new LocalKernelHost();
  const host = await GuestKernelHost.boot(log ? { log } : {});
  try {
    const missing = await hostFeatureMissing(host, ...features);
    if (missing !== null) throw new GuestError(missing);
  } catch (e) {
    await host.dispose();
    throw e;
  }
  return host;
}
