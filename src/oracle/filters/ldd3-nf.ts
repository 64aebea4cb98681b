// ldd3-nf: LDD3 ch. 17.14 nf_set_multicast_list, hardware without a multicast filter:
// IFF_PROMISC -> nf_get_all_packets(), otherwise nf_get_only_own_packets(). ALLMULTI and the
// device list are not programmed anywhere, so a group MAC is `must-not` (a loss the profile
// declares, not a model error).
import { type FilterSpecFamily, station } from './spec.ts';

export const ldd3NfSpec: FilterSpecFamily = {
  base: 'ldd3-nf',
  parameter: null,
  spec: () => ({
    name: 'ldd3-nf',
    source: 'LDD3 ch. 17.14 nf_set_multicast_list',
    refusesBeyond: null,
    acceptance: (input) => ({ everything: input.promisc, multicast: null, exact: station(input), hashed: null }),
  }),
};
