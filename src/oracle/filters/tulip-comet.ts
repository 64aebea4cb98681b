// tulip-comet: tulip_core.c set_rx_mode for COMET_MAC_ADDR chips (MC_HASH_ONLY): the bucket is
// ether_crc_le(addr) & 0x3f; more than 64 groups -> all multicast (`may`), ALLMULTI `must`.
import { macOctets } from '../address.ts';
import { etherCrcLe } from '../crc.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

/** tulip_core.c set_rx_mode, MC_HASH_ONLY: `netdev_mc_count(dev) > 64`. */
const HASH_ONLY_MAX = 64;

const bucketOf = (mac: string): number => etherCrcLe(macOctets(mac, mac)) & 0x3f;

export const tulipCometSpec: FilterSpecFamily = {
  base: 'tulip-comet',
  parameter: null,
  spec: () => ({
    name: 'tulip-comet',
    source: 'drivers/net/ethernet/dec/tulip/tulip_core.c set_rx_mode (COMET_MAC_ADDR)',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, HASH_ONLY_MAX),
  }),
};
