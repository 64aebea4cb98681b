// tun: a tap device whose TX filter (drivers/net/tun.c update_filter / run_filter) is set with
// TUNSETTXFILTER from the list [own MAC, broadcast, device list in order]. The first
// FLT_EXACT_COUNT (8) addresses match exactly; the rest set bucket ether_crc(addr) >> 26 of a
// 64-bit mask that admits multicast frames only (addr_hash_set / addr_hash_test).
// TUN_FLT_ALLMULTI (sent for ALLMULTI) fills the mask; PROMISC sends count 0, which disables the
// filter (check_filter: !filter->count -> accept).
// Every device-list MAC is `must` (exact or its own bucket); only the buckets of hashed entries
// widen the acceptance (`may`): a MAC sharing a bucket with an exact entry is `must-not`.
import { macOctets } from '../address.ts';
import { bucket64 } from '../crc.ts';
import { TUN_FLT_EXACT_COUNT } from '../limits.ts';
import { type FilterSpecFamily, bucketIn, station } from './spec.ts';

function bucketOf(mac: string): number {
  return bucket64(macOctets(mac, mac));
}

export const tunSpec: FilterSpecFamily = {
  base: 'tun',
  parameter: null,
  spec: () => ({
    name: 'tun',
    source: 'drivers/net/tun.c update_filter, run_filter, check_filter',
    refusesBeyond: null,
    acceptance: (input) => {
      const filterList = [...station(input), ...input.deviceList];
      const hashedEntries = filterList.slice(TUN_FLT_EXACT_COUNT);
      return {
        everything: input.promisc,
        multicast: input.allmulti ? 'must' : null,
        exact: filterList,
        hashed: { bucketOf, buckets: new Set(hashedEntries.map((m) => bucketIn(bucketOf, m))) },
      };
    },
  }),
};
