// Stacked devices (net/core/dev_addr_lists.c dev_mc_sync / dev_mc_unsync / dev_mc_sync_multiple,
// drivers/net/macvlan.c) against a model of who holds what: each upper's own references, the
// lower's own references, which uppers are up and which flags they hold.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MACVLAN_ALLMULTI_WHILE_DOWN, type RelayFaultSet, UNSYNC_REMOVES_USED } from '../../src/relay/faults.ts';
import { HwAddrList, Macvlan, StackedDevice, hwAddrSyncMultiple } from '../../src/relay/stacked.ts';
import { groups } from './helpers.ts';

const G = groups(4);
const UPPERS = 2;

type Op =
  | { readonly op: 'add' | 'del'; readonly u: number; readonly g: number }
  | { readonly op: 'open' | 'stop'; readonly u: number }
  | { readonly op: 'flag'; readonly u: number; readonly which: 'allmulti' | 'promisc'; readonly on: boolean }
  | { readonly op: 'ladd' | 'ldel'; readonly g: number };

const u = fc.nat({ max: UPPERS - 1 });
const g = fc.nat({ max: G.length - 1 });
const opArb: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constantFrom('add' as const, 'del' as const), u, g }),
  fc.record({ op: fc.constantFrom('open' as const, 'stop' as const), u }),
  fc.record({ op: fc.constant('flag' as const), u, which: fc.constantFrom('allmulti' as const, 'promisc' as const), on: fc.boolean() }),
  fc.record({ op: fc.constantFrom('ladd' as const, 'ldel' as const), g }),
);

interface UpperModel {
  up: boolean;
  users: Map<number, number>;
  allmulti: boolean;
  promisc: boolean;
}

const bump = (m: Map<number, number>, k: number, d: number): void => {
  const v = (m.get(k) ?? 0) + d;
  if (v === 0) m.delete(k);
  else m.set(k, v);
};

function stackedProperty(faults: RelayFaultSet = new Set()) {
  return fc.property(fc.array(opArb, { maxLength: 40 }), (ops) => {
    const lower = new StackedDevice('eth0');
    const uppers = Array.from({ length: UPPERS }, (_, i) => new Macvlan(`macvlan${i}`, lower, faults));
    const model: UpperModel[] = uppers.map(() => ({ up: false, users: new Map(), allmulti: false, promisc: false }));
    const lowerOwn = new Map<number, number>();
    for (const o of ops) {
      switch (o.op) {
        case 'add':
          expect(uppers[o.u]!.mcAdd(G[o.g]!)).toBeNull();
          bump(model[o.u]!.users, o.g, 1);
          break;
        case 'del':
          expect(uppers[o.u]!.mcDel(G[o.g]!)).toBe(model[o.u]!.users.has(o.g) ? null : 'ENOENT');
          if (model[o.u]!.users.has(o.g)) bump(model[o.u]!.users, o.g, -1);
          break;
        case 'open':
          uppers[o.u]!.open();
          model[o.u]!.up = true;
          break;
        case 'stop': {
          const before = lower.mc.addrs();
          uppers[o.u]!.stop();
          model[o.u]!.up = false;
          // After unsync exactly what only this upper had synced is gone.
          const heldElsewhere = (i: number): boolean => lowerOwn.has(i) || model.some((m) => m.up && m.users.has(i));
          const gone = before.filter((a) => !lower.mc.addrs().includes(a));
          expect(gone.sort()).toEqual(G.filter((_, i) => before.includes(G[i]!) && !heldElsewhere(i)).sort());
          break;
        }
        case 'flag':
          uppers[o.u]!.setUserFlag(o.which, o.on);
          model[o.u]![o.which] = o.on;
          break;
        case 'ladd':
          expect(lower.mc.add(G[o.g]!)).toBeNull();
          bump(lowerOwn, o.g, 1);
          break;
        case 'ldel':
          if (!lowerOwn.has(o.g)) break;
          expect(lower.mc.del(G[o.g]!)).toBeNull();
          bump(lowerOwn, o.g, -1);
          break;
      }
      // The lower covers every up upper's list, holds one reference per holder, nothing else.
      G.forEach((addr, i) => {
        const upHolders = model.filter((m) => m.up && m.users.has(i)).length;
        const refs = (lowerOwn.get(i) ?? 0) + upHolders;
        const ha = lower.mc.get(addr);
        if (refs === 0) expect(ha, `${addr} left on the lower`).toBeUndefined();
        else expect(ha, `${addr} missing on the lower`).toMatchObject({ refcount: refs, synced: upHolders });
      });
      // Each upper: its users' references plus one sync reference while up; no underflow.
      uppers.forEach((up, k) => {
        const m = model[k]!;
        expect(up.dev.mc.addrs().sort()).toEqual([...m.users.keys()].map((i) => G[i]!).sort());
        for (const [i, n] of m.users) {
          expect(up.dev.mc.get(G[i]!)).toMatchObject({ refcount: n + (m.up ? 1 : 0), syncCnt: m.up ? 1 : 0 });
        }
      });
      // ALLMULTI / PROMISC are counted on the lower only for up uppers.
      expect(lower.flags.allmulti).toBe(model.filter((m) => m.up && m.allmulti).length);
      expect(lower.flags.promiscuity).toBe(model.filter((m) => m.up && m.promisc).length);
      expect(lower.underflows).toBe(0);
    }
  });
}

describe('stacked devices: macvlan over a lower', () => {
  it('the lower covers the up uppers, unsync removes exactly what was synced, counts never underflow', () => {
    fc.assert(stackedProperty(), { numRuns: 500 });
  });

  for (const fault of [UNSYNC_REMOVES_USED, MACVLAN_ALLMULTI_WHILE_DOWN]) {
    it(`catches ${fault}`, () => {
      const details = fc.check(stackedProperty(new Set([fault])), { numRuns: 1000, seed: 12 });
      expect(details.failed).toBe(true);
      expect((details.counterexample?.[0] as unknown[]).length).toBeLessThanOrEqual(6);
    });
  }

  it('an upper address with one user shows 2 references while synced (reference/linux-facts.md)', () => {
    const lower = new StackedDevice('eth0');
    const mv = new Macvlan('macvlan0', lower);
    mv.open();
    mv.mcAdd(G[0]!);
    expect(mv.dev.mc.get(G[0]!)).toMatchObject({ refcount: 2, syncCnt: 1 });
    expect(lower.mc.get(G[0]!)).toMatchObject({ refcount: 1, synced: 1 });
    mv.mcDel(G[0]!);
    expect(mv.dev.mc.get(G[0]!)).toBeUndefined();
    expect(lower.mc.get(G[0]!)).toBeUndefined();
  });

  it('a down macvlan syncs nothing; open syncs, stop unsyncs and keeps its own list', () => {
    const lower = new StackedDevice('eth0');
    const mv = new Macvlan('macvlan0', lower);
    mv.mcAdd(G[0]!);
    mv.setUserFlag('allmulti', true);
    expect(lower.mc.addrs()).toEqual([]);
    expect(lower.flags.allmulti).toBe(0);
    mv.open();
    expect(lower.mc.addrs()).toEqual([G[0]]);
    expect(lower.flags.allmulti).toBe(1);
    mv.stop();
    expect(lower.mc.addrs()).toEqual([]);
    expect(lower.flags.allmulti).toBe(0);
    expect(mv.dev.mc.get(G[0]!)).toMatchObject({ refcount: 1, syncCnt: 0 });
  });
});

describe('dev_mc_sync_multiple: one list, two lowers', () => {
  it('counts one sync per lower and unsyncs from each once only the sync references are left', () => {
    const upper = new HwAddrList();
    const a = new HwAddrList();
    const b = new HwAddrList();
    upper.add(G[0]!);
    hwAddrSyncMultiple(a, upper);
    hwAddrSyncMultiple(b, upper);
    hwAddrSyncMultiple(a, upper); // already synced to a: EEXIST, nothing changes
    expect(upper.get(G[0]!)).toMatchObject({ refcount: 3, syncCnt: 2 });
    expect(a.get(G[0]!)).toMatchObject({ refcount: 1, synced: 1 });
    expect(b.get(G[0]!)).toMatchObject({ refcount: 1, synced: 1 });
    upper.del(G[0]!);
    hwAddrSyncMultiple(a, upper);
    expect(a.get(G[0]!)).toBeUndefined();
    expect(upper.get(G[0]!)).toMatchObject({ refcount: 1, syncCnt: 1 });
    hwAddrSyncMultiple(b, upper);
    expect(b.get(G[0]!)).toBeUndefined();
    expect(upper.get(G[0]!)).toBeUndefined();
  });
});
