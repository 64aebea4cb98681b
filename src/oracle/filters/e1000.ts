// e1000:N: drivers/net/ethernet/intel/e1000/e1000_main.c e1000_set_rx_mode, e1000_hw.c
// e1000_hash_mc_addr. The first 14 device-list entries (RAR1..RAR14 of E1000_RAR_ENTRIES 15)
// are exact; every later one sets its MTA bit, vector = 12 bits of address bytes 4..5 chosen by
// mc_filter_type N; a multicast MAC with the same vector is `may`. No count fallback: all
// multicast only by ALLMULTI (MPE, `must`) or PROMISC. IFF_UNICAST_FLT (e1000_probe): dev->uc
// goes to the RARs first (use_uc) and pushes as many groups into the MTA; more than 14 unicast
// addresses set UPE (every unicast frame) and leave the RARs to the groups.
import { macOctets } from '../address.ts';
import { type FilterSpecFamily, bucketIn, station } from './spec.ts';

/** e1000_hw.h E1000_RAR_ENTRIES 15, RAR0 being the station address. */
const EXACT_MULTICAST_ENTRIES = 14;

/** e1000_hash_mc_addr: 0 -> bits [47:36], 1 -> [46:35], 2 -> [45:34], 3 -> [43:32]. */
function vector(filterType: number, mac: string): number {
  const o = macOctets(mac, mac);
  const b4 = o[4] ?? 0;
  const b5 = o[5] ?? 0;
  const shift = [4, 3, 2, 0][filterType] ?? 4;
  return ((b4 >> shift) | (b5 << (8 - shift))) & 0xfff;
}

export const e1000Spec: FilterSpecFamily = {
  base: 'e1000',
  parameter: { min: 0, max: 3 },
  spec: (n) => {
    const bucketOf = (mac: string): number => vector(n, mac);
    return {
      name: `e1000:${n}`,
      source: 'drivers/net/ethernet/intel/e1000/e1000_main.c e1000_set_rx_mode, e1000_hw.c e1000_hash_mc_addr',
      refusesBeyond: null,
      unicastFilter: true,
      acceptance: (input) => {
        const uc = input.uc ?? [];
        const upe = uc.length > EXACT_MULTICAST_ENTRIES;
        const ucRars = upe ? [] : uc;
        return {
          everything: input.promisc,
          multicast: input.allmulti ? 'must' : null,
          exact: [...station(input), ...ucRars, ...input.deviceList],
          hashed: { bucketOf, buckets: new Set(input.deviceList.slice(EXACT_MULTICAST_ENTRIES - ucRars.length).map((m) => bucketIn(bucketOf, m))) },
          unicast: upe ? 'must' : null,
        };
      },
    };
  },
};
