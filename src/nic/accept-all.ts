// accept-all: veth. drivers/net/veth.c veth_set_multicast_list is empty and veth_xmit hands
// every frame to the peer: there is no receive filter, every destination is accepted.
import type { FaultSet } from '../faults.ts';
import type { Mac } from '../wire/mac.ts';
import type { FixedFamily } from './family.ts';
import type { NicFilter, NicProfile, ProgramResult, RxMode } from './filter.ts';

const SOURCE = 'drivers/net/veth.c (veth_set_multicast_list is empty)';

class VethFilter implements NicFilter {
  // Kept only to show what the stack asked for; veth programs nothing.
  private mode: RxMode = { promisc: false, allmulti: false, mc: [] };
  constructor(private readonly ownMac: Mac) {}

  program(mode: RxMode): ProgramResult {
    this.mode = { promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc] };
    return { ok: true };
  }

  accept(_dst: Mac): boolean {
    return true;
  }

  state() {
    return { filter: 'none', ownMac: this.ownMac, requested: { promisc: this.mode.promisc, allmulti: this.mode.allmulti, mc: [...this.mode.mc] } };
  }
}

export const acceptAll: FixedFamily = {
  base: 'accept-all',
  source: SOURCE,
  summary: 'veth: no receive filter, every frame accepted',
  profile: (): NicProfile => ({
    name: 'accept-all',
    source: SOURCE,
    summary: 'veth: no receive filter, every frame accepted',
    create: (ownMac: Mac, _faults: FaultSet): NicFilter => new VethFilter(ownMac),
  }),
};
