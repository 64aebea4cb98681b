// virtio-qemu: virtio_net driver (drivers/net/virtio_net.c virtnet_set_rx_mode) against QEMU's
// device (hw/net/virtio-net.c virtio_net_handle_rx_mode, virtio_net_handle_mac, receive_filter).
// The driver sends VIRTIO_NET_CTRL_RX_PROMISC and _ALLMULTI from dev->flags, then one
// VIRTIO_NET_CTRL_MAC_TABLE_SET with the whole unicast list and the whole multicast list.
// QEMU rebuilds its one MAC_TABLE_ENTRIES-entry table on every set: unicast first (here none),
// first_multi = in_use, then the multicast list if it fits entirely, else multi_overflow and
// no multicast entry at all. receive_filter: promisc -> accept; broadcast -> !nobcast;
// multicast: nomulti -> drop, allmulti || multi_overflow -> accept, else exact match in
// macs[first_multi..in_use); unicast: own MAC or unicast entries.
// Reset (virtio_net_reset): promisc = 1, allmulti = 0, table empty. Until the driver's first
// ndo_set_rx_mode (dev_open calls it) the device accepts every frame: a driver must program
// the rx mode once before the filter means anything, and a guest without VIRTIO_NET_F_CTRL_RX
// never leaves promiscuous mode.
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import { KeySet, isBroadcastKey, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcCount, mcHead } from '../rx-view.ts';
import { exactThenAll } from '../capacity.ts';

/** hw/net/virtio-net.c: #define MAC_TABLE_ENTRIES 64. */
export const MAC_TABLE_ENTRIES = 64;

interface MacTable {
  readonly macs: readonly Mac[];
  readonly firstMulti: number;
  readonly uniOverflow: boolean;
  readonly multiOverflow: boolean;
  /** macs[0..firstMulti) and macs[firstMulti..) as sets, for lookups. */
  readonly unicastSet: KeySet;
  readonly multicastSet: KeySet;
}

/** virtio_net_handle_mac, VIRTIO_NET_CTRL_MAC_TABLE_SET, with an empty unicast list. */
export function macTableSet(unicast: readonly Mac[], multicast: readonly Mac[], entries = MAC_TABLE_ENTRIES): MacTable {
  const macs: Mac[] = [];
  let uniOverflow = false;
  let multiOverflow = false;
  if (unicast.length <= entries) macs.push(...unicast);
  else uniOverflow = true;
  const firstMulti = macs.length;
  if (multicast.length <= entries - macs.length) macs.push(...multicast);
  else multiOverflow = true;
  return { macs, firstMulti, uniOverflow, multiOverflow, unicastSet: new KeySet(macs.slice(0, firstMulti)), multicastSet: new KeySet(macs.slice(firstMulti)) };
}

class VirtioQemuFilter extends KeyedFilter {
  private readonly ownHi: number;
  private readonly ownLo: number;
  private promisc = true;
  private allmulti = false;
  // nouni/nomulti/nobcast stay 0: virtio_net never sends them.
  private readonly nobcast = false;
  private readonly nomulti = false;
  private table: MacTable = macTableSet([], []);
  private programmed = false;
  private readonly entries: number;
  /** ctrl-mac-bad-length: every MAC_TABLE_SET fails virtio_net_handle_mac's length check. */
  private readonly tableSetRejected: boolean;
  constructor(
    private readonly ownMac: Mac,
    faults: FaultSet,
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    this.entries = MAC_TABLE_ENTRIES + (faults.has('qemu-table-65') ? 1 : 0);
    this.tableSetRejected = faults.has('ctrl-mac-bad-length');
  }

  program(mode: RxMode): ProgramResult {
    this.promisc = mode.promisc;
    this.allmulti = mode.allmulti;
    // virtnet_set_rx_mode sends dev->uc then dev->mc in one VIRTIO_NET_CTRL_MAC_TABLE_SET.
    // A list longer than the table overflows whatever its content: its first entries + 1 say the same.
    const count = mcCount(mode);
    // The fault models the NetKVM driver before virtio-win/kvm-guest-drivers-windows PR 51: its
    // multicast buffer's length was not 4 + 6 * entries, so virtio_net_handle_mac's
    // "mac_data.entries * ETH_ALEN != iov_size(iov, iov_cnt)" took the error path: VIRTIO_NET_ERR,
    // and the table stayed as it was (empty after reset).
    if (this.tableSetRejected) {
      this.programmed = true;
      return { ok: true };
    }
    this.table = macTableSet(mode.uc ?? [], mcHead(mode, Math.min(count, this.entries + 1)), this.entries);
    this.programmed = true;
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    if (this.promisc) return true;
    const t = this.table;
    if (!isMulticastHi(hi)) return t.uniOverflow || (lo === this.ownLo && hi === this.ownHi) || t.unicastSet.has(hi, lo);
    if (isBroadcastKey(hi, lo)) return !this.nobcast;
    if (this.nomulti) return false;
    if (this.allmulti || t.multiOverflow) return true;
    return t.multicastSet.has(hi, lo);
  }

  state() {
    const t = this.table;
    return {
      device: 'QEMU virtio-net',
      programmed: this.programmed,
      promisc: this.promisc,
      allmulti: this.allmulti,
      macTable: { inUse: t.macs.length, firstMulti: t.firstMulti, uniOverflow: t.uniOverflow, multiOverflow: t.multiOverflow, macs: [...t.macs] },
    };
  }
}

const SOURCE = 'drivers/net/virtio_net.c (virtnet_set_rx_mode), qemu hw/net/virtio-net.c (virtio_net_handle_mac, receive_filter)';
const SUMMARY = 'QEMU 64-entry MAC table (exact); more groups: multi_overflow, all multicast; promiscuous until first programmed';

export const virtioQemu: FixedFamily = {
  base: 'virtio-qemu',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'virtio-qemu',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [MAC_TABLE_ENTRIES],
    capacity: exactThenAll(MAC_TABLE_ENTRIES, '64-entry exact table, all multicast above 64'),
    sharesUnicast: true,
    // virtio_net.c virtnet_probe: IFF_UNICAST_FLT | IFF_LIVE_ADDR_CHANGE; proven in the QEMU guest:
    // an up macvlan's MAC enters the MAC table, promiscuity stays 0 (docs/guest.md).
    unicastFilter: true,
    create: (ownMac: Mac, faults: FaultSet): NicFilter => new VirtioQemuFilter(ownMac, faults),
  }),
};
