// tulip: drivers/net/ethernet/dec/tulip/tulip_core.c set_rx_mode. PROMISC: everything. More than
// 1000 groups: all multicast (`may`); ALLMULTI: `must`. Up to 14 groups: the perfect setup frame
// (exact entries, the rest broadcast, the station address). More: the 512-bit hash
// (build_setup_frame_hash), index ether_crc_le(addr) & 0x1ff, with bit 255 always set.
import { macOctets } from '../address.ts';
import { etherCrcLe } from '../crc.ts';
import { type FilterSpecFamily, bucketIn, station } from './spec.ts';

/** tulip_core.c set_rx_mode: `netdev_mc_count(dev) > 1000`. */
const TULIP_ALLMULTI_ABOVE = 1000;
/** tulip_core.c set_rx_mode: `netdev_mc_count(dev) > 14` -> hash table. */
const TULIP_PERFECT_MAX = 14;
/** build_setup_frame_hash: set_bit_le(255, hash_table) "Broadcast entry". */
const TULIP_BROADCAST_BIT = 255;

const bucketOf = (mac: string): number => etherCrcLe(macOctets(mac, mac)) & 0x1ff;

export const tulipSpec: FilterSpecFamily = {
  base: 'tulip',
  parameter: null,
  spec: () => ({
    name: 'tulip',
    source: 'drivers/net/ethernet/dec/tulip/tulip_core.c set_rx_mode, build_setup_frame_hash',
    refusesBeyond: null,
    acceptance: (input) => {
      const n = input.deviceList.length;
      const hashing = n > TULIP_PERFECT_MAX;
      return {
        everything: input.promisc,
        multicast: input.allmulti ? 'must' : n > TULIP_ALLMULTI_ABOVE ? 'may' : null,
        exact: [...station(input), ...input.deviceList],
        hashed: hashing ? { bucketOf, buckets: new Set([TULIP_BROADCAST_BIT, ...input.deviceList.map((m) => bucketIn(bucketOf, m))]) } : null,
      };
    },
  }),
};
