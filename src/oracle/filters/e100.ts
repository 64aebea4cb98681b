// e100: drivers/net/ethernet/intel/e100.c e100_set_multicast_list (more than
// E100_MAX_MULTICAST_ADDRS = 64 groups or ALLMULTI -> multicast_all) and the 8255x Multicast
// Setup as QEMU's hw/net/eepro100.c implements it: each address sets bit (ether_crc >> 2) & 0x3f
// of a 64-bit table. A multicast MAC in a set bit is `may`.
import { macOctets } from '../address.ts';
import { etherCrc } from '../crc.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

/** e100.c: #define E100_MAX_MULTICAST_ADDRS 64. */
const E100_MAX_MULTICAST_ADDRS = 64;

const bucketOf = (mac: string): number => (etherCrc(macOctets(mac, mac)) >>> 2) & 0x3f;

export const e100Spec: FilterSpecFamily = {
  base: 'e100',
  parameter: null,
  spec: () => ({
    name: 'e100',
    source: 'drivers/net/ethernet/intel/e100.c e100_set_multicast_list; qemu hw/net/eepro100.c',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, E100_MAX_MULTICAST_ADDRS),
  }),
};
