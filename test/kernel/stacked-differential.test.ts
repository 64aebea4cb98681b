// VLAN and bond on a live kernel: a fixed script on a VLAN / a bond over veths against
// src/relay/vlan.ts and src/relay/bond.ts. On this machine's kernel where it has the drivers, else
// in the QEMU guest (Debian's 6.1, one boot for both kinds: docs/guest.md), else
// `SKIP <kind> differential: <both reasons>`. The VLAN model states the 6.15 rules ("net: vlan:
// don't propagate flags on open"); the guest's Debian 6.1.192 behaves so (a stable backport, by its
// behaviour), which step 1 shows: ALLMULTI set while the VLAN is down reaches the real device.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { kernelPlace, openKernelHost } from '../../src/guest/kernel-place.ts';
import { type StackedKind, kernelStacked, modelStacked } from '../../src/kernel/stacked-diff.ts';
import type { KernelFeature } from '../../src/kernel/features.ts';
import type { KernelHost } from '../../src/sys/kernel-host.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const FEATURE: Record<StackedKind, KernelFeature> = { vlan: '8021q', bond: 'bonding' };
const places = new Map((['vlan', 'bond'] as const).map((kind) => [kind, kernelPlace([FEATURE[kind]])]));
for (const [kind, place] of places) {
  if (place.where === 'none') console.log(`SKIP ${kind} differential: ${place.reason}`);
  else if (place.where === 'guest') console.log(`${kind} differential: in the QEMU guest (${place.hostReason})`);
}

/** One host per place for the file (a guest boots once for both kinds). */
const hosts = new Map<string, Promise<KernelHost>>();
function hostFor(kind: StackedKind): Promise<KernelHost> {
  const place = places.get(kind)!;
  let h = hosts.get(place.where);
  if (!h) {
    h = openKernelHost(place, ['8021q', 'bonding'].filter((f) => f === FEATURE[kind] || place.where === 'guest') as KernelFeature[]);
    hosts.set(place.where, h);
  }
  return h;
}
afterAll(async () => {
  for (const h of hosts.values()) await (await h.catch(() => null))?.dispose();
}, HANG_BOUND_MS);

for (const kind of ['vlan', 'bond'] as const) {
  const place = places.get(kind)!;
  describe.skipIf(place.where === 'none').sequential(`${kind} differential (${place.where === 'guest' ? 'QEMU guest' : 'live kernel'})`, () => {
    let host: KernelHost;
    beforeAll(async () => {
      host = await hostFor(kind);
    }, HANG_BOUND_MS);

    it("the lowers' group users and allmulti counts agree with the model after every step", async () => {
      expect(await kernelStacked(host, kind)).toEqual(modelStacked(kind));
    }, HANG_BOUND_MS);

  });
}

describe('the stacked script on the model (runs everywhere)', () => {
  it('vlan: sync only while up, the ALLMULTI count follows the flag up or down (6.15+)', () => {
    const obs = modelStacked('vlan').map((o) => o.lowers['veth0']);
    expect(obs.map((o) => o?.users)).toEqual([[0, 0], [0, 0], [1, 0], [1, 1], [0, 0], [0, 0], [1, 1], [0, 1], [0, 1], [0, 1]]);
    expect(obs.map((o) => o?.allmulti)).toEqual([0, 1, 1, 1, 1, 0, 0, 0, 1, 1]);
  });
  it('bond (balance-rr): both slaves synced while up, counts on both, the released slave loses both', () => {
    const obs = modelStacked('bond');
    expect(obs.map((o) => o.lowers['veth2']?.users)).toEqual([[0, 0], [0, 0], [1, 0], [1, 1], [0, 0], [0, 0], [1, 1], [0, 1], [0, 1], [0, 0]]);
    expect(obs.map((o) => o.lowers['veth2']?.allmulti)).toEqual([0, 1, 1, 1, 1, 0, 0, 0, 1, 0]);
    expect(obs.at(-1)?.lowers['veth0']).toEqual({ users: [0, 1], allmulti: 1 });
  });
});
