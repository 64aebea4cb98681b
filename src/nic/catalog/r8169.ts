// r8169 / r8169-ver35: RealTek RTL8169/8168/8111 family, drivers/net/ethernet/realtek/r8169_main.c
// (rtl_set_rx_mode). Same accept bits and hash as 8139too, MC_FILTER_LIMIT 32, and the register
// quirk: for mac_version > RTL_GIGA_MAC_VER_06 the driver writes MAR0 = swab32(mc_filter[1]) and
// MAR4 = swab32(mc_filter[0]). Taken byte by byte that reverses all eight MAR bytes, so the chip
// looks bucket n up at bit (n & 7) of MAR byte 7 - (n >> 3). The profile `r8169` is such a chip
// (RTL8168/8111, mac_version > VER_06); a driver that forgets the swap programs the wrong bytes
// and the chip drops joined groups (test/nic/catalog/r8169.test.ts shows it).
// RTL_GIGA_MAC_VER_35 "includes no multicast hardware filter" (commit 0481776b7a70): the driver
// always accepts all multicast on it. (VER_46/VER_48 were added to that branch in 2023 and the
// change was reverted for stable as "a quite big hammer"; this profile models VER_35 only.)
import type { FaultSet } from '../../faults.ts';
import type { JsonValue } from '../../json.ts';
import { macEtherCrc } from '../../wire/crc.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { mcCount, mcHead } from '../rx-view.ts';
import { etherCrcTop6, swab32 } from './hash-table.ts';
import { RTL_ACCEPT_ALL_PHYS, RTL_ACCEPT_BROADCAST, RTL_ACCEPT_MULTICAST, RTL_ACCEPT_MY_PHYS, RealtekChip } from './rtl8139.ts';
import { alwaysAllMulticast, hashThenAll } from '../capacity.ts';

/** r8169_main.c: #define MC_FILTER_LIMIT 32. */
export const R8169_MC_FILTER_LIMIT = 32;

/** Which MAR layout the chip reads (r8169_main.c: the swap applies when mac_version > VER_06). */
export type MarLayout = 'ver06-or-older' | 'swapped';

/** The chip's MAR bit for hash bucket n under each layout. */
export function r8169MarBit(layout: MarLayout, bucket: number): number {
  return layout === 'swapped' ? (7 - (bucket >> 3)) * 8 + (bucket & 7) : bucket;
}

export interface R8169Driver {
  /** rtl_set_rx_mode's test `tp->mac_version > RTL_GIGA_MAC_VER_06`: does the driver swap? */
  readonly swapsMar: boolean;
  /** RTL_GIGA_MAC_VER_35: no multicast hardware filter (the 46/48 addition was reverted). */
  readonly noMulticastFilter: boolean;
}

/** r8169_main.c rtl_set_rx_mode: accept bits and the two u32 values written to MAR0 and MAR4. */
export function r8169Program(mode: RxMode, driver: R8169Driver): { rxMode: number; mar0: number; mar4: number } {
  let rxMode = RTL_ACCEPT_BROADCAST | RTL_ACCEPT_MY_PHYS | RTL_ACCEPT_MULTICAST;
  const count = mcCount(mode);
  const filter = [0xffffffff, 0xffffffff];
  if (mode.promisc) {
    rxMode |= RTL_ACCEPT_ALL_PHYS;
  } else if (count > R8169_MC_FILTER_LIMIT || mode.allmulti || driver.noMulticastFilter) {
    // accept all multicasts
  } else if (count === 0) {
    rxMode &= ~RTL_ACCEPT_MULTICAST;
  } else {
    filter[0] = 0;
    filter[1] = 0;
    // At most MC_FILTER_LIMIT addresses here: the whole list is its head.
    for (const mac of mcHead(mode, count)) {
      const bit = etherCrcTop6(macEtherCrc(mac));
      filter[bit >> 5] = ((filter[bit >> 5] as number) | (1 << (bit & 31))) >>> 0;
    }
    if (driver.swapsMar) {
      const tmp = filter[0] as number;
      filter[0] = swab32(filter[1] as number);
      filter[1] = swab32(tmp);
    }
  }
  return { rxMode, mar0: filter[0] as number, mar4: filter[1] as number };
}

/** A RTL8168-class chip driven by a given driver: exported so a test can pair a wrong driver with it. */
export class R8169Filter extends KeyedFilter {
  private readonly chip: RealtekChip;
  constructor(
    ownMac: Mac,
    private readonly layout: MarLayout,
    private readonly driver: R8169Driver,
  ) {
    super();
    this.chip = new RealtekChip(ownMac, (bucket) => r8169MarBit(layout, bucket));
    // Open: r8169_main.c rtl_open -> rtl_hw_start ends with rtl_set_rx_mode(tp->dev), which
    // always sets AcceptBroadcast | AcceptMyPhys; the device list is still empty then.
    this.program({ promisc: false, allmulti: false, mc: [] });
  }
  program(mode: RxMode): ProgramResult {
    const p = r8169Program(mode, this.driver);
    this.chip.writeMar(4, p.mar4);
    this.chip.writeMar(0, p.mar0);
    this.chip.rxConfig = p.rxMode;
    return { ok: true };
  }
  acceptKey(hi: number, lo: number): boolean {
    return this.chip.acceptKey(hi, lo);
  }
  state(): JsonValue {
    return { chip: this.driver.noMulticastFilter ? 'RTL_GIGA_MAC_VER_35' : 'RTL8168 (mac_version > VER_06)', marLayout: this.layout, ...this.chip.state() };
  }
}

const SOURCE = 'drivers/net/ethernet/realtek/r8169_main.c (rtl_set_rx_mode)';
const SUMMARY = 'RTL8168: 64-bit MAR hash, words swapped and swab32-ed (> VER_06); > 32 groups or ALLMULTI: all multicast';
const SUMMARY_35 = 'RTL8168 VER_35: no multicast hash filter, always all multicast';

export const r8169: FixedFamily = {
  base: 'r8169',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'r8169',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [R8169_MC_FILTER_LIMIT],
    capacity: hashThenAll(64, R8169_MC_FILTER_LIMIT, '64-bucket hash, all multicast above 32'),
    sharesUnicast: false,
    create: (ownMac: Mac, _faults: FaultSet): NicFilter =>
      new R8169Filter(ownMac, 'swapped', { swapsMar: true, noMulticastFilter: false }),
  }),
};

export const r8169Ver35: FixedFamily = {
  base: 'r8169-ver35',
  source: SOURCE,
  summary: SUMMARY_35,
  profile: (): NicProfile => ({
    name: 'r8169-ver35',
    source: SOURCE,
    summary: SUMMARY_35,
    // Always all multicast: the list's length never matters.
    thresholds: [],
    capacity: alwaysAllMulticast('no multicast filter: always all multicast'),
    sharesUnicast: false,
    create: (ownMac: Mac, _faults: FaultSet): NicFilter =>
      new R8169Filter(ownMac, 'swapped', { swapsMar: true, noMulticastFilter: true }),
  }),
};
