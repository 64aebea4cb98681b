// The probe destinations `check` sends through both filters after every step, picked on the
// oracle's side (its device list) and from fixed sets, never with model code.
import { BUCKET_PROBE_MACS, bitNeighbourMacs } from '../oracle/probes.ts';
import type { DeviceListEntry } from '../scenario/types.ts';
import { BROADCAST_MAC, type Mac, parseMac } from '../wire/mac.ts';
import { macHi, macLo } from '../wire/mac-key.ts';
import { CLASSIC_MACS } from './arbitraries.ts';

/**
 * Probe destinations besides own MAC, broadcast, the device lists and the classics: multicast
 * MACs no generated group maps to (a leak shows here) and unicast MACs of other stations.
 */
export const FIXED_PROBE_MACS = [
  '01:00:5e:12:34:56',
  '33:33:12:34:56:78',
  '01:80:c2:00:00:00',
  '02:00:00:99:99:99',
  '00:1b:21:0a:0b:0c',
] as const;

/** Device-list entries (the newest) whose single-bit neighbours are probed after each change. */
const NEIGHBOUR_ENTRIES = 2;

/** The fixed probes after own MAC, broadcast and the device list, each once, in this order (parsed once). */
const FIXED_EXTRAS: readonly string[] = [...new Set<string>([...CLASSIC_MACS, ...FIXED_PROBE_MACS, ...BUCKET_PROBE_MACS])];
const FIXED_EXTRA_SET: ReadonlySet<string> = new Set(FIXED_EXTRAS);
const FIXED_EXTRA_MACS: readonly Mac[] = FIXED_EXTRAS.map((mac) => parseMac(mac));

/**
 * The probe destinations of one interface: own MAC, broadcast, the oracle's device list (its
 * entries are distinct: one dev->mc entry per address), the fixed probes, and the single-bit
 * neighbours of the newest entries. A fixed probe or a neighbour that is also an entry is probed
 * twice rather than the thousands of a filled list looked up in a set after every step (the
 * checker reports a violation once). `sameList` is the model's list when it equals the oracle's:
 * an entry with the very same text is a Mac already (only the text is reused, never a choice),
 * so a filled list is not parsed again after every step.
 */
export function probesFor(own: string, oracleList: readonly DeviceListEntry[], sameList: readonly DeviceListEntry[] | null): { probeList: string[]; probeMacs: Mac[] } {
  const probeList: string[] = own === BROADCAST_MAC ? [own] : [own, BROADCAST_MAC];
  const probeMacs: Mac[] = probeList.map((mac) => parseMac(mac));
  const seen = new Set<string>(probeList);
  for (let i = 0; i < oracleList.length; i++) {
    const mac = (oracleList[i] as DeviceListEntry).mac.toLowerCase();
    if (mac === own || mac === BROADCAST_MAC) continue;
    probeList.push(mac);
    const modelMac = sameList !== null ? (sameList[i] as DeviceListEntry).mac : undefined;
    probeMacs.push(modelMac === mac ? (modelMac as Mac) : parseMac(mac));
  }
  for (let i = 0; i < FIXED_EXTRAS.length; i++) {
    const mac = FIXED_EXTRAS[i] as string;
    if (seen.has(mac)) continue;
    probeList.push(mac);
    probeMacs.push(FIXED_EXTRA_MACS[i] as Mac);
  }
  for (const e of oracleList.slice(-NEIGHBOUR_ENTRIES)) {
    for (const mac of bitNeighbourMacs(e.mac.toLowerCase())) {
      if (FIXED_EXTRA_SET.has(mac) || seen.has(mac)) continue;
      seen.add(mac);
      probeList.push(mac);
      probeMacs.push(parseMac(mac));
    }
  }
  return { probeList, probeMacs };
}

/** One interface's probes with the oracle's verdicts on them, and what both were made from. */
export interface ProbeVerdicts {
  readonly basis: { readonly list: readonly string[]; readonly acceptance: object };
  readonly probeList: readonly string[];
  readonly probeMacs: readonly Mac[];
  /** probeMacs[i]'s key halves (src/wire/mac-key.ts), for the model's filter. */
  readonly keys: { readonly hi: Int32Array; readonly lo: Int32Array };
  readonly verdicts: readonly ('must' | 'may' | 'must-not')[];
}

/**
 * The probes and the oracle's verdicts on them, kept while the oracle's basis (its list in order,
 * the acceptance of the NIC the interface's frames meet: objects it replaces on every change)
 * stays the same: most steps change neither; the probes alone while only the acceptance changed.
 * Only the oracle's side is kept; the model's filter is asked again after every step.
 */
export function probeVerdicts(
  previous: ProbeVerdicts | undefined,
  basis: ProbeVerdicts['basis'],
  make: () => { probeList: string[]; probeMacs: Mac[] },
  classify: (probes: readonly string[]) => readonly ('must' | 'may' | 'must-not')[],
): ProbeVerdicts {
  if (previous !== undefined && previous.basis.list === basis.list) {
    // The same list: the same probes; a new acceptance (flags) needs the verdicts only.
    return previous.basis.acceptance === basis.acceptance ? previous : { ...previous, basis, verdicts: classify(previous.probeList) };
  }
  const { probeList, probeMacs } = make();
  const hi = new Int32Array(probeMacs.length);
  const lo = new Int32Array(probeMacs.length);
  for (let i = 0; i < probeMacs.length; i++) {
    hi[i] = macHi(probeMacs[i] as Mac);
    lo[i] = macLo(probeMacs[i] as Mac);
  }
  return { basis, probeList, probeMacs, keys: { hi, lo }, verdicts: classify(probeList) };
}
