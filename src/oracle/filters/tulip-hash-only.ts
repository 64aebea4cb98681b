// tulip-hash-only: tulip_core.c set_rx_mode for MC_HASH_ONLY chips (ASIX AX88140): more than 64
// groups (or 1000) -> all multicast (`may`), ALLMULTI `must`; else a 64-bit hash, bucket
// ether_crc(addr) >> 26 (filterbit &= 0x3f).
import { macOctets } from '../address.ts';
import { bucket64 } from '../crc.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

/** tulip_core.c set_rx_mode, MC_HASH_ONLY: `netdev_mc_count(dev) > 64`. */
const HASH_ONLY_MAX = 64;

const bucketOf = (mac: string): number => bucket64(macOctets(mac, mac));

export const tulipHashOnlySpec: FilterSpecFamily = {
  base: 'tulip-hash-only',
  parameter: null,
  spec: () => ({
    name: 'tulip-hash-only',
    source: 'drivers/net/ethernet/dec/tulip/tulip_core.c set_rx_mode (MC_HASH_ONLY)',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, HASH_ONLY_MAX),
  }),
};
