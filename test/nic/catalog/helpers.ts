// Small builders shared by the catalog tests.
import { NO_FAULTS } from '../../../src/faults.ts';
import type { NicFilter, NicProfile, RxMode } from '../../../src/nic/filter.ts';
import { type Mac, parseMac } from '../../../src/wire/mac.ts';

export const OWN = parseMac('52:54:00:12:34:56');
export const mac = (text: string): Mac => parseMac(text);
export const macs = (...texts: string[]): Mac[] => texts.map(mac);

export function mode(mc: readonly Mac[], flags: { promisc?: boolean; allmulti?: boolean } = {}): RxMode {
  return { promisc: flags.promisc ?? false, allmulti: flags.allmulti ?? false, mc };
}

export function programmed(profile: NicProfile, mc: readonly Mac[], flags: { promisc?: boolean; allmulti?: boolean } = {}): NicFilter {
  const f = profile.create(OWN, NO_FAULTS);
  const r = f.program(mode(mc, flags));
  if (!r.ok) throw new Error(`${profile.name} refused ${mc.length} groups: ${r.error}`);
  return f;
}

/** n distinct IPv4-mapped group MACs 01:00:5e:0x:yy:zz, x/yy/zz from the index. */
export function groupMacs(n: number, offset = 0): Mac[] {
  const out: Mac[] = [];
  for (let i = offset; i < offset + n; i++) {
    const h = (v: number) => v.toString(16).padStart(2, '0');
    out.push(parseMac(`01:00:5e:${h((i >> 16) & 0x7f)}:${h((i >> 8) & 0xff)}:${h(i & 0xff)}`));
  }
  return out;
}
