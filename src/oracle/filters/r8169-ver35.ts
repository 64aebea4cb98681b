// r8169-ver35: r8169_main.c rtl_set_rx_mode, `tp->mac_version == RTL_GIGA_MAC_VER_35` ("includes
// no multicast hardware filter", commit 0481776b7a70): every multicast frame is admitted whatever
// the list; only ALLMULTI makes that a promise (`must`), otherwise it is `may`.
import { type FilterSpecFamily, station } from './spec.ts';

export const r8169Ver35Spec: FilterSpecFamily = {
  base: 'r8169-ver35',
  parameter: null,
  spec: () => ({
    name: 'r8169-ver35',
    source: 'drivers/net/ethernet/realtek/r8169_main.c rtl_set_rx_mode (RTL_GIGA_MAC_VER_35)',
    refusesBeyond: null,
    acceptance: (input) => ({
      everything: input.promisc,
      multicast: input.allmulti ? 'must' : 'may',
      exact: [...station(input), ...input.deviceList],
      hashed: null,
    }),
  }),
};
