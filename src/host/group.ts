// The per-interface group record: struct ip_mc_list (net/ipv4/igmp.c) and struct ifmcaddr6
// (net/ipv6/mcast.c) keep the same fields and the same source-filter arithmetic, so one type
// serves both families. Sources are keyed by canonical address text.
import type { IpAddr } from '../wire/ip.ts';
import type { Mac } from '../wire/mac.ts';

export type FilterMode = 'include' | 'exclude';

/** struct ip_sf_list / ip6_sf_list: how many INCLUDE and EXCLUDE memberships list this source. */
export interface SourceCount {
  include: number;
  exclude: number;
}

export class GroupRecord {
  /** im->users / mca_users: one per membership, automatic groups included. */
  users = 1;
  /** im->sfmode: the interface filter mode (what reports announce). */
  sfmode: FilterMode;
  /** im->sfcount[MCAST_INCLUDE / MCAST_EXCLUDE]: memberships in each mode. */
  readonly sfcount: SourceCount = { include: 0, exclude: 0 };
  /**
   * im->sources (swapped with a delete record's list: src/host/delete-records.ts); null while
   * empty, so that a record without sources (most of them) holds no Map.
   */
  private sourceList: Map<string, SourceCount> | null = null;
  /** im->loaded / MAF_LOADED: holds its device-list reference. */
  loaded = false;
  /** The dev->mc address the record was loaded under (arp_mc_map / ndisc_mc_map), kept for the unload. */
  deviceMac: Mac | null = null;
  /** im->multiaddr / mca_addr's canonical text: the key of the interface's records. */
  readonly key: string;

  get sources(): ReadonlyMap<string, SourceCount> {
    return this.sourceList ?? EMPTY_SOURCES;
  }

  /** Puts `list` in place of the source list and returns the list that was there (null: empty). */
  takeSources(list: Map<string, SourceCount> | null): Map<string, SourceCount> | null {
    const old = this.sourceList;
    this.sourceList = list !== null && list.size > 0 ? list : null;
    return old !== null && old.size > 0 ? old : null;
  }

  /** __ip_mc_inc_group / mca_alloc: "initial mode is (EX, empty)", or the SSM join's mode. */
  constructor(
    /** im->multiaddr / mca_addr. */
    readonly group: IpAddr,
    mode: FilterMode,
  ) {
    this.key = group.text;
    this.sfmode = mode;
    this.sfcount[mode] = 1;
  }

  /**
   * ip_mc_add_src / ip6_mc_add_src. delta 0 (a membership arrives) counts the mode; delta 1 (one
   * source added to an existing membership) does not. The kernel's only error here is an
   * allocation failure, which the model does not have.
   */
  addSources(mode: FilterMode, sources: readonly string[], delta: boolean): void {
    const wasExclude = this.sfmode === 'exclude';
    if (!delta) this.sfcount[mode]++;
    for (const s of sources) {
      this.sourceList ??= new Map();
      let psf = this.sourceList.get(s);
      if (!psf) {
        psf = { include: 0, exclude: 0 };
        this.sourceList.set(s, psf);
      }
      psf[mode]++;
    }
    // "filter mode change": EXCLUDE while any membership excludes, else INCLUDE if any includes.
    if (wasExclude !== this.sfcount.exclude > 0) {
      if (this.sfcount.exclude) this.sfmode = 'exclude';
      else if (this.sfcount.include) this.sfmode = 'include';
    }
  }

  /** ip_mc_del_src / ip6_mc_del_src (with ip_mc_del1_src dropping a source whose counts reach 0). */
  delSources(mode: FilterMode, sources: readonly string[], delta: boolean): void {
    if (!delta) {
      if (!this.sfcount[mode]) return; // -EINVAL in the kernel: cannot happen from the socket layer
      this.sfcount[mode]--;
    }
    for (const s of sources) {
      const psf = this.sourceList?.get(s);
      if (!psf || psf[mode] === 0) continue; // -ESRCH "bug" in the kernel
      psf[mode]--;
      if (!psf.include && !psf.exclude) this.sourceList?.delete(s);
    }
    if (this.sfmode === 'exclude' && this.sfcount.exclude === 0 && this.sfcount.include) {
      this.sfmode = 'include';
    }
  }

  /**
   * ip_check_mc_rcu (net/ipv4/igmp.c) / ipv6_chk_mcast_addr (net/ipv6/mcast.c): a listed source
   * passes if some INCLUDE membership lists it or some EXCLUDE membership does not exclude it;
   * an unlisted source passes if some membership is in EXCLUDE mode.
   */
  allowsSource(source: string): boolean {
    const psf = this.sourceList?.get(source);
    if (psf) return psf.include > 0 || psf.exclude !== this.sfcount.exclude;
    return this.sfcount.exclude !== 0;
  }
}

const EMPTY_SOURCES: ReadonlyMap<string, SourceCount> = new Map();
