// The DPDK application's side of the physical port: what it asked the PMD for (promiscuous,
// all-multicast, the multicast list) and how it programs the physical NicFilter.
// lib/ethdev/rte_ethdev.c: rte_eth_dev_set_mc_addr_list replaces the whole list, 0 entries
// flush it, a PMD may refuse (mlx5_set_mc_addr_list ENOSPC, iavf and hns3 EINVAL, -ENOTSUP
// without the op: virtio, i40e) and then keeps its previous list; rte_eth_promiscuous_enable /
// rte_eth_allmulticast_enable are separate calls that may be -ENOTSUP too (virtio without
// CTRL_RX). Over a DPDK port (NicFilter.ethdev) the application walks the calls one by one:
// list, then all-multicast, then promiscuous (applyByEthdev); over any other filter it programs
// all at once.
// The relay's rule (issue 12): a list the PMD refuses, or that never reached user space because
// it did not fit the KNI sync area, falls back to all-multicast; it is never cut to what fits,
// and the exact list returns as soon as one fits again.
import type { Errno } from '../errors.ts';
import type { JsonValue } from '../json.ts';
import type { NicFilter, RxMode } from '../nic/filter.ts';
import type { Mac } from '../wire/mac.ts';
import { type EthdevOps, errnoName } from '../nic/ethdev.ts';
import { APP_ALLMULTI_NEVER_OFF, APP_ENOTSUP_FATAL, APP_FLAG_CLEARS_FALLBACK, RELAY_TRUNCATES_LIST, type RelayFaultSet } from './faults.ts';
import { ERRNO } from './request-channel.ts';

/** Negative errno for a PMD refusal, as rte_eth_dev_set_mc_addr_list returns it. */
const REFUSAL_ERRNO: Partial<Record<Errno, number>> = { EINVAL: ERRNO.EINVAL, ENOSPC: ERRNO.ENOSPC };

/** Why the port is in all-multicast although the application did not ask for it. */
export type Fallback = null | 'sync-area' | Errno;

export class PmdPort {
  private promisc = false;
  private allmulti = false;
  /** The list last asked for; 'overflow' when it did not fit the sync area. */
  private wanted: readonly Mac[] | 'overflow' = [];
  private fallback: Fallback = null;
  /** What the last successful physical program() carried. */
  private programmed: RxMode = { promisc: false, allmulti: false, mc: [] };
  private programCalls = 0;
  /** app-enotsup-fatal: the application gave up on the port. */
  private gaveUp = false;
  /** app-allmulti-never-off: all-multicast was a fallback once and stays. */
  private stickyAllmulti = false;
  /** app-flag-clears-fallback: the user's ALLMULTI flag as the last apply saw it. */
  private lastUserAllmulti = false;

  constructor(
    readonly physical: NicFilter,
    private readonly faults: RelayFaultSet,
  ) {}

  /** config_promiscusity (rte_kni.c kni_config_promiscusity -> rte_eth_promiscuous_enable). */
  setPromisc(on: boolean): number {
    this.promisc = on;
    return this.apply();
  }

  /** config_allmulticast (rte_kni.c kni_config_allmulticast -> rte_eth_allmulticast_enable). */
  setAllmulti(on: boolean): number {
    this.allmulti = on;
    return this.apply();
  }

  /** The application's set_mc_addr_list: the whole list, or 'overflow' from the sync area. */
  setMcList(list: readonly Mac[] | 'overflow'): number {
    this.wanted = list === 'overflow' ? list : [...list];
    return this.apply();
  }

  /** Sets everything at once (tap-relay mirrors flags and list in one pass). */
  mirror(mode: RxMode): number {
    this.promisc = mode.promisc;
    this.allmulti = mode.allmulti;
    this.wanted = [...mode.mc];
    return this.apply();
  }

  private program(mode: RxMode): boolean {
    this.programCalls++;
    const r = this.physical.program(mode);
    if (r.ok) this.programmed = { promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc] };
    return r.ok;
  }

  /** Programs the physical NIC from what the application wants; 0 or a negative errno. */
  private apply(): number {
    if (this.gaveUp) return -ERRNO.ENOTSUP;
    const eth = this.physical.ethdev;
    return eth ? this.applyByEthdev(eth) : this.applyByProgram();
  }

  /**
   * The fallback chain over the ethdev calls (src/nic/ethdev.ts): the list; where the PMD refuses
   * it (-ENOSPC, -EINVAL, -ENOTSUP: no op) or the sync area could not carry it, all-multicast;
   * where that is -ENOTSUP too, promiscuous. Each step is undone as soon as the list fits again.
   * An empty list on a PMD without the op is nothing to program (there is no table to flush).
   */
  private applyByEthdev(eth: EthdevOps): number {
    const { promisc, allmulti } = this;
    let result: number;
    if (this.wanted === 'overflow') result = -ERRNO.ENOSPC;
    else {
      const list = this.wanted;
      result = eth.setMcAddrList(list);
      if (result === -ERRNO.ENOTSUP && this.faults.has(APP_ENOTSUP_FATAL)) {
        // The fault: the application stops programming the port for good.
        this.gaveUp = true;
        return result;
      }
      if (result === -ERRNO.ENOTSUP && list.length === 0) result = 0;
      if (result !== 0 && this.faults.has(RELAY_TRUNCATES_LIST)) {
        // The fault: keep the longest prefix the PMD takes, and stay out of all-multicast.
        for (let k = list.length - 1; k >= 0 && eth.setMcAddrList(list.slice(0, k)) !== 0; k--);
        this.setFlags(eth, promisc, allmulti);
        this.fallback = null;
        return result;
      }
    }
    const refused = result !== 0;
    this.fallback = !refused ? null : this.wanted === 'overflow' ? 'sync-area' : errnoName(result);
    // The fault: once all-multicast was the fallback it stays on.
    this.stickyAllmulti = this.stickyAllmulti || (refused && this.faults.has(APP_ALLMULTI_NEVER_OFF));
    this.setFlags(eth, promisc, allmulti || refused || this.stickyAllmulti);
    if (allmulti !== this.lastUserAllmulti && this.faults.has(APP_FLAG_CLEARS_FALLBACK)) {
      // The fault models DPDK/grout before pull request 381: the path that sets the user's
      // all-multicast flag did not know of the fallback and wrote the flag to the port as asked.
      const a = eth.allmulticast(allmulti);
      this.programmed = { ...this.programmed, allmulti: allmulti && a === 0 };
    }
    this.lastUserAllmulti = allmulti;
    this.programCalls++;
    return result;
  }

  /** All-multicast as wanted; where the PMD cannot (-ENOTSUP), promiscuous in its place. */
  private setFlags(eth: EthdevOps, promisc: boolean, allmulti: boolean): void {
    const a = eth.allmulticast(allmulti);
    const p = eth.promiscuous(promisc || (allmulti && a !== 0));
    this.programmed = { promisc: promisc || (p === 0 && allmulti && a !== 0), allmulti: allmulti && a === 0, mc: this.wanted === 'overflow' ? [] : [...this.wanted] };
  }

  /** A lower profile without ethdev calls (a kernel-style filter): one program() per change. */
  private applyByProgram(): number {
    const { promisc, allmulti } = this;
    if (this.wanted === 'overflow') {
      this.fallback = 'sync-area';
      this.program({ promisc, allmulti: true, mc: [] });
      return -ERRNO.ENOSPC;
    }
    const list = this.wanted;
    const r = this.physical.program({ promisc, allmulti, mc: list });
    this.programCalls++;
    if (r.ok) {
      this.programmed = { promisc, allmulti, mc: [...list] };
      this.fallback = null;
      return 0;
    }
    if (this.faults.has(RELAY_TRUNCATES_LIST)) {
      // The fault: keep the longest prefix the PMD takes, and stay out of all-multicast.
      for (let k = list.length - 1; k >= 0; k--) {
        if (this.program({ promisc, allmulti, mc: list.slice(0, k) })) break;
      }
      this.fallback = null;
      return -(REFUSAL_ERRNO[r.error] ?? ERRNO.EINVAL);
    }
    this.fallback = r.error;
    // 0 entries flush the table (rte_eth_dev_set_mc_addr_list with NULL, 0) and all-multicast
    // admits every group the refused list held.
    this.program({ promisc, allmulti: true, mc: [] });
    return -(REFUSAL_ERRNO[r.error] ?? ERRNO.EINVAL);
  }

  /** What the application asked for (flags and list), for properties. */
  wants(): { readonly promisc: boolean; readonly allmulti: boolean; readonly mc: readonly Mac[] | 'overflow' } {
    return { promisc: this.promisc, allmulti: this.allmulti, mc: this.wanted };
  }

  /** Why the port is in all-multicast on its own, or null. */
  fallbackReason(): Fallback {
    return this.fallback;
  }

  state(): JsonValue {
    return {
      wants: { promisc: this.promisc, allmulti: this.allmulti, mc: this.wanted === 'overflow' ? 'overflow' : [...this.wanted] },
      fallback: this.fallback,
      programmed: { promisc: this.programmed.promisc, allmulti: this.programmed.allmulti, mc: [...this.programmed.mc] },
      programCalls: this.programCalls,
      physical: this.physical.state(),
    };
  }
}
