// rtl8139: drivers/net/ethernet/realtek/8139too.c __set_rx_mode. PROMISC: everything. More than
// multicast_filter_limit (32) groups: the driver fills MAR with ones (all multicast, `may`);
// ALLMULTI: all multicast `must`. Otherwise a 64-bucket hash, bucket = ether_crc(addr) >> 26;
// an empty list clears AcceptMulticast (no bucket, so no multicast beyond `must`).
import { macOctets } from '../address.ts';
import { bucket64 } from '../crc.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

/** 8139too.c: static int multicast_filter_limit = 32. */
const RTL8139_MULTICAST_FILTER_LIMIT = 32;

const bucketOf = (mac: string): number => bucket64(macOctets(mac, mac));

export const rtl8139Spec: FilterSpecFamily = {
  base: 'rtl8139',
  parameter: null,
  spec: () => ({
    name: 'rtl8139',
    source: 'drivers/net/ethernet/realtek/8139too.c __set_rx_mode',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, RTL8139_MULTICAST_FILTER_LIMIT),
  }),
};
