// The host-namespace backend of the live differential: KernelBench's veth pairs in a receiver and
// a sender namespace, seen through /proc and real sockets.
import { release } from 'node:os';
import type { Blindness, LiveBackend } from '../live/backend.ts';
import type { Scenario, SimulateResult } from '../scenario/types.ts';
import { KernelBench } from './runner.ts';

/** The profile of a veth: no receive filter (drivers/net/veth.c). */
export const NETNS_PROFILE = 'accept-all';

/**
 * veth has no filter state to read back, and the order of dev->mc depends on when the DAD work
 * items ran (net/ipv6/addrconf.c), so both are left out.
 */
export const NETNS_BLINDNESS: Blindness = { nicState: true, listOrder: true };

export class NetnsBackend implements LiveBackend {
  readonly label = `netns (Linux ${release()})`;
  readonly profile = NETNS_PROFILE;
  readonly blind = NETNS_BLINDNESS;
  readonly observer = 'kernel';
  /** Creates the namespace pair now: a caller may rely on it existing once this returns. */
  readonly bench = new KernelBench();

  async run(scenario: Scenario): Promise<SimulateResult> {
    return this.bench.run(scenario);
  }

  async dispose(): Promise<void> {
    this.bench.dispose();
  }
}
