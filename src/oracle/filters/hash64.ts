// hash64: a 64-bucket multicast hash filter (drivers/net/ethernet/realtek/8139too.c
// __set_rx_mode without its 32-entry limit): bucket = ether_crc(addr) >> 26. Every device-list
// MAC is `must`; another multicast MAC whose bucket one of them set is `may`. ALLMULTI fills the
// table (`must` for all multicast); PROMISC accepts everything.
import { bucket64 } from '../crc.ts';
import { macOctets } from '../address.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

function bucketOf(mac: string): number {
  return bucket64(macOctets(mac, mac));
}

export const hash64Spec: FilterSpecFamily = {
  base: 'hash64',
  parameter: null,
  spec: () => ({
    name: 'hash64',
    source: 'drivers/net/ethernet/realtek/8139too.c __set_rx_mode (ether_crc(addr) >> 26)',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, null),
  }),
};
