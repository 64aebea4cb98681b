// ixgbe: Intel 82598/82599/X540, drivers/net/ethernet/intel/ixgbe/ixgbe_main.c (ixgbe_set_rx_mode,
// ixgbe_write_mc_addr_list) and ixgbe_common.c (ixgbe_update_mc_addr_list_generic,
// ixgbe_mta_vector). Multicast goes only to the 4096-bit MTA (the RARs hold unicast): on every
// update the driver clears the MTA shadow, sets one bit per group and writes all 128 registers,
// then enables MCSTCTRL with MFE | mc_filter_type. FCTRL: UPE | MPE under IFF_PROMISC, MPE under
// IFF_ALLMULTI, BAM always. mc_filter_type: 0 ([47:36]); Linux never assigns it for the PF
// (hw->mac is zeroed), DPDK's ixgbe_pf.c sets hw->mac.mc_filter_type = 0 explicitly.
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import { KeySet, isBroadcastKey, isMulticastHi, macHi, macLo } from '../../wire/mac-key.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from '../filter.ts';
import { KeyedFilter } from '../keyed.ts';
import { MulticastTableArray, mtaVector } from './e1000.ts';
import { ACCEPT, BROADCAST_VECTOR, DROP, EXACT, VectorVerdicts, mtaShift, mtaVectorLo } from './vector-verdicts.ts';
import { hashOnly } from '../capacity.ts';
import { HeadHash } from '../rx-view.ts';

/** The MO field ixgbe runs with (see the header comment). */
export const IXGBE_MC_FILTER_TYPE = 0;
/** mtaShift of IXGBE_MC_FILTER_TYPE. */
const MTA_SHIFT_TYPE = mtaShift(IXGBE_MC_FILTER_TYPE);
/** ixgbe_type.h FCTRL bits. */
export const IXGBE_FCTRL_MPE = 0x00000100;
export const IXGBE_FCTRL_UPE = 0x00000200;
export const IXGBE_FCTRL_BAM = 0x00000400;
/**
 * RARs free for dev->uc: ixgbe_82599.c IXGBE_82599_RAR_ENTRIES 128, RAR 0 holding the station
 * address (ixgbe_main.c ixgbe_mac_set_default_filter), one pool (no VFs).
 */
export const IXGBE_UC_RARS = 127;

/**
 * Every group in the 4096-bit MTA (type 0), dev->uc in `ucRars` RARs after the station's, unicast
 * promiscuous past them: ixgbe (127 RARs), and e1000e, whose e1000e_set_rx_mode does the same
 * with the 82574's 14 (src/nic/catalog/e1000e.ts).
 */
export class MtaFilter extends KeyedFilter {
  private readonly ownHi: number;
  private readonly ownLo: number;
  private fctrl = IXGBE_FCTRL_BAM;
  /** dev->uc in RARs 1..127 (IFF_UNICAST_FLT: ixgbe_main.c ixgbe_probe). */
  private uc = new KeySet();
  private ucList: readonly Mac[] = [];
  private readonly mta = new MulticastTableArray();
  /** Every group counted at its MTA vector, kept by the host's changes (src/nic/rx-view.ts); the MTA follows bit by bit. */
  private readonly vectors = new HeadHash(4096, (mac) => mtaVector(IXGBE_MC_FILTER_TYPE, mac), (v, set) => {
    this.mta.writeVector(v, set);
    this.verdicts.set(true, v, this.groupVerdict(v));
  });
  /** decide() cached by group bit and MTA vector (./vector-verdicts.ts). */
  private readonly verdicts = new VectorVerdicts(MTA_SHIFT_TYPE);
  /** The vectors of the station address and of dev->uc's unicast addresses: their unicast cells are EXACT. */
  private exactUnicast = new Set<number>();
  constructor(
    private readonly ownMac: Mac,
    private readonly ucRars: number = IXGBE_UC_RARS,
    private readonly chip: string = 'Intel 82599',
  ) {
    super();
    this.ownHi = macHi(ownMac);
    this.ownLo = macLo(ownMac);
    this.exactUnicast = new Set([mtaVector(IXGBE_MC_FILTER_TYPE, ownMac)]);
    this.verdicts.fill(false, (v) => this.unicastVerdict(v));
    this.verdicts.fill(true, (v) => this.groupVerdict(v));
  }

  program(mode: RxMode): ProgramResult {
    let fctrl = this.fctrl & ~(IXGBE_FCTRL_UPE | IXGBE_FCTRL_MPE);
    if (mode.promisc) fctrl |= IXGBE_FCTRL_UPE | IXGBE_FCTRL_MPE;
    else if (mode.allmulti) fctrl |= IXGBE_FCTRL_MPE;
    // ixgbe_set_rx_mode: "Write addresses to available RAR registers, if there is not sufficient
    // space to store all the addresses then enable unicast promiscuous mode" (__dev_uc_sync).
    const ucList = [...(mode.uc ?? [])];
    const ucChanged = ucList.length !== this.ucList.length || ucList.some((m, i) => m !== this.ucList[i]);
    this.ucList = ucList;
    if (ucChanged) this.uc = new KeySet(ucList);
    if (ucList.length > this.ucRars) fctrl |= IXGBE_FCTRL_UPE;
    const changed = fctrl ^ this.fctrl;
    this.fctrl = fctrl;
    if (ucChanged) this.exactUnicast = new Set([this.ownMac, ...ucList].filter((m) => !isMulticastHi(macHi(m))).map((m) => mtaVector(IXGBE_MC_FILTER_TYPE, m)));
    if (ucChanged || changed & IXGBE_FCTRL_UPE) this.verdicts.fill(false, (v) => this.unicastVerdict(v));
    if (changed & IXGBE_FCTRL_MPE) this.verdicts.fill(true, (v) => this.groupVerdict(v));
    // ixgbe_update_mc_addr_list_generic: "Clear mta_shadow" then set every group's bit: a bit
    // is set exactly while some group of the list has its vector.
    this.vectors.update(mode, 0, true);
    return { ok: true };
  }

  acceptKey(hi: number, lo: number): boolean {
    const at = this.verdicts.at(hi, lo);
    return at === EXACT ? this.decide(hi, lo) : at === ACCEPT;
  }

  /** The filter's decision, by class: unicast by the station address, UPE or dev->uc; broadcast by BAM; a group by MPE or its MTA bit. */
  private decide(hi: number, lo: number): boolean {
    if (!isMulticastHi(hi)) return (lo === this.ownLo && hi === this.ownHi) || (this.fctrl & IXGBE_FCTRL_UPE) !== 0 || this.uc.has(hi, lo);
    if (isBroadcastKey(hi, lo)) return (this.fctrl & IXGBE_FCTRL_BAM) !== 0;
    return (this.fctrl & IXGBE_FCTRL_MPE) !== 0 || this.mta.testVector(mtaVectorLo(MTA_SHIFT_TYPE, lo));
  }

  /** decide() for the unicast destinations of vector v. */
  private unicastVerdict(v: number): number {
    if (this.fctrl & IXGBE_FCTRL_UPE) return ACCEPT;
    return this.exactUnicast.has(v) ? EXACT : DROP;
  }

  /** decide() for the group destinations of vector v. */
  private groupVerdict(v: number): number {
    if (v === BROADCAST_VECTOR) return EXACT;
    return (this.fctrl & IXGBE_FCTRL_MPE) !== 0 || this.mta.testVector(v) ? ACCEPT : DROP;
  }

  state() {
    return {
      chip: this.chip,
      mcFilterType: IXGBE_MC_FILTER_TYPE,
      upe: (this.fctrl & IXGBE_FCTRL_UPE) !== 0,
      mpe: (this.fctrl & IXGBE_FCTRL_MPE) !== 0,
      bam: (this.fctrl & IXGBE_FCTRL_BAM) !== 0,
      rar0: this.ownMac,
      ...(this.ucList.length > 0 ? { uc: [...this.ucList] } : {}),
      mta: this.mta.nonZero(),
    };
  }
}

const SOURCE = 'drivers/net/ethernet/intel/ixgbe/ixgbe_main.c (ixgbe_set_rx_mode), ixgbe_common.c (ixgbe_mta_vector)';
const SUMMARY = '4096-bit MTA hash only, mc_filter_type 0 ([47:36]); all multicast only by ALLMULTI';

/**
 * A NIC whose groups all go to the MTA and whose dev->uc takes `ucRars` RARs, with IFF_UNICAST_FLT
 * (ixgbe_main.c ixgbe_probe, e1000e netdev.c e1000_probe: netdev->priv_flags |= IFF_UNICAST_FLT).
 */
export function mtaOnlyFamily(base: string, source: string, summary: string, ucRars: number, chip: string): FixedFamily {
  return {
    base,
    source,
    summary,
    profile: (): NicProfile => ({
      name: base,
      source,
      summary,
      thresholds: [],
      capacity: hashOnly(4096, '4096-bit MTA hash, never all multicast by count'),
      sharesUnicast: false,
      unicastFilter: true,
      create: (ownMac: Mac, _faults: FaultSet): NicFilter => new MtaFilter(ownMac, ucRars, chip),
    }),
  };
}

export const ixgbe: FixedFamily = mtaOnlyFamily('ixgbe', SOURCE, SUMMARY, IXGBE_UC_RARS, 'Intel 82599');
