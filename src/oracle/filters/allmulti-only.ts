// allmulti-only: LDD3 ch. 17.14 class 2, ff_set_multicast_list with FF_TABLE_SIZE 0: PROMISC ->
// all packets; ALLMULTI or a non-empty device list -> all multicast; empty list -> own packets.
// The device list is `must` (that is what the all-multicast mode is for); other multicast is
// `must` under the ALLMULTI flag and `may` when only the non-empty list turned all-multicast on.
import { type FilterSpecFamily, station } from './spec.ts';

export const allmultiOnlySpec: FilterSpecFamily = {
  base: 'allmulti-only',
  parameter: null,
  spec: () => ({
    name: 'allmulti-only',
    source: 'LDD3 ch. 17.14 (class 2: all multicast or none)',
    refusesBeyond: null,
    acceptance: (input) => ({
      everything: input.promisc,
      multicast: input.allmulti ? 'must' : input.deviceList.length > 0 ? 'may' : null,
      exact: [...station(input), ...input.deviceList],
      hashed: null,
    }),
  }),
};
