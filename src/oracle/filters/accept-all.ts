// accept-all: a veth peer has no receive filter at all (drivers/net/veth.c has no
// ndo_set_rx_mode work to do: every frame put on the pair reaches the stack).
import type { FilterSpecFamily } from './spec.ts';

export const acceptAllSpec: FilterSpecFamily = {
  base: 'accept-all',
  parameter: null,
  spec: () => ({
    name: 'accept-all',
    source: 'drivers/net/veth.c',
    refusesBeyond: null,
    acceptance: () => ({ everything: true, multicast: null, exact: [], hashed: null }),
  }),
};
