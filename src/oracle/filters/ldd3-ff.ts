// ldd3-ff:N: LDD3 ch. 17.14 ff_set_multicast_list with FF_TABLE_SIZE = N:
//   IFF_PROMISC -> everything;
//   IFF_ALLMULTI || mc_count > FF_TABLE_SIZE -> ff_get_all_multicast_packets();
//   mc_count == 0 -> own packets; else exactly the list.
// The ALLMULTI flag is a request for all multicast (`must`); the overflow fallback only admits
// all multicast as a side effect of the list not fitting (`may` beyond the list).
import { type FilterSpecFamily, station } from './spec.ts';

/** Largest table size a profile name may give (the NIC registry accepts the same range). */
const FF_TABLE_SIZE_MAX = 4096;

export const ldd3FfSpec: FilterSpecFamily = {
  base: 'ldd3-ff',
  parameter: { min: 0, max: FF_TABLE_SIZE_MAX },
  spec: (n) => ({
    name: `ldd3-ff:${n}`,
    source: 'LDD3 ch. 17.14 ff_set_multicast_list',
    refusesBeyond: null,
    acceptance: (input) => ({
      everything: input.promisc,
      multicast: input.allmulti ? 'must' : input.deviceList.length > n ? 'may' : null,
      exact: [...station(input), ...input.deviceList],
      hashed: null,
    }),
  }),
};
