// checkScenario / checkStep: hand-worked scenarios where the expected violation (or none) is
// derived from the kernel rules, and stub hosts for the result-level violation kinds.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { BUCKET_PROBE_MACS, type CheckPair, checkScenario, checkStep, createPair } from '../../src/check/compare.ts';
import { macOctets } from '../../src/oracle/address.ts';
import { bucket64 } from '../../src/oracle/crc.ts';
import type { FaultName } from '../../src/faults.ts';
import { Oracle } from '../../src/oracle/index.ts';
import type { InterfaceSpec, Scenario, Step } from '../../src/scenario/types.ts';

const V4_ONLY: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], disableIpv6: true };

function scenario(interfaces: InterfaceSpec[], steps: Step[]): Scenario {
  return { schema: 'mcast-testbench/scenario@1', interfaces, steps };
}

const faults = (...names: FaultName[]) => new Set<FaultName>(names);

// 224.1.1.1 and 225.1.1.1 both map to 01:00:5e:01:01:01 (low 23 bits 0x010101).
const ALIAS_STEPS: Step[] = [
  { op: 'open', socket: 's0', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
  { op: 'join', socket: 's0', group: '224.1.1.1', iface: 'eth0' },
  { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
  { op: 'join', socket: 's1', group: '225.1.1.1', iface: 'eth0' },
  { op: 'leave', socket: 's0', group: '224.1.1.1', iface: 'eth0' },
  { op: 'send', id: 'm0', iface: 'eth0', src: '10.99.0.10', dst: '225.1.1.1', port: 5000 },
];

describe('checkScenario', () => {
  it('reports a dropped entry once when it is also a probed neighbour of the newest entry', () => {
    // ldd3-ff:4 with the overflow fault cuts an overflowing list to the first entries: the third
    // add, ...:05, is dropped, and it differs from ...:04 before it in bit 0, so it is probed as
    // an entry and as ...:04's neighbour. Each lost MAC is reported once.
    const macs = ['01:00:5e:7e:01:01', '01:00:5e:7e:00:04', '01:00:5e:7e:00:05'];
    const steps: Step[] = macs.map((mac) => ({ op: 'maddr', iface: 'eth0', mac, add: true }));
    const v = checkScenario(scenario([{ ...V4_ONLY, nic: 'ldd3-ff:4' }], steps), { faults: faults('no-allmulti-on-overflow') });
    const lost = v.filter((x) => x.kind === 'loss').map((x) => x.mac);
    expect(lost).toContain('01:00:5e:7e:00:05');
    expect(lost).toHaveLength(new Set(lost).size);
    expect(v.map((x) => x.stepIndex)).toEqual(v.map(() => 2));
  });

  it('finds nothing when the model is right (aliasing join/join/leave, then a datagram)', () => {
    expect(checkScenario(scenario([V4_ONLY], ALIAS_STEPS))).toEqual([]);
    expect(checkScenario(scenario([V4_ONLY], ALIAS_STEPS), { profile: 'ldd3-ff:4' })).toEqual([]);
  });

  it('shared-mac-removed: the leave at step 4 drops 01:00:5e:01:01:01 that 225.1.1.1 still holds', () => {
    const v = checkScenario(scenario([V4_ONLY], ALIAS_STEPS), { faults: faults('shared-mac-removed') });
    expect(v.length).toBeGreaterThan(0);
    expect(v[0]).toMatchObject({ stepIndex: 4, kind: 'device-list' });
    // The oracle still has one reference: the 225.1.1.1 group record (users 1).
    expect(v[0]?.message).toContain('oracle expects 01:00:5e:01:01:01 users 1');
    expect(v[0]?.message).toContain('"op":"leave"');
    expect(v.every((x) => x.stepIndex === 4)).toBe(true);
  });

  it('refcount-not-decremented: leaving 224.1.1.1 alone keeps its MAC in the model', () => {
    const steps = [ALIAS_STEPS[0], ALIAS_STEPS[1], ALIAS_STEPS[4]] as Step[];
    const v = checkScenario(scenario([V4_ONLY], steps), { faults: faults('refcount-not-decremented') });
    expect(v[0]).toMatchObject({ stepIndex: 2, kind: 'device-list' });
    expect(v[0]?.message).toContain('model has 01:00:5e:01:01:01 users 1 that the oracle does not');
  });

  it('ignore-promisc on ldd3-ff:4: after promisc on, a unicast frame for another station is lost', () => {
    const v = checkScenario(scenario([V4_ONLY], [{ op: 'promisc', iface: 'eth0', on: true }]), {
      profile: 'ldd3-ff:4',
      faults: faults('ignore-promisc'),
    });
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.stepIndex === 0 && x.kind === 'loss')).toBe(true);
    // 02:00:00:99:99:99 is a fixed probe: unicast, not ours, so only PROMISC admits it.
    expect(v.some((x) => x.message.includes('02:00:00:99:99:99') && x.message.includes('ldd3-ff:4'))).toBe(true);
  });

  it('sticky-allmulti on ldd3-ff:4: 2 automatic + 3 maddr entries overflow, back to 4 must stop all-multicast', () => {
    // Device list with disableIpv6 and no IPv4 address: 33:33:00:00:00:01 and 01:00:5e:00:00:01.
    const iface: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:02', disableIpv6: true };
    const steps: Step[] = [
      { op: 'maddr', iface: 'eth0', mac: '01:00:5e:02:00:01', add: true }, // 3 entries
      { op: 'maddr', iface: 'eth0', mac: '01:00:5e:02:00:02', add: true }, // 4 entries: exact
      { op: 'maddr', iface: 'eth0', mac: '01:00:5e:02:00:03', add: true }, // 5 > 4: all-multicast
      { op: 'maddr', iface: 'eth0', mac: '01:00:5e:02:00:03', add: false }, // 4 again: exact
    ];
    expect(checkScenario(scenario([iface], steps), { profile: 'ldd3-ff:4' })).toEqual([]);
    const v = checkScenario(scenario([iface], steps), { profile: 'ldd3-ff:4', faults: faults('sticky-allmulti') });
    expect(v.length).toBeGreaterThan(0);
    expect(v.every((x) => x.stepIndex === 3 && x.kind === 'leak')).toBe(true);
    expect(v.some((x) => x.message.includes('NIC accepts 01:00:5e:12:34:56'))).toBe(true);
  });

  it('no-solicited-node: the fresh interface already differs (step -1)', () => {
    // EUI-64 link-local of 02:00:00:00:00:02 is fe80::ff:fe00:2; low 24 bits 00:00:02 ->
    // ff02::1:ff00:2 -> 33:33:ff:00:00:02 (RFC 4291 2.7.1, RFC 2464 7).
    const iface: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:02' };
    const v = checkScenario(scenario([iface], []), { faults: faults('no-solicited-node') });
    expect(v[0]).toMatchObject({ stepIndex: -1, kind: 'device-list' });
    expect(v[0]?.message).toContain('33:33:ff:00:00:02');
    expect(v[0]?.message).toContain('after creating the interfaces');
  });
});

/** A host stub that answers like a correct host except for the overridden method. */
function stubPair(interfaces: InterfaceSpec[], override: Partial<CheckPair['host']>): CheckPair {
  const real = createPair(interfaces);
  const host = new Proxy(real.host, {
    get(target, key, receiver) {
      if (key in override) return (override as Record<string | symbol, unknown>)[key];
      const v = Reflect.get(target, key, receiver);
      return typeof v === 'function' ? v.bind(target) : v;
    },
  });
  return { ...real, host, oracle: new Oracle(interfaces) };
}

describe('checkStep result checks', () => {
  it("reports an errno mismatch as 'error' naming both results and the step", () => {
    const pair = stubPair([V4_ONLY], { apply: () => ({ error: 'EINVAL' }) });
    const step: Step = { op: 'open', socket: 's0', family: 'ipv4', bind: '0.0.0.0', port: 5000 };
    const v = checkStep(pair, step, 7);
    expect(v[0]).toMatchObject({ stepIndex: 7, kind: 'error' });
    expect(v[0]?.message).toContain('open gives EINVAL in the model but success in the oracle');
    expect(v[0]?.message).toContain('after step 7 {"op":"open"');
  });

  it("reports wrong receivers as 'sockets' and a dropped must-accept datagram as 'loss'", () => {
    const steps = ALIAS_STEPS.slice(0, 4);
    const send: Step = { op: 'send', id: 'm0', iface: 'eth0', src: '10.99.0.10', dst: '225.1.1.1', port: 5000 };
    // Both sockets bound to 0.0.0.0:5000 with IP_MULTICAST_ALL: s0 (member of 224.1.1.1, not of
    // 225.1.1.1) and s1 (member) both receive 225.1.1.1.
    const wrong = stubPair([V4_ONLY], {});
    for (const s of steps) expect(checkStep(wrong, s, 0)).toEqual([]);
    const realApply = wrong.host.apply.bind(wrong.host);
    const lying = { ...wrong, host: new Proxy(wrong.host, { get: (t, k) => (k === 'apply' ? (st: Step) => (st.op === 'send' ? { error: null, delivery: { nic: true, sockets: ['s1'] } } : realApply(st)) : Reflect.get(t, k)) }) } as CheckPair;
    const v = checkStep(lying, send, 4);
    expect(v).toHaveLength(1);
    expect(v[0]).toMatchObject({ stepIndex: 4, kind: 'sockets' });
    expect(v[0]?.message).toContain('delivered to [s1] but the oracle expects [s0, s1]');

    const dropping = stubPair([V4_ONLY], {});
    for (const s of steps) checkStep(dropping, s, 0);
    const dropApply = dropping.host.apply.bind(dropping.host);
    const dropper = { ...dropping, host: new Proxy(dropping.host, { get: (t, k) => (k === 'apply' ? (st: Step) => (st.op === 'send' ? { error: null, delivery: { nic: false, sockets: [] } } : dropApply(st)) : Reflect.get(t, k)) }) } as CheckPair;
    const d = checkStep(dropper, send, 4);
    // Dropped at the NIC, so no socket receives it: one violation, the loss.
    expect(d.map((x) => x.kind)).toEqual(['loss']);
    expect(d[0]?.message).toContain('NIC dropped the frame for 225.1.1.1');
    // The destination MAC and the interface, for the failure page's grouping and buckets.
    expect(d[0]).toMatchObject({ iface: 'eth0', mac: '01:00:5e:01:01:01' });
  });

  it("reports the same entries in another order as 'device-list' (tun/e1000 program by position)", () => {
    // docs/semantics.md "Interfaces": a disableIpv6 interface starts with 33:33:00:00:00:01
    // (ff02::1, at register) then 01:00:5e:00:00:01 (224.0.0.1, ip_mc_up), one user each.
    // The stub reports them swapped: same multiset, wrong order.
    const swapped = [
      { mac: '01:00:5e:00:00:01', users: 1 },
      { mac: '33:33:00:00:00:01', users: 1 },
    ];
    const pair = stubPair([V4_ONLY], { deviceList: () => swapped });
    const v = checkStep(pair, { op: 'allmulti', iface: 'eth0', on: false }, 3);
    const order = v.filter((x) => x.kind === 'device-list');
    expect(order).toHaveLength(1);
    expect(order[0]?.message).toContain('order differs');
    expect(order[0]?.message).toContain('oracle [33:33:00:00:00:01, 01:00:5e:00:00:01]');
  });

  it('asks the model filter again after a step that leaves the oracle as it was (its verdicts are kept, the model is not trusted)', () => {
    let broken = false;
    const base = stubPair([V4_ONLY], {});
    const realAccepts = base.host.nicAcceptsAll.bind(base.host);
    const host = new Proxy(base.host, {
      get: (t, k) => (k === 'nicAcceptsAll' ? (iface: string, macs: readonly string[], keys?: { hi: Int32Array; lo: Int32Array }) => (broken ? macs.map(() => false) : realAccepts(iface, macs as never, keys)) : Reflect.get(t, k)),
    });
    const pair = { ...base, host } as CheckPair;
    for (const [i, s] of ALIAS_STEPS.slice(0, 2).entries()) expect(checkStep(pair, s, i)).toEqual([]);
    const before = pair.oracle.verdictBasis('eth0');
    // The filter forgets everything behind the host's back; the next step fails on both sides
    // (s0 is not in 225.9.9.9: EADDRNOTAVAIL) and changes neither side's state.
    broken = true;
    const v = checkStep(pair, { op: 'leave', socket: 's0', group: '225.9.9.9', iface: 'eth0' }, 2);
    const after = pair.oracle.verdictBasis('eth0');
    expect(after.list).toBe(before.list);
    expect(after.acceptance).toBe(before.acceptance);
    const lost = v.filter((x) => x.kind === 'loss').map((x) => x.mac);
    expect(lost).toEqual(expect.arrayContaining(['02:00:00:00:00:02', 'ff:ff:ff:ff:ff:ff', '01:00:5e:01:01:01']));
    expect(v.every((x) => x.stepIndex === 2 && x.kind === 'loss')).toBe(true);
  });

  it("reports counter differences as 'counters'", () => {
    const pair = stubPair([V4_ONLY], { counters: () => ({ promisc: 1, allmulti: 0 }) });
    const v = checkStep(pair, { op: 'allmulti', iface: 'eth0', on: true }, 0);
    expect(v.find((x) => x.kind === 'counters')?.message).toContain('model promiscuity 1 allmulti 0, oracle promiscuity 0 allmulti 1');
  });
});

describe('hash-bucket probes', () => {
  it('one multicast MAC in each of the 64 buckets, by a CRC neither side wrote (zlib crc32: ether_crc = bitrev32(~crc32))', () => {
    const bitrev32 = (x: number): number => {
      let r = 0;
      for (let i = 0; i < 32; i++) r = (r << 1) | ((x >>> i) & 1);
      return r >>> 0;
    };
    const bucketOf = (mac: string): number => bitrev32(~crc32(Buffer.from(mac.split(':').map((h) => Number.parseInt(h, 16)))) >>> 0) >>> 26;
    expect(new Set(BUCKET_PROBE_MACS.map(bucketOf)).size).toBe(64);
  });

  it('the checker picks no probe with model code: compare.ts imports no CRC or MAC neighbour helper of src/wire', () => {
    // (properties.ts does import src/wire/crc.ts: there the CRC is the subject of a property.)
    const text = readFileSync(join(import.meta.dirname, '../../src/check/compare.ts'), 'utf8');
    expect(text).not.toMatch(/from '\.\.\/wire\/crc\.ts'/);
    expect(text).not.toMatch(/\bbitNeighbours\b/);
  });

  it('one multicast MAC in each of the 64 buckets (checked with the oracle\'s bitwise CRC, not the table CRC that built them)', () => {
    // 64 buckets of ether_crc >> 26 (drivers/net/tun.c addr_hash_set): 2^6 = 64.
    expect(BUCKET_PROBE_MACS).toHaveLength(64);
    const buckets = new Set(BUCKET_PROBE_MACS.map((m) => bucket64(macOctets(m, m))));
    expect(buckets.size).toBe(64);
    for (const m of BUCKET_PROBE_MACS) expect(m.startsWith('01:00:5e:')).toBe(true);
  });
});
