// Properties of every catalog profile (fast-check, modest runs): no loss; the all-multicast switch
// exactly at the driver's threshold and back; refusal keeps the old table; order and history
// independence where the hardware has them. Thresholds are literals from the driver sources.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Errno } from '../../../src/errors.ts';
import { NO_FAULTS } from '../../../src/faults.ts';
import type { NicFilter, NicProfile, RxMode } from '../../../src/nic/filter.ts';
import { CATALOG_FAMILIES } from '../../../src/nic/catalog/index.ts';
import { resolveProfile } from '../../../src/profiles/registry.ts';
import { BROADCAST_MAC, type Mac, macFromBytes } from '../../../src/wire/mac.ts';
import { OWN, groupMacs, mac } from './helpers.ts';

interface Expectation {
  readonly name: string;
  /** n > allMultiAbove groups -> all multicast (driver's count fallback); -1: always. */
  readonly allMultiAbove?: number;
  /** n > refuseAbove groups -> the list is refused with `errno`, the old one stays. */
  readonly refuseAbove?: number;
  readonly errno?: Errno;
  /** Groups up to which the accepted set does not depend on list order. */
  readonly orderFreeUpTo: number;
  /** List sizes the random properties draw from. */
  readonly maxGroups: number;
  /** No receive filter at all: every frame, unicast ones included. */
  readonly everything?: true;
  /** Groups the "never all multicast by count" test programs (default 4096; a 64-bucket hash without limit fills up sooner). */
  readonly countProbe?: number;
}

const EXPECTATIONS: readonly Expectation[] = [
  { name: 'rtl8139', allMultiAbove: 32, orderFreeUpTo: Infinity, maxGroups: 40 }, // 8139too.c multicast_filter_limit
  { name: 'r8169', allMultiAbove: 32, orderFreeUpTo: Infinity, maxGroups: 40 }, // r8169_main.c MC_FILTER_LIMIT
  { name: 'r8169-ver35', allMultiAbove: -1, orderFreeUpTo: Infinity, maxGroups: 8 },
  { name: 'tulip', allMultiAbove: 1000, orderFreeUpTo: Infinity, maxGroups: 40 }, // tulip_core.c "> 1000"
  { name: 'tulip-hash-only', allMultiAbove: 64, orderFreeUpTo: Infinity, maxGroups: 70 }, // "> 64"
  { name: 'tulip-comet', allMultiAbove: 64, orderFreeUpTo: Infinity, maxGroups: 70 },
  { name: 'pcnet32', orderFreeUpTo: Infinity, maxGroups: 70, countProbe: 20 }, // pcnet32_load_multicast: no count limit
  // e1000: the first 14 groups take RAR1..14 (E1000_RAR_ENTRIES 15), which ones depends on order.
  { name: 'e1000:0', orderFreeUpTo: 14, maxGroups: 40 },
  { name: 'e1000:1', orderFreeUpTo: 14, maxGroups: 40 },
  { name: 'e1000:2', orderFreeUpTo: 14, maxGroups: 40 },
  { name: 'e1000:3', orderFreeUpTo: 14, maxGroups: 40 },
  { name: 'ixgbe', orderFreeUpTo: Infinity, maxGroups: 40 },
  { name: 'e1000e', orderFreeUpTo: Infinity, maxGroups: 40 }, // every group in the MTA, none in RARs
  { name: 'e100', allMultiAbove: 64, orderFreeUpTo: Infinity, maxGroups: 70 }, // E100_MAX_MULTICAST_ADDRS
  { name: 'vmxnet3', allMultiAbove: 10922, orderFreeUpTo: Infinity, maxGroups: 40 }, // vmxnet3_copy_mc: sz <= 0xffff
  { name: 'virtio-qemu', allMultiAbove: 64, orderFreeUpTo: Infinity, maxGroups: 70 }, // MAC_TABLE_ENTRIES
  { name: 'mlx5-dpdk', refuseAbove: 127, errno: 'ENOSPC', orderFreeUpTo: Infinity, maxGroups: 130 }, // ">= 128"
  { name: 'dpdk-vf:16', refuseAbove: 16, errno: 'ENOSPC', orderFreeUpTo: Infinity, maxGroups: 20 },
  // The 65th is refused by iavf itself (IAVF_NUM_MACADDR_MAX 64) before the PF sees it.
  { name: 'dpdk-vf:64', refuseAbove: 64, errno: 'EINVAL', orderFreeUpTo: Infinity, maxGroups: 70 },
  // src/nic/catalog/dpdk-pmds.ts (issue 24), each from its PMD's source.
  { name: 'hns3-dpdk', refuseAbove: 128, errno: 'EINVAL', orderFreeUpTo: Infinity, maxGroups: 135 }, // hns3_set_mc_addr_chk_param "> HNS3_MC_MACADDR_NUM"
  { name: 'enic-dpdk', refuseAbove: 32, errno: 'ENOSPC', orderFreeUpTo: Infinity, maxGroups: 40 }, // enicpmd_set_mc_addr_list "> ENIC_MULTICAST_PERFECT_FILTERS"
  // No set_mc_addr_list op: rte_ethdev.c answers -ENOTSUP (95, EOPNOTSUPP on Linux) to every list but the empty one.
  { name: 'virtio-dpdk', refuseAbove: 0, errno: 'EOPNOTSUPP', orderFreeUpTo: Infinity, maxGroups: 8 },
  { name: 'i40e-dpdk', refuseAbove: 0, errno: 'EOPNOTSUPP', orderFreeUpTo: Infinity, maxGroups: 8 },
  // Without VIRTIO_NET_F_CTRL_RX the device stays promiscuous (QEMU's reset state).
  { name: 'virtio-dpdk-noctrl', allMultiAbove: -1, everything: true, orderFreeUpTo: Infinity, maxGroups: 8 },
  // rte_eth_tap.c tap_set_mc_addr_list: a no-op, "every packet is received".
  { name: 'tap-pmd', allMultiAbove: -1, everything: true, orderFreeUpTo: Infinity, maxGroups: 8 },
];

const RUNS = 40;

/** Deterministic probe MACs: 1500 multicast MACs from a 32-bit LCG, the classics, unicast ones. */
const PROBES: Mac[] = (() => {
  const out: Mac[] = [];
  let x = 0x2545f491;
  const next = () => (x = (Math.imul(x, 1664525) + 1013904223) >>> 0);
  for (let i = 0; i < 1500; i++) {
    const a = next();
    const b = next();
    const kind = i % 3;
    const bytes =
      kind === 0
        ? [0x01, 0x00, 0x5e, (a >>> 8) & 0x7f, a & 0xff, b & 0xff]
        : kind === 1
          ? [0x33, 0x33, a >>> 24, (a >>> 16) & 0xff, a & 0xff, b & 0xff]
          : [((a >>> 24) | 1) & 0xff, (a >>> 16) & 0xff, (a >>> 8) & 0xff, a & 0xff, b >>> 24, b & 0xff];
    out.push(macFromBytes(bytes));
  }
  return out;
})();
const MULTICAST_PROBES = PROBES.filter((m) => m !== BROADCAST_MAC);
const UNICAST_PROBES = ['02:00:00:00:00:01', '00:1b:21:00:00:02', '52:54:00:12:34:57'].map(mac);
const ALL_PROBES = [...PROBES, ...UNICAST_PROBES, OWN, BROADCAST_MAC];

const macArb: fc.Arbitrary<Mac> = fc.oneof(
  fc.integer({ min: 0, max: 0x7fffff }).map((v) => macFromBytes([0x01, 0x00, 0x5e, v >> 16, (v >> 8) & 0xff, v & 0xff])),
  fc.integer({ min: 0, max: 0xffffffff }).map((v) => macFromBytes([0x33, 0x33, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff])),
  fc.tuple(fc.integer({ min: 0, max: 127 }), fc.integer({ min: 0, max: 0xffffffff })).map(([a, v]) => macFromBytes([(a << 1) | 1, v >>> 24, (v >>> 16) & 0xff, (v >>> 8) & 0xff, v & 0xff, 0x42])),
).filter((m) => m !== BROADCAST_MAC);

const listArb = (max: number, min = 0) => fc.uniqueArray(macArb, { minLength: min, maxLength: max });
const flagsArb = fc.record({ promisc: fc.boolean(), allmulti: fc.boolean() });
const rxArb = (max: number): fc.Arbitrary<RxMode> => fc.tuple(listArb(max), flagsArb).map(([mc, f]) => ({ ...f, mc }));

function fresh(name: string): NicFilter {
  return resolveProfile(name).create(OWN, NO_FAULTS);
}
function acceptSet(f: NicFilter, extra: readonly Mac[] = []): boolean[] {
  return [...ALL_PROBES, ...extra].map((m) => f.accept(m));
}
function allMulticast(f: NicFilter): boolean {
  return MULTICAST_PROBES.every((m) => f.accept(m));
}
function refused(e: Expectation, n: number): boolean {
  return e.refuseAbove !== undefined && n > e.refuseAbove;
}

it('every catalog family (src/nic/catalog/, collected) has its expectations written out here', () => {
  const bases = new Set(EXPECTATIONS.map((e) => e.name.split(':')[0]));
  expect(CATALOG_FAMILIES.map((f) => f.base).filter((b) => !bases.has(b))).toEqual([]);
});

describe.each(EXPECTATIONS)('$name', (e) => {
  const profile: NicProfile = resolveProfile(e.name);

  it('resolves to itself', () => {
    expect(profile.name).toBe(e.name);
  });

  it('no loss: own MAC, broadcast, every programmed group; PROMISC every frame, ALLMULTI every multicast', () => {
    fc.assert(
      fc.property(rxArb(e.maxGroups), (rx) => {
        const f = fresh(e.name);
        const r = f.program(rx);
        expect(r.ok).toBe(!refused(e, rx.mc.length));
        expect(f.accept(OWN)).toBe(true);
        expect(f.accept(BROADCAST_MAC)).toBe(true);
        if (r.ok) for (const g of rx.mc) expect(f.accept(g)).toBe(true);
        if (rx.promisc) expect(ALL_PROBES.every((m) => f.accept(m))).toBe(true);
        if (rx.allmulti) expect(allMulticast(f)).toBe(true);
      }),
      { numRuns: RUNS },
    );
  });

  it(e.everything ? 'no filter: every unicast MAC too' : 'no unicast leak: other unicast MACs only under PROMISC', () => {
    const f = fresh(e.name);
    f.program({ promisc: false, allmulti: true, mc: groupMacs(3) });
    expect(UNICAST_PROBES.some((m) => f.accept(m))).toBe(e.everything === true);
  });

  if (e.allMultiAbove !== undefined) {
    const n = e.allMultiAbove;
    if (n < 0) {
      it('always all multicast (no hardware multicast filter)', () => {
        const f = fresh(e.name);
        f.program({ promisc: false, allmulti: false, mc: [] });
        expect(allMulticast(f)).toBe(true);
      });
    } else {
      it(`switches to all multicast exactly above ${n} groups, and back`, () => {
        fc.assert(
          fc.property(fc.uniqueArray(macArb, { minLength: n + 1, maxLength: n + 1 }), (list) => {
            const f = fresh(e.name);
            f.program({ promisc: false, allmulti: false, mc: list.slice(0, n) });
            expect(allMulticast(f)).toBe(false);
            f.program({ promisc: false, allmulti: false, mc: list });
            expect(allMulticast(f)).toBe(true);
            f.program({ promisc: false, allmulti: false, mc: list.slice(1) });
            expect(allMulticast(f)).toBe(false);
          }),
          { numRuns: n > 100 ? 5 : 25 },
        );
      });
    }
  } else if (e.refuseAbove === undefined) {
    it(`never all multicast by count (${e.countProbe ?? 4096} groups), only by ALLMULTI`, () => {
      const f = fresh(e.name);
      f.program({ promisc: false, allmulti: false, mc: groupMacs(e.countProbe ?? 4096) });
      expect(allMulticast(f)).toBe(false);
    });
  }

  if (e.refuseAbove !== undefined) {
    const n = e.refuseAbove;
    it(`takes ${n} groups, refuses ${n + 1} with ${e.errno} and keeps the previous table`, () => {
      fc.assert(
        fc.property(fc.uniqueArray(macArb, { minLength: n + 1, maxLength: n + 1 }), listArb(n), flagsArb, (big, old, flags) => {
          const f = fresh(e.name);
          expect(f.program({ promisc: false, allmulti: false, mc: big.slice(0, n) }).ok).toBe(true);
          expect(f.program({ promisc: false, allmulti: false, mc: old }).ok).toBe(true);
          expect(f.program({ ...flags, mc: big })).toEqual({ ok: false, error: e.errno });
          const expected = fresh(e.name);
          expected.program({ ...flags, mc: old });
          expect(acceptSet(f, big)).toEqual(acceptSet(expected, big));
          if (!flags.promisc && !flags.allmulti) expect(big.filter((g) => !old.includes(g)).some((g) => f.accept(g))).toBe(false);
        }),
        { numRuns: 20 },
      );
    });
  }

  it('order independence where the hardware has it', () => {
    fc.assert(
      fc.property(
        listArb(Math.min(e.maxGroups, e.orderFreeUpTo)).chain((l) => fc.tuple(fc.constant(l), fc.shuffledSubarray(l, { minLength: l.length, maxLength: l.length }))),
        flagsArb,
        ([list, shuffled], flags) => {
          const a = fresh(e.name);
          const b = fresh(e.name);
          a.program({ ...flags, mc: list });
          b.program({ ...flags, mc: shuffled });
          expect(acceptSet(a, list)).toEqual(acceptSet(b, list));
        },
      ),
      { numRuns: RUNS },
    );
  });

  it('history independence: any history then S accepts what a fresh device programmed with S accepts', () => {
    fc.assert(
      fc.property(fc.array(rxArb(e.maxGroups), { maxLength: 5 }), rxArb(e.maxGroups), (history, final) => {
        const f = fresh(e.name);
        let lastList: readonly Mac[] = [];
        for (const rx of [...history, final]) if (f.program(rx).ok) lastList = rx.mc;
        const expected = fresh(e.name);
        expected.program({ promisc: final.promisc, allmulti: final.allmulti, mc: lastList });
        expect(acceptSet(f, final.mc)).toEqual(acceptSet(expected, final.mc));
      }),
      { numRuns: RUNS },
    );
  });
});

describe('profile-specific edges', () => {
  it('e1000: 14 groups are exact (RAR1..14), the 15th is hashed and admits its MTA aliases', () => {
    // 01:00:5e:00:00:01 and 33:33:00:00:00:01 share bytes 4..5 (00 01), so every MTA vector.
    const fourteen = groupMacs(14, 0x100);
    const f = fresh('e1000:0');
    f.program({ promisc: false, allmulti: false, mc: [...fourteen] });
    f.program({ promisc: false, allmulti: false, mc: [mac('01:00:5e:00:00:01'), ...fourteen.slice(0, 13)] });
    expect(f.accept(mac('33:33:00:00:00:01'))).toBe(false);
    f.program({ promisc: false, allmulti: false, mc: [...fourteen, mac('01:00:5e:00:00:01')] });
    expect(f.accept(mac('33:33:00:00:00:01'))).toBe(true);
  });
  it('e1000: the list order decides which group is hashed (hardware is order-dependent past 14)', () => {
    const fourteen = groupMacs(14, 0x100);
    const a = fresh('e1000:0');
    const b = fresh('e1000:0');
    a.program({ promisc: false, allmulti: false, mc: [...fourteen, mac('01:00:5e:00:00:01')] });
    b.program({ promisc: false, allmulti: false, mc: [mac('01:00:5e:00:00:01'), ...fourteen] });
    expect(a.accept(mac('33:33:00:00:00:01'))).toBe(true);
    expect(b.accept(mac('33:33:00:00:00:01'))).toBe(false);
  });
  it('dpdk-vf:16 refuses 65 with EINVAL (iavf IAVF_NUM_MACADDR_MAX), 17 with ENOSPC (PF)', () => {
    const f = fresh('dpdk-vf:16');
    expect(f.program({ promisc: false, allmulti: false, mc: groupMacs(17) })).toEqual({ ok: false, error: 'ENOSPC' });
    expect(f.program({ promisc: false, allmulti: false, mc: groupMacs(65) })).toEqual({ ok: false, error: 'EINVAL' });
  });
  it('tulip: 14 groups in the perfect filter are exact, 15 go to the 512-bit hash', () => {
    const f = fresh('tulip');
    f.program({ promisc: false, allmulti: false, mc: groupMacs(14) });
    expect((f.state() as { setupFrame: { filtering: string; entries: string[] } }).setupFrame.entries).toHaveLength(16);
    expect(MULTICAST_PROBES.some((m) => f.accept(m))).toBe(false);
    f.program({ promisc: false, allmulti: false, mc: groupMacs(15) });
    expect((f.state() as { setupFrame: { filtering: string } }).setupFrame.filtering).toBe('hash');
    expect(MULTICAST_PROBES.some((m) => f.accept(m))).toBe(true);
  });
  it('virtio-qemu: promiscuous from reset until the first program (virtio_net_reset promisc = 1)', () => {
    const f = fresh('virtio-qemu');
    expect(f.accept(mac('02:00:00:00:00:09'))).toBe(true);
    expect(allMulticast(f)).toBe(true);
    f.program({ promisc: false, allmulti: false, mc: [] });
    expect(f.accept(mac('02:00:00:00:00:09'))).toBe(false);
    expect(MULTICAST_PROBES.some((m) => f.accept(m))).toBe(false);
  });
  it('virtio-qemu: 65 groups overflow the table: multi_overflow, no entry kept, all multicast', () => {
    const f = fresh('virtio-qemu');
    f.program({ promisc: false, allmulti: false, mc: groupMacs(65) });
    const t = (f.state() as { macTable: { multiOverflow: boolean; inUse: number } }).macTable;
    expect(t).toMatchObject({ multiOverflow: true, inUse: 0 });
  });
  it('e100: 64 groups are hashed (a non-joined group in a set bucket is admitted)', () => {
    // Not 64 consecutive addresses: those differ in 6 low bits, which the (linear) CRC spreads
    // over all 64 buckets.
    const joined = MULTICAST_PROBES.slice(0, 64);
    const f = fresh('e100');
    f.program({ promisc: false, allmulti: false, mc: joined });
    const admitted = MULTICAST_PROBES.filter((m) => f.accept(m) && !joined.includes(m));
    expect(admitted.length).toBeGreaterThan(0);
    expect(allMulticast(f)).toBe(false);
  });
});
