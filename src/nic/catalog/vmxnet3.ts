// vmxnet3: VMware's paravirtual NIC as QEMU emulates it. drivers/net/vmxnet3/vmxnet3_drv.c
// vmxnet3_set_mc: IFF_PROMISC -> VMXNET3_RXM_PROMISC; IFF_ALLMULTI -> VMXNET3_RXM_ALL_MULTI;
// otherwise vmxnet3_copy_mc hands the device the whole list as a table of 6-byte entries, but
// only while it fits Vmxnet3_RxFilterConf.mfTableLen, a u16 ("if (sz <= 0xffff)"): 10,922
// groups. A longer list (or a failed kmalloc) gets VMXNET3_RXM_ALL_MULTI instead. QEMU
// hw/net/vmxnet3.c vmxnet3_update_mcast_filters reads mfTableLen bytes of the table and
// vmxnet3_is_allowed_mcast_group matches a frame's destination exactly; broadcast is
// VMXNET3_RXM_BCAST (always set for an Ethernet device), unicast the station address.
import type { FaultSet } from '../../faults.ts';
import type { JsonValue } from '../../json.ts';
import type { Mac } from '../../wire/mac.ts';
import { KeySet, isBroadcastKey, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import { type FixedFamily, fixedFamily } from '../family.ts';
import type { ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { ListMirror, mcCount, mcHead } from '../rx-view.ts';
import { exactThenAll } from '../capacity.ts';

/** include/linux/if_ether.h ETH_ALEN. */
const ETH_ALEN = 6;
/** vmxnet3_copy_mc: "struct Vmxnet3_RxFilterConf.mfTableLen is u16" (sz <= 0xffff). */
export const VMXNET3_MF_TABLE_BYTES_MAX = 0xffff;
/** The longest list the table holds: floor(0xffff / ETH_ALEN) = 10,922 groups. */
export const VMXNET3_MC_TABLE_MAX = Math.floor(VMXNET3_MF_TABLE_BYTES_MAX / ETH_ALEN);

class Vmxnet3Filter extends KeyedFilter {
  private promisc = false;
  private allMulti = false;
  /** The list the driver last copied (followed by the host's changes, never re-walked). */
  private readonly list = new ListMirror();
  /** The same list as keys, for lookups. */
  private keys = new KeySet();
  private readonly ownHi: number;
  private readonly ownLo: number;
  /** With the mfTableLen wrap fault: the truncated table QEMU read; null otherwise. */
  private wrapped: KeySet | null = null;
  constructor(
    private readonly ownMac: Mac,
    private readonly faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
  }

  program(mode: RxMode): ProgramResult {
    this.promisc = mode.promisc;
    this.list.update(mode, true);
    if (mode.changes) {
      for (const c of mode.changes) {
        if (c.added) this.keys.addMac(c.mac);
        else this.keys.deleteMac(c.mac);
      }
    } else {
      this.keys = new KeySet(mode.mc);
    }
    const bytes = mcCount(mode) * ETH_ALEN;
    this.wrapped = null;
    if (mode.allmulti) {
      this.allMulti = true;
    } else if (bytes <= VMXNET3_MF_TABLE_BYTES_MAX) {
      this.allMulti = false;
    } else if (this.faults.has('vmxnet3-mftablelen-wrap')) {
      // A driver without the size check stores sz in the u16: QEMU reads (sz mod 65536) / 6 entries.
      this.allMulti = false;
      this.wrapped = new KeySet(mcHead(mode, Math.floor((bytes & 0xffff) / ETH_ALEN)));
    } else {
      this.allMulti = true;
    }
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.promisc) return true;
    if (!isMulticastHi(hi)) return lo === this.ownLo && hi === this.ownHi;
    if (isBroadcastKey(hi, lo)) return true;
    return this.allMulti || (this.wrapped ? this.wrapped.has(hi, lo) : this.keys.has(hi, lo));
  }

  state(): JsonValue {
    return { promisc: this.promisc, allMulti: this.allMulti, mfTableEntries: this.allMulti ? 0 : (this.wrapped?.size ?? this.list.size) };
  }
}

export const vmxnet3: FixedFamily = fixedFamily({
  base: 'vmxnet3',
  source: 'drivers/net/vmxnet3/vmxnet3_drv.c (vmxnet3_set_mc, vmxnet3_copy_mc), qemu hw/net/vmxnet3.c (vmxnet3_update_mcast_filters, vmxnet3_is_allowed_mcast_group)',
  summary: `exact table while the list fits a u16 byte length (${VMXNET3_MC_TABLE_MAX} groups), then ALL_MULTI; PROMISC -> all`,
  thresholds: [VMXNET3_MC_TABLE_MAX],
  capacity: exactThenAll(VMXNET3_MC_TABLE_MAX, `exact table of ${VMXNET3_MC_TABLE_MAX} (mfTableLen is a u16), all multicast above`),
  create: (ownMac, faults) => new Vmxnet3Filter(ownMac, faults),
});
