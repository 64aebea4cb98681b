// pcnet32: drivers/net/ethernet/amd/pcnet32.c pcnet32_load_multicast puts every group in the
// 64-bit LADRF at ether_crc_le(addr) >> 26 (no count limit); ALLMULTI fills it (every multicast
// `must`); PROMISC sets CSR15 PROM. QEMU hw/net/pcnet.c ladr_match tests the same bit.
import { macOctets } from '../address.ts';
import { etherCrcLe } from '../crc.ts';
import { type FilterSpecFamily, hashFilterAcceptance } from './spec.ts';

const bucketOf = (mac: string): number => etherCrcLe(macOctets(mac, mac)) >>> 26;

export const pcnet32Spec: FilterSpecFamily = {
  base: 'pcnet32',
  parameter: null,
  spec: () => ({
    name: 'pcnet32',
    source: 'drivers/net/ethernet/amd/pcnet32.c pcnet32_load_multicast; qemu hw/net/pcnet.c ladr_match',
    refusesBeyond: null,
    acceptance: hashFilterAcceptance(bucketOf, null),
  }),
};
