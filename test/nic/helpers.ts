// Small builders shared by the profile tests.
import { type FaultName, type FaultSet, NO_FAULTS } from '../../src/faults.ts';
import type { NicFilter, RxMode } from '../../src/nic/filter.ts';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { type Mac, parseMac } from '../../src/wire/mac.ts';

export const OWN = parseMac('02:00:00:00:00:01');
export const OTHER_UNICAST = parseMac('02:00:00:00:00:99');
export const BROADCAST = parseMac('ff:ff:ff:ff:ff:ff');

/** The aliasing classics: all-hosts, SSDP, IPv6 all-nodes, a solicited-node group. */
export const CLASSICS = ['01:00:5e:00:00:01', '01:00:5e:7f:ff:fa', '33:33:00:00:00:01', '33:33:ff:00:00:01'].map((m) =>
  parseMac(m),
);

/** 01:00:5e:01:00:01, 01:00:5e:01:00:02, ... */
export function groups(n: number, base = 1): Mac[] {
  return Array.from({ length: n }, (_, i) => parseMac(`01:00:5e:01:00:${(base + i).toString(16).padStart(2, '0')}`));
}

export function faults(...names: FaultName[]): FaultSet {
  return new Set(names);
}

export function make(profile: string, fs: FaultSet = NO_FAULTS): NicFilter {
  return resolveProfile(profile).create(OWN, fs);
}

export function mode(mc: readonly Mac[], flags: { promisc?: boolean; allmulti?: boolean } = {}): RxMode {
  return { promisc: flags.promisc ?? false, allmulti: flags.allmulti ?? false, mc };
}
