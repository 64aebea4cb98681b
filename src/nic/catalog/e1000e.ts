// e1000e: Intel 82574L (QEMU's e1000e), drivers/net/ethernet/intel/e1000e/netdev.c
// (e1000e_set_rx_mode, e1000e_write_mc_addr_list, e1000e_write_uc_addr_list), mac.c
// (e1000e_update_mc_addr_list_generic, e1000_hash_mc_addr_generic) and 82571.c
// (e1000_init_mac_params_82571: mta_reg_count 128, rar_entry_count E1000_RAR_ENTRIES 15).
// Unlike e1000, no multicast group takes a RAR: every group sets its bit in the 4096-bit MTA
// (mc_filter_type 0, hw->mac zeroed), the shadow cleared on every update. RCTL: UPE | MPE under
// IFF_PROMISC, MPE under IFF_ALLMULTI, BAM always. IFF_UNICAST_FLT (e1000_probe): dev->uc goes to
// the RARs below RAR0 (the station), 14 of them on the 82574 (no FLAG_RESET_OVERWRITES_LAA, which
// only the 82571 has); e1000e_write_uc_addr_list answers -ENOMEM past 14 and the driver sets UPE.
import type { FixedFamily } from '../family.ts';
import { mtaOnlyFamily } from './ixgbe.ts';

/** 82571.c rar_entry_count E1000_RAR_ENTRIES (15) less RAR0, the station address. */
export const E1000E_UC_RARS = 14;

const SOURCE = 'drivers/net/ethernet/intel/e1000e/netdev.c (e1000e_set_rx_mode), mac.c (e1000e_update_mc_addr_list_generic), 82571.c';
const SUMMARY = '82574L: every group in the 4096-bit MTA (type 0), none in RARs; 14 RARs for secondary unicast, UPE past them';

export const e1000e: FixedFamily = mtaOnlyFamily('e1000e', SOURCE, SUMMARY, E1000E_UC_RARS, 'Intel 82574L');
