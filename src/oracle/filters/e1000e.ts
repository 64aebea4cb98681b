// e1000e (82574L): drivers/net/ethernet/intel/e1000e/netdev.c e1000e_set_rx_mode. Every group goes
// to the 4096-bit MTA, none to a RAR: vector = bits [47:36] of the address (mac.c
// e1000_hash_mc_addr_generic, mc_filter_type 0); a multicast MAC with the vector of a group is
// `may`. All multicast only by ALLMULTI (`must`) or PROMISC. IFF_UNICAST_FLT: dev->uc in the 14
// RARs after the station's (82571.c E1000_RAR_ENTRIES 15); more set UPE, every unicast frame.
import { macOctets } from '../address.ts';
import { type FilterSpecFamily, station } from './spec.ts';

/** 82574 receive address registers less RAR0. */
const UC_RARS = 15 - 1;

/** e1000_hash_mc_addr_generic, filter type 0: (mc_addr[4] >> 4) | (mc_addr[5] << 4), 12 bits. */
function vector(mac: string): number {
  const o = macOctets(mac, mac);
  return (((o[4] ?? 0) >> 4) | ((o[5] ?? 0) << 4)) & 0xfff;
}

export const e1000eSpec: FilterSpecFamily = {
  base: 'e1000e',
  parameter: null,
  spec: () => ({
    name: 'e1000e',
    source: 'drivers/net/ethernet/intel/e1000e/netdev.c e1000e_set_rx_mode, mac.c e1000_hash_mc_addr_generic',
    refusesBeyond: null,
    unicastFilter: true,
    acceptance: (input) => {
      const uc = input.uc ?? [];
      const upe = uc.length > UC_RARS;
      return {
        everything: input.promisc,
        multicast: input.allmulti ? 'must' : null,
        exact: [...station(input), ...(upe ? [] : uc), ...input.deviceList],
        hashed: { bucketOf: vector, buckets: new Set(input.deviceList.map(vector)) },
        unicast: upe ? 'must' : null,
      };
    },
  }),
};
