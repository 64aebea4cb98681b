// The common NIC filter interface: what ndo_set_rx_mode programs and what the hardware accepts.
import type { Errno } from '../errors.ts';
import type { FaultSet } from '../faults.ts';
import type { JsonValue } from '../json.ts';
import type { Mac } from '../wire/mac.ts';
import type { CapacityModel } from './capacity.ts';

/** One change of dev->mc: an address entered the list (at the tail) or left it. */
export interface ListChange {
  readonly mac: Mac;
  readonly added: boolean;
}

/** What ndo_set_rx_mode sees: the flags and the whole device lists (dev->mc, dev->uc, in list order). */
export interface RxMode {
  readonly promisc: boolean;
  readonly allmulti: boolean;
  /** dev->mc in list order. The host builds it only when a filter reads it (an O(n) copy). */
  readonly mc: readonly Mac[];
  /**
   * The incremental path (the host's programming, src/host/interface.ts): the changes of mc since
   * the previous program() call on this filter, in order. Absent or null: unknown, program from mc.
   */
  readonly changes?: readonly ListChange[] | null;
  /** mc.length without building mc. */
  readonly count?: number;
  /** The first k addresses of mc, in O(k). */
  readonly head?: (k: number) => readonly Mac[];
  /**
   * Secondary unicast addresses (dev->uc, net/core/dev_addr_lists.c dev_uc_add); absent: none.
   * Devices that keep them in the same table as the groups (QEMU virtio-net, e1000's RARs) have
   * fewer entries left for multicast.
   */
  readonly uc?: readonly Mac[];
}

export type ProgramResult = { readonly ok: true } | { readonly ok: false; readonly error: Errno };

/**
 * A DPDK port as the application calls it (lib/ethdev/rte_ethdev.h; ./ethdev.ts): each call
 * answers 0 or a negative errno.
 */
export interface EthdevOps {
  readonly pmd: string;
  /** rte_eth_promiscuous_enable / _disable. */
  promiscuous(on: boolean): number;
  /** rte_eth_allmulticast_enable / _disable. */
  allmulticast(on: boolean): number;
  /** rte_eth_dev_set_mc_addr_list; [] is the flush (NULL, 0). */
  setMcAddrList(list: readonly Mac[]): number;
}

/** One NIC's receive filter, programmed like its driver programs the hardware. */
export interface NicFilter {
  /**
   * Programs the filter from the rx mode, as the driver's ndo_set_rx_mode does. Called on every
   * change with the full list (mode.mc); a filter may instead use mode.changes, count and head
   * (src/nic/rx-view.ts) when present, and must then end in the state the full list gives. It
   * must not keep `mode`. A refusal (ENOSPC) must leave the previous state intact.
   */
  program(mode: RxMode): ProgramResult;
  /** The hardware's decision for a received frame with this destination MAC. Pure. */
  accept(dst: Mac): boolean;
  /**
   * The same decision for the destination as its key (src/wire/mac-key.ts): hi = octets 0..1
   * (macHi, 0..0xffff), lo = octets 2..5 as a signed int32 (macLo). The lookup without the string
   * facade. The built-in filters have it (src/nic/keyed.ts) and answer accept() through it; a
   * plug-in may leave it out.
   */
  acceptKey?(hi: number, lo: number): boolean;
  /** JSON view of the programmed state (registers, tables), shown as `nic` in simulate output. */
  state(): JsonValue;
  /** A DPDK port: the ethdev calls one by one (./ethdev.ts), for the application above it. */
  readonly ethdev?: EthdevOps;
}

/** A filter profile: one driver/hardware combination. */
export interface NicProfile {
  /** Full name including parameters, e.g. "tun", "ldd3-ff:4", "e1000:2". */
  readonly name: string;
  /** The driver source file(s) the profile is modelled on. */
  readonly source: string;
  /** One line a person reads in `mcast-testbench profiles`. */
  readonly summary: string;
  /**
   * Multicast list lengths at which the filter changes behaviour, as data: a list of t entries is
   * handled one way, t + 1 another (exact table full, hash mode, all-multicast, refusal). The
   * contract and the scenario generators program lists around each one; [] for none.
   */
  readonly thresholds: readonly number[];
  /** True when secondary unicast addresses (RxMode.uc) take entries of the same table, moving the thresholds down by their count. */
  readonly sharesUnicast: boolean;
  /**
   * IFF_UNICAST_FLT: the driver filters unicast itself, so dev->uc (an up macvlan's MAC) reaches
   * ndo_set_rx_mode as RxMode.uc instead of holding the device promiscuous (net/core/dev.c
   * __dev_set_rx_mode). Absent: false, the device goes promiscuous while dev->uc is not empty.
   */
  readonly unicastFilter?: boolean;
  /** The filter's analytic capacity (false-positive rate against joined groups) for `report`; absent: none to draw. */
  readonly capacity?: CapacityModel;
  /** A virtual device stacked on a physical profile (src/relay: "kni-mc+mlx5-dpdk"): its kind and the lower profile. */
  readonly stacked?: { readonly kind: string; readonly lower: NicProfile };
  /**
   * A DPDK port (its filters offer `ethdev`): `check` runs the fallback-chain property on it.
   * `hostByDefault` false: the default `check` runs only that property on it (a port the host
   * never drives directly; named with --profile it gets every property).
   */
  readonly dpdk?: { readonly pmd: string; readonly hostByDefault: boolean };
  /** A fresh filter for a device with this station MAC, in its reset state. */
  create(ownMac: Mac, faults: FaultSet): NicFilter;
}
