// The ethdev calls a DPDK application makes on a port (lib/ethdev/rte_ethdev.h), one at a time,
// with the answers the PMDs give. A DPDK port profile's filter offers them as NicFilter.ethdev,
// so that the application above it (src/relay/pmd-port.ts) can walk its fallback chain:
// - rte_eth_dev_set_mc_addr_list(port, list, n): replaces the whole list; a NULL list or n = 0
//   flushes it; -ENOTSUP when the PMD has no set_mc_addr_list op (rte_ethdev.c checks the op
//   before anything else, so the flush too is -ENOTSUP there); a PMD's own refusal (-ENOSPC,
//   -EINVAL) leaves its previous list programmed.
// - rte_eth_promiscuous_enable/_disable, rte_eth_allmulticast_enable/_disable: -ENOTSUP where the
//   PMD cannot (virtio without VIRTIO_NET_F_CTRL_RX: drivers/net/virtio/virtio_ethdev.c "host
//   does not support rx control").
import type { Errno } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import type { Mac } from '../wire/mac.ts';
import { KeySet, isMulticastHi } from '../wire/mac-key.ts';
import type { EthdevOps, ProgramResult, RxMode } from './filter.ts';

export type { EthdevOps } from './filter.ts';
import { isOwnOrBroadcastKey } from './station.ts';

/** Errno values as include/uapi/asm-generic/errno-base.h and errno.h number them (ethdev returns them negated). */
export const ETHDEV_ERRNO = { EINVAL: 22, ENOSPC: 28, ENOTSUP: 95 } as const;
export type EthdevErrno = keyof typeof ETHDEV_ERRNO;

/** A PMD as the ethdev layer sees it. */
export interface PmdSpec {
  /** The driver name, e.g. "net_mlx5". */
  readonly pmd: string;
  /** set_mc_addr_list: null when eth_dev_ops has none (-ENOTSUP); else the PMD's refusal of a list of this length, or null. */
  readonly mcList: ((count: number) => EthdevErrno | null) | null;
  /**
   * False: the promiscuous and all-multicast ops answer -ENOTSUP and the device filters nothing
   * (a QEMU virtio-net without CTRL_RX stays in its reset state, promiscuous).
   */
  readonly rxControl: boolean;
  /**
   * True: every call succeeds and changes nothing the port receives: every frame passes
   * (rte_eth_tap.c tap_set_mc_addr_list: "the tap has no filtering whatsoever").
   */
  readonly receivesEverything?: boolean;
}


function negative(e: EthdevErrno): number {
  return -ETHDEV_ERRNO[e];
}

/** A negative ethdev answer as an Errno name; ENOTSUP is EOPNOTSUPP on Linux (both 95). */
export function errnoName(r: number): Errno {
  if (r === -ETHDEV_ERRNO.ENOTSUP) return 'EOPNOTSUPP';
  return r === -ETHDEV_ERRNO.ENOSPC ? 'ENOSPC' : 'EINVAL';
}

/** The receive state a PMD keeps behind the ethdev calls, and its software view of acceptance. */
export class EthdevState implements EthdevOps {
  promisc = false;
  allmulti = false;
  list: readonly Mac[] = [];
  /** The list as a set, for lookups (a 4,096-entry list was scanned per frame). */
  private members = new KeySet([]);
  refusals = 0;
  /** No rx control, or a PMD that receives everything: every frame passes (the spec read once, not per frame: its shape differs from PMD to PMD). */
  private readonly passesAll: boolean;

  constructor(
    readonly spec: PmdSpec,
    private readonly faults: FaultSet,
  ) {
    this.passesAll = !spec.rxControl || spec.receivesEverything === true;
  }

  get pmd(): string {
    return this.spec.pmd;
  }

  promiscuous(on: boolean): number {
    if (!this.spec.rxControl) return negative('ENOTSUP');
    this.promisc = on;
    return 0;
  }

  allmulticast(on: boolean): number {
    if (!this.spec.rxControl) return negative('ENOTSUP');
    this.allmulti = on;
    return 0;
  }

  setMcAddrList(list: readonly Mac[]): number {
    return this.setList(list.length, () => [...list]);
  }

  /** set_mc_addr_list of `count` entries; the list is built only when the PMD takes it (a refusal costs O(1)). */
  private setList(count: number, build: () => readonly Mac[]): number {
    // rte_ethdev.c: `if (*dev->dev_ops->set_mc_addr_list == NULL) return -ENOTSUP;` comes first.
    if (this.spec.mcList === null) return negative('ENOTSUP');
    // The fault: the PMD answers the flush with 0 and keeps its table.
    if (count === 0 && this.faults.has('pmd-flush-ignored')) return 0;
    const refusal = this.spec.mcList(count);
    if (refusal) {
      this.refusals++;
      return negative(refusal);
    }
    this.list = build();
    this.members = new KeySet(this.list);
    return 0;
  }

  /** What the kernel-style program() does with a port: the three calls in order, the list's refusal reported. */
  program(mode: RxMode, count: number, head: (k: number) => readonly Mac[]): ProgramResult {
    this.promiscuous(mode.promisc);
    this.allmulticast(mode.allmulti);
    const r = this.setList(count, () => head(count));
    // No op and nothing to program: there is no table to flush. A device without rx control
    // filters nothing, so no mode is refused in effect.
    if (r === 0 || (r === -ETHDEV_ERRNO.ENOTSUP && (count === 0 || !this.spec.rxControl))) return { ok: true };
    return { ok: false, error: errnoName(r) };
  }

  /** The port's decision for a destination key (hi, lo), its station address given as a key too. */
  acceptKey(ownHi: number, ownLo: number, hi: number, lo: number): boolean {
    if (this.passesAll || this.promisc || isOwnOrBroadcastKey(ownHi, ownLo, hi, lo)) return true;
    // The group bit only for a member (rare): tested first, it was a branch no CPU predicts.
    return this.allmulti ? isMulticastHi(hi) : this.members.has(hi, lo) && isMulticastHi(hi);
  }
}
