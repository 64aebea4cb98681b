// VLAN and bond on the live kernel, where it has the drivers: a fixed script on a VLAN / a bond over
// veths against src/relay/vlan.ts and src/relay/bond.ts. This machine's kernel has neither 8021q nor
// bonding: the tests print `SKIP <kind> differential: <reason>` and skip (docs/kernel-differential.md).
import { describe, expect, it } from 'vitest';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { type StackedKind, kernelStacked, modelStacked, stackedKindUnavailable } from '../../src/kernel/stacked-diff.ts';

for (const kind of ['vlan', 'bond'] as const satisfies readonly StackedKind[]) {
  const reason = kernelModeUnavailable() ?? stackedKindUnavailable(kind);
  if (reason) console.log(`SKIP ${kind} differential: ${reason}`);
  describe.skipIf(reason !== null)(`${kind} differential (live kernel)`, () => {
    it('the lowers\' group users and allmulti counts agree with the model after every step', () => {
      expect(kernelStacked(kind)).toEqual(modelStacked(kind));
    });
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
