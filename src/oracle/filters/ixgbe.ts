// ixgbe: drivers/net/ethernet/intel/ixgbe/ixgbe_main.c ixgbe_set_rx_mode and ixgbe_common.c
// ixgbe_update_mc_addr_list_generic / ixgbe_mta_vector. Every group goes to the MTA (no exact
// multicast entries): vector = bits [47:36] of the address (mc_filter_type 0); a multicast MAC
// with the vector of a group is `may`. All multicast only by ALLMULTI (`must`) or PROMISC.
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
    acceptance: (input) => ({
      everything: input.promisc,
      multicast: input.allmulti ? 'must' : null,
      exact: [...station(input), ...input.deviceList],
      hashed: { bucketOf: vector, buckets: new Set(input.deviceList.map(vector)) },
    }),
  }),
};
