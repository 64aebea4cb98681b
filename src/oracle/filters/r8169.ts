// r8169: drivers/net/ethernet/realtek/r8169_main.c rtl_set_rx_mode on a chip after
// RTL_GIGA_MAC_VER_06. The MAR word swap is register layout only: the set of admitted frames is
// the 8139too one. PROMISC: everything; more than MC_FILTER_LIMIT (32) groups: all multicast
// (`may`); ALLMULTI: all multicast `must`; an empty list: no multicast; otherwise buckets
// ether_crc(addr) >> 26.
import { macOctets } from '../address.ts';
import { bucket64 } from '../crc.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

/** r8169_main.c: #define MC_FILTER_LIMIT 32. */
const MC_FILTER_LIMIT = 32;

const bucketOf = (mac: string): number => bucket64(macOctets(mac, mac));

export const r8169Spec: FilterSpecFamily = {
  base: 'r8169',
  parameter: null,
  spec: () => ({
    name: 'r8169',
    source: 'drivers/net/ethernet/realtek/r8169_main.c rtl_set_rx_mode',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, MC_FILTER_LIMIT),
  }),
};
