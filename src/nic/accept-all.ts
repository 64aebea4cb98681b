// accept-all: veth. drivers/net/veth.c: veth_set_multicast_list is empty and veth_xmit hands
// every frame to the peer, so there is no receive filter and every destination is accepted.
import type { JsonValue } from '../json.ts';
import { fixedFamily } from './family.ts';
import type { ProgramResult, RxMode } from './filter.ts';
import { KeyedFilter } from './keyed.ts';
import { ListMirror } from './rx-view.ts';

class VethFilter extends KeyedFilter {
  // Only to show what the stack asked for: veth programs nothing. The list is kept by the
  // host's changes and copied only when shown.
  private requested = { promisc: false, allmulti: false };
  private readonly requestedMc = new ListMirror();

  program(mode: RxMode): ProgramResult {
    this.requested = { promisc: mode.promisc, allmulti: mode.allmulti };
    this.requestedMc.update(mode, true);
    return { ok: true };
  }

  acceptKey(_hi: number, _lo: number): boolean {
    return true;
  }

  state(): JsonValue {
    const r = this.requested;
    return { filter: 'none', requested: { promisc: r.promisc, allmulti: r.allmulti, mc: this.requestedMc.values() } };
  }
}

export const acceptAll = fixedFamily({
  base: 'accept-all',
  source: 'drivers/net/veth.c (veth_set_multicast_list is empty)',
  summary: 'veth: no receive filter, every frame accepted',
  thresholds: [],
  create: () => new VethFilter(),
});
