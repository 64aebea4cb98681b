// vmxnet3: drivers/net/vmxnet3/vmxnet3_drv.c vmxnet3_set_mc gives the device the whole list while
// its byte length fits the u16 mfTableLen (vmxnet3_copy_mc: sz <= 0xffff, 10,922 groups of 6
// bytes); a longer list gets VMXNET3_RXM_ALL_MULTI. QEMU hw/net/vmxnet3.c
// vmxnet3_is_allowed_mcast_group matches exactly. ALLMULTI: every multicast `must`; the overflow
// fallback: every multicast `may`; PROMISC everything.
import { type FilterSpecFamily, station } from './spec.ts';

/** floor(0xffff / 6): the oracle's own reading of the u16 limit. */
const MF_TABLE_GROUPS = Math.floor(0xffff / 6);

export const vmxnet3Spec: FilterSpecFamily = {
  base: 'vmxnet3',
  parameter: null,
  spec: () => ({
    name: 'vmxnet3',
    source: 'drivers/net/vmxnet3/vmxnet3_drv.c vmxnet3_set_mc, vmxnet3_copy_mc; qemu hw/net/vmxnet3.c vmxnet3_is_allowed_mcast_group',
    refusesBeyond: null,
    acceptance: (input) => ({
      everything: input.promisc,
      multicast: input.allmulti ? 'must' : input.deviceList.length > MF_TABLE_GROUPS ? 'may' : null,
      exact: [...station(input), ...input.deviceList],
      hashed: null,
    }),
  }),
};
