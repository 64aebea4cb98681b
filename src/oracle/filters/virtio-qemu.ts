// virtio-qemu: drivers/net/virtio_net.c virtnet_set_rx_mode with QEMU hw/net/virtio-net.c
// (virtio_net_handle_mac, receive_filter). The 64-entry table (MAC_TABLE_ENTRIES) holds the whole
// list exactly; a longer list sets multi_overflow, and receive_filter then returns 1 for every
// multicast frame: a device flag with one meaning, not a hash approximation, so `must` (a table
// that kept 65 entries would be another device). ALLMULTI `must`,
// PROMISC everything. QEMU's reset state is promiscuous; the host programs the rx mode when the
// interface comes up (dev_open), before any frame, so the spec starts from the first program.
// IFF_UNICAST_FLT (virtnet_probe): dev->uc is sent first in the same MAC_TABLE_SET and takes
// table entries before the groups; more than 64 set uni_overflow (every unicast frame) and leave
// the whole table to the groups.
import { type FilterSpecFamily, station } from './spec.ts';

/** hw/net/virtio-net.c: #define MAC_TABLE_ENTRIES 64. */
const MAC_TABLE_ENTRIES = 64;

export const virtioQemuSpec: FilterSpecFamily = {
  base: 'virtio-qemu',
  parameter: null,
  spec: () => ({
    name: 'virtio-qemu',
    source: 'drivers/net/virtio_net.c virtnet_set_rx_mode; qemu hw/net/virtio-net.c receive_filter',
    refusesBeyond: null,
    unicastFilter: true,
    acceptance: (input) => {
      const uc = input.uc ?? [];
      const uniOverflow = uc.length > MAC_TABLE_ENTRIES;
      const ucEntries = uniOverflow ? [] : uc;
      return {
        everything: input.promisc,
        multicast: input.allmulti || input.deviceList.length > MAC_TABLE_ENTRIES - ucEntries.length ? 'must' : null,
        exact: [...station(input), ...ucEntries, ...input.deviceList],
        hashed: null,
        unicast: uniOverflow ? 'must' : null,
      };
    },
  }),
};
