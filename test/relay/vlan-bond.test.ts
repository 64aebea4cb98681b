// VLAN (net/8021q/vlan_dev.c, 6.15+) and bond (drivers/net/bonding/bond_main.c) over lower devices,
// against a model of who holds what: each lower's list covers what the up uppers need, unsync
// removes exactly what was synced, and counts never underflow. Neither driver is on this
// machine's kernel, so there is no live differential for them (docs/kernel-differential.md).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Bond as BondT, Bond, type BondMode, LACPDU_MCAST_ADDR } from '../../src/relay/bond.ts';
import { type RelayFaultSet, UNSYNC_REMOVES_USED } from '../../src/relay/faults.ts';
import { StackedDevice } from '../../src/relay/stacked.ts';
import { Vlan } from '../../src/relay/vlan.ts';
import { groups } from './helpers.ts';

const G = groups(4);
const bump = (m: Map<number, number>, k: number, d: number): void => {
  const v = (m.get(k) ?? 0) + d;
  if (v === 0) m.delete(k);
  else m.set(k, v);
};
const g = fc.nat({ max: G.length - 1 });
const flag = fc.record({ op: fc.constant('flag' as const), which: fc.constantFrom('allmulti' as const, 'promisc' as const), on: fc.boolean() });

/** The lower holds its own references plus one per upper that syncs to it, and nothing else. */
function expectLower(lower: StackedDevice, own: Map<number, number>, synced: (i: number) => number): void {
  G.forEach((addr, i) => {
    const refs = (own.get(i) ?? 0) + synced(i);
    const ha = lower.mc.get(addr);
    if (refs === 0) expect(ha, `${addr} left on ${lower.name}`).toBeUndefined();
    else expect(ha, `${addr} on ${lower.name}`).toMatchObject({ refcount: refs, synced: synced(i) });
  });
  expect(lower.underflows).toBe(0);
}

type VlanOp =
  | { readonly op: 'add' | 'del'; readonly v: number; readonly g: number }
  | { readonly op: 'open' | 'stop'; readonly v: number }
  | { readonly op: 'flag'; readonly v: number; readonly which: 'allmulti' | 'promisc'; readonly on: boolean };

function vlanProperty(faults: RelayFaultSet = new Set()) {
  const v = fc.nat({ max: 1 });
  const op: fc.Arbitrary<VlanOp> = fc.oneof(
    fc.record({ op: fc.constantFrom('add' as const, 'del' as const), v, g }),
    fc.record({ op: fc.constantFrom('open' as const, 'stop' as const), v }),
    fc.tuple(v, flag).map(([n, f]) => ({ ...f, v: n })),
  );
  return fc.property(fc.array(op, { maxLength: 40, size: 'medium' }), (ops) => {
    const real = new StackedDevice('eth0');
    const vlans = [new Vlan('eth0.5', real, faults), new Vlan('eth0.6', real, faults)];
    const model = vlans.map(() => ({ up: false, users: new Map<number, number>(), allmulti: false, promisc: false }));
    for (const o of ops) {
      const m = model[o.v]!;
      const dev = vlans[o.v]!;
      if (o.op === 'add') {
        expect(dev.mcAdd(G[o.g]!)).toBeNull();
        bump(m.users, o.g, 1);
      } else if (o.op === 'del') {
        expect(dev.mcDel(G[o.g]!)).toBe(m.users.has(o.g) ? null : 'ENOENT');
        if (m.users.has(o.g)) bump(m.users, o.g, -1);
      } else if (o.op === 'open' || o.op === 'stop') {
        dev[o.op]();
        m.up = o.op === 'open';
      } else if (o.op === 'flag') {
        dev.setUserFlag(o.which, o.on);
        m[o.which] = o.on;
      }
      expectLower(real, new Map(), (i) => model.filter((x) => x.up && x.users.has(i)).length);
      // Since 6.15 the counts follow the flags, up or down.
      expect(real.flags.allmulti).toBe(model.filter((x) => x.allmulti).length);
      expect(real.flags.promiscuity).toBe(model.filter((x) => x.promisc).length);
    }
  });
}

type BondOp =
  | { readonly op: 'add' | 'del'; readonly g: number }
  | { readonly op: 'open' | 'stop' }
  | { readonly op: 'enslave' | 'release' | 'failover'; readonly s: number }
  | { readonly op: 'flag'; readonly which: 'allmulti' | 'promisc'; readonly on: boolean }
  | { readonly op: 'own-add' | 'own-del'; readonly s: number; readonly g: number };

const SLAVES = 3;

function bondProperty(mode: BondMode, faults: RelayFaultSet = new Set()) {
  const s = fc.nat({ max: SLAVES - 1 });
  const op: fc.Arbitrary<BondOp> = fc.oneof(
    fc.record({ op: fc.constantFrom('add' as const, 'del' as const), g }),
    fc.record({ op: fc.constantFrom('open' as const, 'stop' as const) }),
    fc.record({ op: fc.constantFrom('enslave' as const, 'release' as const, 'failover' as const), s }),
    flag,
    fc.record({ op: fc.constantFrom('own-add' as const, 'own-del' as const), s, g }),
  );
  return fc.property(fc.array(op, { maxLength: 40, size: 'medium' }), (ops) => {
    const slaves = Array.from({ length: SLAVES }, (_, i) => new StackedDevice(`eth${i}`));
    const bond: BondT = new Bond('bond0', mode, faults);
    const m = { up: false, users: new Map<number, number>(), allmulti: false, promisc: false, enslaved: [] as number[], active: null as number | null };
    const own = slaves.map(() => new Map<number, number>());
    const usesPrimary = mode === 'active-backup';
    const carries = (i: number): boolean => (usesPrimary ? m.active === i : m.enslaved.includes(i));
    for (const o of ops) {
      switch (o.op) {
        case 'add':
          expect(bond.mcAdd(G[o.g]!)).toBeNull();
          bump(m.users, o.g, 1);
          break;
        case 'del':
          expect(bond.mcDel(G[o.g]!)).toBe(m.users.has(o.g) ? null : 'ENOENT');
          if (m.users.has(o.g)) bump(m.users, o.g, -1);
          break;
        case 'open':
        case 'stop':
          bond[o.op]();
          m.up = o.op === 'open';
          break;
        case 'enslave':
          expect(bond.enslave(slaves[o.s]!)).toBe(m.enslaved.includes(o.s) ? 'EBUSY' : null);
          if (!m.enslaved.includes(o.s)) {
            m.enslaved.push(o.s);
            if (usesPrimary && m.active === null) m.active = o.s;
          }
          break;
        case 'release':
          expect(bond.release(slaves[o.s]!)).toBe(m.enslaved.includes(o.s) ? null : 'EINVAL');
          m.enslaved = m.enslaved.filter((x) => x !== o.s);
          if (m.active === o.s) m.active = m.enslaved[0] ?? null;
          break;
        case 'failover':
          expect(bond.failover(slaves[o.s]!)).toBe(usesPrimary && m.enslaved.includes(o.s) ? null : 'EINVAL');
          if (usesPrimary && m.enslaved.includes(o.s)) m.active = o.s;
          break;
        case 'flag':
          bond.setUserFlag(o.which, o.on);
          m[o.which] = o.on;
          break;
        case 'own-add':
          expect(slaves[o.s]!.mc.add(G[o.g]!)).toBeNull();
          bump(own[o.s]!, o.g, 1);
          break;
        case 'own-del':
          if (!own[o.s]!.has(o.g)) break;
          expect(slaves[o.s]!.mc.del(G[o.g]!)).toBeNull();
          bump(own[o.s]!, o.g, -1);
          break;
      }
      slaves.forEach((slave, i) => {
        // A slave covers the bond's list while the bond is up and the slave carries it.
        expectLower(slave, own[i]!, (k) => (m.up && carries(i) && m.users.has(k) ? 1 : 0));
        // Flag counts follow the bond's flags on the carrying slaves, up or down (bond_change_rx_flags).
        expect(slave.flags.allmulti, `${slave.name} allmulti`).toBe(carries(i) && m.allmulti ? 1 : 0);
        expect(slave.flags.promiscuity, `${slave.name} promiscuity`).toBe(carries(i) && m.promisc ? 1 : 0);
        const lacp = mode === '802.3ad' && m.up && m.enslaved.includes(i);
        expect(slave.mc.get(LACPDU_MCAST_ADDR)?.refcount ?? 0, `${slave.name} LACPDU`).toBe(lacp ? 1 : 0);
      });
      expect(bond.dev.mc.addrs().sort()).toEqual([...m.users.keys()].map((i) => G[i]!).sort());
    }
  });
}

describe('stacked devices: VLAN (net/8021q/vlan_dev.c)', () => {
  it('the real device covers the up VLANs; flag counts follow the flags whether up or not; no underflow', () => {
    fc.assert(vlanProperty(), { numRuns: 400 });
  });

  it('catches unsync-removes-used', () => {
    expect(fc.check(vlanProperty(new Set([UNSYNC_REMOVES_USED])), { numRuns: 1000, seed: 3 }).failed).toBe(true);
  });

  it('a down VLAN with ALLMULTI on holds the count on the real device (6.15+), and syncs nothing', () => {
    const real = new StackedDevice('eth0');
    const vlan = new Vlan('eth0.5', real);
    vlan.mcAdd(G[0]!);
    vlan.setUserFlag('allmulti', true);
    expect(real.flags.allmulti).toBe(1);
    expect(real.mc.addrs()).toEqual([]);
    vlan.open();
    expect(real.mc.get(G[0]!)).toMatchObject({ refcount: 1, synced: 1 });
    expect(real.flags.allmulti).toBe(1);
    vlan.stop();
    expect(real.mc.addrs()).toEqual([]);
    expect(real.flags.allmulti).toBe(1);
  });
});

describe('stacked devices: bond (drivers/net/bonding/bond_main.c)', () => {
  for (const mode of ['active-backup', 'balance-rr', '802.3ad'] as const) {
    it(`${mode}: each carrying slave covers the up bond's list; release, failover and close unsync exactly the bond's addresses`, () => {
      fc.assert(bondProperty(mode), { numRuns: 120 });
    });
    it(`${mode}: catches unsync-removes-used`, () => {
      expect(fc.check(bondProperty(mode, new Set([UNSYNC_REMOVES_USED])), { numRuns: 2000, seed: 5 }).failed).toBe(true);
    });
  }

  it('active-backup failover moves the list and the ALLMULTI count from the old active slave to the new one', () => {
    const [a, b] = [new StackedDevice('eth0'), new StackedDevice('eth1')];
    const bond = new Bond('bond0', 'active-backup');
    bond.enslave(a);
    bond.enslave(b);
    bond.open();
    bond.mcAdd(G[0]!);
    bond.setUserFlag('allmulti', true);
    expect([a.mc.addrs(), b.mc.addrs(), a.flags.allmulti, b.flags.allmulti]).toEqual([[G[0]], [], 1, 0]);
    bond.failover(b);
    expect([a.mc.addrs(), b.mc.addrs(), a.flags.allmulti, b.flags.allmulti]).toEqual([[], [G[0]], 0, 1]);
  });

  it('balance-rr syncs every slave with dev_mc_sync_multiple: the bond entry counts one sync per slave', () => {
    const [a, b] = [new StackedDevice('eth0'), new StackedDevice('eth1')];
    const bond = new Bond('bond0', 'balance-rr');
    bond.enslave(a);
    bond.enslave(b);
    bond.open();
    bond.mcAdd(G[1]!);
    expect(bond.dev.mc.get(G[1]!)).toMatchObject({ refcount: 3, syncCnt: 2 });
    bond.release(a);
    expect(a.mc.addrs()).toEqual([]);
    expect(bond.dev.mc.get(G[1]!)).toMatchObject({ refcount: 2, syncCnt: 1 });
  });
});
