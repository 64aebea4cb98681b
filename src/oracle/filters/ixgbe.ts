// ixgbe: drivers/net/ethernet/intel/ixgbe/ixgbe_main.c ixgbe_set_rx_mode and ixgbe_common.c
// ixgbe_update_mc_addr_list_generic / ixgbe_mta_vector. Every group goes to the MTA (no exact
// multicast entries): vector = bits [47:36] of the address (mc_filter_type 0); a multicast MAC
// with the vector of a group is `may`. All multicast only by ALLMULTI (`must`) or PROMISC.
// IFF_UNICAST_FLT (ixgbe_probe): dev->uc goes to the 127 RARs after the station's (82599: 128
// receive address registers); more set UPE, every unicast frame.

/** 82599 receive address registers (ixgbe_82599.c IXGBE_82599_RAR_ENTRIES) less the station's. */
const UC_RARS = 128 - 1;
import { macOctets } from '../address.ts';
import { type FilterSpecFamily, station } from './spec.ts';

/** ixgbe_mta_vector case 0: (mc_addr[4] >> 4) | (mc_addr[5] << 4), 12 bits. */
function vector(mac: string): number {
  const o = macOctets(mac, mac);
  return (((o[4] ?? 0) >> 4) | ((o[5] ?? 0) << 4)) & 0xfff;
}

export const ixgbeSpec: FilterSpecFamily = {
  base: 'ixgbe',
  parameter: null,
  spec: () => ({
    name: 'ixgbe',
    source: 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c ixgbe_set_rx_mode, ixgbe_common.c ixgbe_mta_vector',
    refusesBeyond: null,
    unicastFilter: true,
    acceptance: (input) => {
      const uc = input.uc ?? [];
      return {
        everything: input.promisc,
        multicast: input.allmulti ? 'must' : null,
        exact: [...station(input), ...(uc.length > UC_RARS ? [] : uc), ...input.deviceList],
        hashed: { bucketOf: vector, buckets: new Set(input.deviceList.map(vector)) },
        unicast: uc.length > UC_RARS ? 'must' : null,
      };
    },
  }),
};
