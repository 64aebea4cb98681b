// The live differential's one seam (packetdrill's netdev_ops, ../shared/style.md): a backend only
// executes a scenario's steps on something real and reports what it observed, as a
// SimulateResult. Generating, comparing with the model, shrinking and reporting are written once,
// in the live core, for every backend: host namespaces, a QEMU guest, a real device under test.
import type { InterfaceSpec, Scenario, SimulateResult } from '../scenario/types.ts';

/** What a backend cannot observe: left out of both sides before they are compared. */
export interface Blindness {
  /** The NIC's programmed state (`InterfaceResult.nic`): only the model has it. */
  readonly nicState: boolean;
  /** The order of dev->mc: timing-dependent on a live kernel (DAD work items). */
  readonly listOrder: boolean;
  /** Frames whose NIC verdict the backend cannot show, with the reason (e.g. QEMU's tulip has no hash). */
  readonly unobservable?: (iface: string, dstMac: string) => string | null;
  /**
   * The NIC is a real chip judged against its profile (a device under test): a frame the oracle
   * calls `may` for the profile (beyond the list, inside a hash bucket or all-multicast mode) is
   * compared on neither side; `must` and `must-not` frames are.
   */
  readonly mayFrames?: boolean;
  /** The device list, flag counters and group users: other users of a shared device hold entries too. */
  readonly deviceState?: boolean;
  /** Which sockets receive a datagram: a real host's own IP configuration (rp_filter, routes) decides. */
  readonly receivers?: boolean;
}

export interface LiveBackend {
  /** One line for reports and reproduce lines: 'netns (Linux 6.18.44)', 'guest e1000 (Linux 6.1.0-57)'. */
  readonly label: string;
  /** The NIC profile the model runs with when it is compared with this backend. */
  readonly profile: string;
  readonly blind: Blindness;
  /** Who observed, as the column title of the side-by-side report ('kernel', 'guest'). Default 'live'. */
  readonly observer?: string;
  /** false: its interfaces cannot be deleted (a physical NIC has no rtnl_link_ops: net/core/rtnetlink.c rtnl_dellink, EOPNOTSUPP); no `link-del` steps are generated. */
  readonly deletesLinks?: boolean;
  /** The interfaces the backend has (a device under test): scenarios use them instead of generated ones. */
  readonly interfaces?: readonly InterfaceSpec[];
  /** Runs one scenario from fresh interfaces and reports what it observed. */
  run(scenario: Scenario): Promise<SimulateResult>;
  /** Undoes everything the backend set up (namespaces, guest, DUT state). Idempotent. */
  dispose(): Promise<void>;
}
