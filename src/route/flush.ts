// mroute_clean_tables (net/ipv4/ipmr.c; net/ipv6/ip6mr.c the same with MRT6_FLUSH_MIFS*): what
// MRT_FLUSH / MRT6_FLUSH remove, and what the mroute socket's close removes (VIFS | MFC).
import { MRT_FLUSH_MFC, MRT_FLUSH_MFC_STATIC, MRT_FLUSH_VIFS, MRT_FLUSH_VIFS_STATIC, VIFF_STATIC } from './limits.ts';
import type { RouteFaultSet } from './faults.ts';
import type { MrTable } from './table.ts';
import { type DeviceOps, vif_delete } from './vif.ts';

/**
 * Vifs go by their VIFF_STATIC flag (MRT_FLUSH_VIFS_STATIC for static ones, MRT_FLUSH_VIFS for the
 * rest), entries by MFC_STATIC (MRT_FLUSH_MFC_STATIC / MRT_FLUSH_MFC); the unresolved queue goes
 * with MRT_FLUSH_MFC only. Other bits are ignored.
 */
export function mroute_clean_tables(t: MrTable, flags: number, devs: DeviceOps, faults: RouteFaultSet): void {
  for (let i = 0; i < t.maxvif; i++) {
    const v = t.vifs[i];
    if (!v) continue;
    const isStatic = (v.flags & VIFF_STATIC) !== 0;
    if (flags & (isStatic ? MRT_FLUSH_VIFS_STATIC : MRT_FLUSH_VIFS)) vif_delete(t, i, devs, faults);
  }
  for (const c of [...t.mfc]) {
    if (flags & (c.isStatic ? MRT_FLUSH_MFC_STATIC : MRT_FLUSH_MFC)) t.mfc.splice(t.mfc.indexOf(c), 1);
  }
  if (flags & MRT_FLUSH_MFC) t.unres.length = 0;
}
