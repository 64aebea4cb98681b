// The generators: every scenario they make passes schema and static validation, and the pools
// reach the cases they exist for (aliasing, table overflow, 20+ memberships, >10 sources).
import fc from 'fast-check';
import { fillMacs } from '../../src/scenario/fill.ts';
import { describe, expect, it } from 'vitest';
import {
  CLASSIC_MACS,
  IPV4_ALIASES_OF_01_01_01,
  IPV4_ALIASES_OF_ALL_HOSTS,
  IPV4_ALIASES_OF_SSDP,
  IPV4_TABLE_FILLERS,
  IPV6_STATIC_GROUPS,
  StepContext,
  scenarioArbitrary,
  stepArbitrary,
  stepsFromIntents,
  intentArbitrary,
  interfacesArbitrary,
} from '../../src/check/arbitraries.ts';
import { Oracle } from '../../src/oracle/index.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { Scenario, Step } from '../../src/scenario/types.ts';
import { parseIp, parsePrefix } from '../../src/wire/ip.ts';

const SAMPLE_SEED = 42;

/** Low 23 bits of a dotted quad, computed by hand from the octets (RFC 1112 6.4). */
function low23(dotted: string): number {
  const [, b, c, d] = dotted.split('.').map(Number) as [number, number, number, number];
  return ((b & 0x7f) << 16) | (c << 8) | d;
}

describe('pools', () => {
  it('IPv4 alias groups share the low 23 bits their names promise', () => {
    // 224.1.1.1: 0x01 0x01 0x01 -> 0x010101; 239.129.1.1: 129 = 0x81, & 0x7f = 0x01 -> 0x010101.
    for (const g of IPV4_ALIASES_OF_01_01_01) expect(low23(g)).toBe(0x010101);
    // 224.128.0.1: 128 & 0x7f = 0 -> 0x000001, like 224.0.0.1 and 239.0.0.1.
    for (const g of IPV4_ALIASES_OF_ALL_HOSTS) expect(low23(g)).toBe(0x000001);
    // 239.255.255.250: 255 & 0x7f = 0x7f -> 0x7ffffa = 01:00:5e:7f:ff:fa; 224.127.255.250 the same.
    for (const g of IPV4_ALIASES_OF_SSDP) expect(low23(g)).toBe(0x7ffffa);
    // Fillers 239.2.0.1..6: 0x020001..0x020006, six distinct MACs.
    expect(new Set(IPV4_TABLE_FILLERS.map(low23)).size).toBe(6);
  });

  it('IPv6 pool has groups sharing the low 32 bits 0x00010003 and a scope-1 group', () => {
    const low32 = (g: string) => parseIp(g).value & 0xffffffffn;
    const shared = IPV6_STATIC_GROUPS.filter((g) => low32(g) === 0x00010003n);
    expect(shared).toEqual(expect.arrayContaining(['ff05::1:3', 'ff02::1:3', 'ff0e::1:3']));
    expect(IPV6_STATIC_GROUPS).toContain('ff01::1');
  });

  it('classic MACs are the documented aliasing cases', () => {
    expect([...CLASSIC_MACS]).toEqual(['01:00:5e:00:00:01', '01:00:5e:7f:ff:fa', '33:33:00:00:00:01', '33:33:ff:00:00:01']);
  });
});

function validates(s: Scenario): void {
  parseScenario(JSON.stringify(s), 'generated');
}

describe('scenarioArbitrary', () => {
  it('every generated scenario passes schema and static validation', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ maxSteps: 40 }), (s) => {
        validates(s);
      }),
      { numRuns: 200, seed: SAMPLE_SEED },
    );
  });

  it('with a profile, every interface names it; ipv6: false makes no IPv6 addresses, sockets or datagrams', () => {
    fc.assert(
      fc.property(scenarioArbitrary({ profile: 'ldd3-ff:4', ipv6: false, interfaces: 2 }), (s) => {
        validates(s);
        expect(s.interfaces).toHaveLength(2);
        for (const i of s.interfaces) {
          expect(i.nic).toBe('ldd3-ff:4');
          expect(i.ipv6 ?? []).toEqual([]);
        }
        for (const st of s.steps) {
          if (st.op === 'open') expect(st.family).toBe('ipv4');
          if (st.op === 'send') expect(parseIp(st.dst).family).toBe('ipv4');
        }
      }),
      { numRuns: 100, seed: SAMPLE_SEED },
    );
  });

  it('send sources are never the receiving interface\'s own address and event ids are unique', () => {
    fc.assert(
      fc.property(scenarioArbitrary({}), (s) => {
        const ids = s.steps.flatMap((st) => (st.op === 'send' || st.op === 'frame' ? [st.id] : []));
        expect(new Set(ids).size).toBe(ids.length);
        for (const st of s.steps) {
          if (st.op !== 'send') continue;
          const spec = s.interfaces.find((i) => i.name === st.iface);
          const own = [...(spec?.ipv4 ?? []), ...(spec?.ipv6 ?? [])].map((p) => parsePrefix(p).addr.text);
          expect(own).not.toContain(parseIp(st.src).text);
        }
      }),
      { numRuns: 100, seed: SAMPLE_SEED },
    );
  });

  it.each([
    ['virtio-qemu', 64],
    ['e100', 64],
    ['mlx5-dpdk', 127],
    ['dpdk-vf:64', 64],
  ])('%s: a good share of scenarios grows the device list past its threshold of %i and back', (profile, limit) => {
    const samples = fc.sample(scenarioArbitrary({ profile }), { numRuns: 200, seed: SAMPLE_SEED });
    // The largest and the final distinct-address count of ip maddr adds on one interface
    // (the automatic entries come on top, so "limit" adds are past the threshold).
    const sizes = samples.map((s) => {
      const live = new Map<string, Set<string>>();
      let most = 0;
      for (const st of s.steps) {
        if (st.op !== 'maddr' && st.op !== 'fill') continue;
        const set = live.get(st.iface) ?? new Set<string>();
        live.set(st.iface, set);
        // fill: first + i in the low 23 bits of 01:00:5e (src/scenario/types.ts FillStep), written out here.
        if (st.op === 'fill') for (let i = 0; i < st.count; i++) set.add(`01:00:5e:${(st.first + i).toString(16).padStart(6, '0').replace(/(..)(..)(..)/, '$1:$2:$3')}`);
        else if (st.add) set.add(st.mac);
        else set.delete(st.mac);
        most = Math.max(most, set.size);
      }
      return { most, end: Math.max(0, ...[...live.values()].map((x) => x.size)) };
    });
    expect(sizes.filter((x) => x.most >= limit).length / samples.length).toBeGreaterThan(0.1);
    expect(sizes.filter((x) => x.most >= limit && x.end < x.most).length / samples.length).toBeGreaterThan(0.05);
  });

  it('maxList: fills cross the thresholds below it and stop near it past the others (vmxnet3 10,922; tulip 14 and 1000)', () => {
    // A fill's growth: its count plus the single `maddr` adds right after it (a walk across the
    // threshold: a fill to 6 under threshold + 1, then 8 adds one at a time).
    const fills = (profile: string, maxList: number) =>
      fc.sample(scenarioArbitrary({ profile, interfaces: 1, maxList }), { numRuns: 300, seed: SAMPLE_SEED }).flatMap((s) =>
        s.steps.flatMap((st, i) => {
          if (st.op !== 'fill') return [];
          let adds = 0;
          for (let k = i + 1; k < s.steps.length; k++) {
            const next = s.steps[k]!;
            // The walk's adds continue the fill's MACs.
            if (next.op !== 'maddr' || !next.add || next.iface !== st.iface || next.mac !== fillMacs({ count: st.count + adds + 1, first: st.first }).at(-1)) break;
            adds++;
          }
          return [st.count + adds];
        }),
      );
    // vmxnet3's one threshold (10,922 groups) is past 1,001: every fill grows the list by about
    // 1,001 (src/check/step-context.ts: (threshold + 1) + 2 less 0-5, so 999-1,004; a walk 995 + 8), and there are fills.
    const v = fills('vmxnet3', 1001);
    expect(v.length).toBeGreaterThan(10);
    expect(Math.max(...v)).toBeLessThanOrEqual(1004);
    expect(Math.min(...v)).toBeGreaterThanOrEqual(999);
    // Some are walks: a fill of 996 and then one add at a time.
    const walks = fc
      .sample(scenarioArbitrary({ profile: 'tulip', interfaces: 1 }), { numRuns: 300, seed: SAMPLE_SEED })
      .filter((s) => s.steps.some((st, i) => st.op === 'fill' && st.count === 15 - 6 && s.steps.slice(i + 1, i + 9).every((n) => n.op === 'maddr' && n.add)));
    expect(walks.length).toBeGreaterThan(3);
    // tulip: 14 stays a threshold under 100, 1000 becomes 100.
    const t = fills('tulip', 100);
    expect(t.some((c) => c <= 17)).toBe(true);
    expect(t.some((c) => c >= 99)).toBe(true);
    expect(Math.max(...t)).toBeLessThanOrEqual(103);
    // Without maxList, vmxnet3's fills cross 10,922.
    expect(Math.min(...fc.sample(scenarioArbitrary({ profile: 'vmxnet3', interfaces: 1 }), { numRuns: 300, seed: SAMPLE_SEED }).flatMap((s) => s.steps.flatMap((st) => (st.op === 'fill' ? [st.count] : []))))).toBeGreaterThan(10_000);
  });

  it('reaches the interesting cases often enough', () => {
    const samples = fc.sample(scenarioArbitrary({}), { numRuns: 300, seed: SAMPLE_SEED });
    const share = (pred: (s: Scenario) => boolean) => samples.filter(pred).length / samples.length;
    const joins = (s: Scenario) => s.steps.filter((st): st is Extract<Step, { op: 'join' }> => st.op === 'join');
    // Aliasing: two different groups with one MAC joined on one interface.
    expect(share((s) => new Set(joins(s).map((j) => j.group).filter((g) => IPV4_ALIASES_OF_01_01_01.includes(g as never))).size >= 2)).toBeGreaterThan(0.02);
    // Overflow of a 4-entry table: 5 or more distinct groups joined.
    expect(share((s) => new Set(joins(s).map((j) => j.group)).size >= 5)).toBeGreaterThan(0.2);
    // igmp_max_memberships: more than 20 joins on one socket.
    expect(
      share((s) => {
        const per = new Map<string, number>();
        for (const j of joins(s)) per.set(j.socket, (per.get(j.socket) ?? 0) + 1);
        return Math.max(0, ...per.values()) > 20;
      }),
    ).toBeGreaterThan(0.05);
    // More sources than igmp_max_msf (10).
    expect(share((s) => joins(s).some((j) => (j.sources?.length ?? 0) > 10))).toBeGreaterThan(0.02);
    // Unicast joins (EINVAL), reopened ids, two interfaces, maddr, flags, frames.
    expect(share((s) => joins(s).some((j) => !['e', 'f'].includes(j.group.slice(0, 1)) && !/^2(2[4-9]|3\d)\./.test(j.group)))).toBeGreaterThan(0.02);
    expect(share((s) => s.interfaces.length === 2)).toBeGreaterThan(0.2);
    expect(share((s) => s.interfaces.some((i) => i.disableIpv6 === true))).toBeGreaterThan(0.02);
    for (const op of ['maddr', 'promisc', 'allmulti', 'frame', 'send', 'leave', 'close'] as const) {
      expect(share((s) => s.steps.some((st) => st.op === op))).toBeGreaterThan(0.1);
    }
    expect(
      share((s) => {
        const opened = s.steps.filter((st) => st.op === 'open').map((st) => (st as { socket: string }).socket);
        return new Set(opened).size < opened.length;
      }),
    ).toBeGreaterThan(0.01);
  });
});

describe('deliveries', () => {
  it('a good share of generated datagrams has receivers (by the oracle), so socket delivery is exercised', () => {
    const samples = fc.sample(scenarioArbitrary({}), { numRuns: 200, seed: SAMPLE_SEED });
    let sends = 0;
    let received = 0;
    for (const s of samples) {
      const oracle = new Oracle(s.interfaces);
      for (const st of s.steps) {
        const r = oracle.apply(st);
        if (st.op !== 'send') continue;
        sends++;
        if ((r.sockets ?? []).length > 0) received++;
      }
    }
    expect(sends).toBeGreaterThan(200);
    expect(received / sends).toBeGreaterThan(0.15);
  });
});

describe('stepArbitrary and the builder', () => {
  it('steps drawn one at a time from a growing context stay valid', () => {
    fc.assert(
      fc.property(interfacesArbitrary({}), fc.nat(), (ifs, seed) => {
        const ctx = new StepContext(ifs);
        const steps: Step[] = [];
        for (const step of fc.sample(stepArbitrary(ctx), { numRuns: 1, seed }).slice(0, 1)) {
          ctx.record(step);
          steps.push(step);
        }
        for (let i = 0; i < 15; i++) {
          const [next] = fc.sample(stepArbitrary(ctx), { numRuns: 1, seed: seed + i + 1 });
          ctx.record(next as Step);
          steps.push(next as Step);
        }
        validates({ schema: 'mcast-testbench/scenario@1', interfaces: ifs, steps });
      }),
      { numRuns: 50, seed: SAMPLE_SEED },
    );
  });

  it('a join before any open becomes an open, and a join on the socket has its family', () => {
    const ifs = [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], ipv6: ['2001:db8::2/64'] }];
    const p = [0, 0, 0, 0, 0, 0] as const;
    const steps = stepsFromIntents(ifs, [
      { kind: 'join', p, sources: [] },
      { kind: 'join', p, sources: [] },
    ]);
    // p[0] % 3 = 0 -> IPv4, no closed id -> s0, p[2] % 6 = 0 -> wildcard, PORTS[0] = 5000;
    // then join: socket s0, group pool[0] = 224.1.1.1 (p[2] % 16 = 0 < 12), iface eth0.
    expect(steps).toEqual([
      { op: 'open', socket: 's0', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
      { op: 'join', socket: 's0', group: '224.1.1.1', iface: 'eth0' },
    ]);
  });

  it('intents shrink towards simple scenarios', () => {
    const r = fc.check(
      fc.property(fc.array(intentArbitrary()), (intents) => intents.length < 3),
      { seed: SAMPLE_SEED },
    );
    expect(r.failed).toBe(true);
    expect((r.counterexample as [unknown[]])[0]).toHaveLength(3);
  });
});

describe('macvlans in generated scenarios', () => {
  it('about half the scenarios stack mv0 on eth0; some take it down and up, and steps reach it', () => {
    const samples = fc.sample(scenarioArbitrary({}), { seed: SAMPLE_SEED, numRuns: 200 });
    const stacked = samples.filter((s) => s.interfaces.some((i) => i.kind === 'macvlan'));
    expect(stacked.length).toBeGreaterThan(60);
    expect(stacked.length).toBeLessThan(140);
    for (const s of stacked) {
      const mv = s.interfaces.find((i) => i.kind === 'macvlan');
      expect(mv).toMatchObject({ name: 'mv0', lower: 'eth0' });
      expect(mv?.nic).toBeUndefined();
      expect(s.interfaces.at(-1)).toBe(mv);
    }
    const steps = stacked.flatMap((s) => s.steps);
    expect(steps.some((st) => st.op === 'link' && !st.up)).toBe(true);
    expect(steps.some((st) => st.op === 'link' && st.up)).toBe(true);
    for (const op of ['join', 'maddr', 'allmulti', 'promisc', 'send'] as const) {
      expect(steps.some((st) => st.op === op && st.iface === 'mv0')).toBe(true);
    }
    // Plain interfaces never go down.
    expect(samples.flatMap((s) => s.steps).every((st) => st.op !== 'link' || st.iface === 'mv0')).toBe(true);
    // With an exact interface count or macvlan: false, none.
    expect(fc.sample(scenarioArbitrary({ interfaces: 2 }), { seed: SAMPLE_SEED, numRuns: 50 }).every((s) => s.interfaces.length === 2)).toBe(true);
    expect(fc.sample(scenarioArbitrary({ macvlan: false }), { seed: SAMPLE_SEED, numRuns: 50 }).every((s) => s.interfaces.every((i) => i.kind === undefined))).toBe(true);
  });
});

describe('link-del, macvlans created down and macvlans without IPv6 in generated scenarios', () => {
  it('some scenarios delete an interface, never the last plain one, and later steps name it only in join and leave', () => {
    const samples = fc.sample(scenarioArbitrary({}), { seed: SAMPLE_SEED, numRuns: 300 });
    const withDel = samples.filter((s) => s.steps.some((st) => st.op === 'link-del'));
    expect(withDel.length).toBeGreaterThan(5);
    // Both kinds are deleted: the macvlan alone, and a plain interface (with its macvlan if it has one).
    const deleted = withDel.flatMap((s) => s.steps.flatMap((st) => (st.op === 'link-del' ? [st.iface] : [])));
    expect(deleted).toContain('mv0');
    expect(deleted.some((name) => name.startsWith('eth'))).toBe(true);
    for (const s of withDel) {
      parseScenario(JSON.stringify(s), 'generated.json');
      const gone = new Set<string>();
      for (const st of s.steps) {
        if ('iface' in st && st.iface !== undefined && gone.has(st.iface)) expect(['join', 'leave']).toContain(st.op);
        if (st.op === 'link-del') {
          gone.add(st.iface);
          for (const i of s.interfaces) if (i.lower === st.iface) gone.add(i.name);
        }
      }
      expect(s.interfaces.some((i) => i.kind === undefined && !gone.has(i.name))).toBe(true);
    }
  });

  it('linkDel: false (physical NICs: the guest) never deletes an interface; with it two interfaces do', () => {
    const count = (linkDel: boolean): number =>
      fc.sample(scenarioArbitrary({ interfaces: 2, linkDel }), { seed: SAMPLE_SEED, numRuns: 300 }).filter((s) => s.steps.some((st) => st.op === 'link-del')).length;
    expect(count(true)).toBeGreaterThan(5);
    expect(count(false)).toBe(0);
  });

  it('some macvlans are created down and some have IPv6 disabled; plain interfaces are never created down', () => {
    const samples = fc.sample(scenarioArbitrary({}), { seed: SAMPLE_SEED, numRuns: 300 });
    const macvlans = samples.flatMap((s) => s.interfaces.filter((i) => i.kind === 'macvlan'));
    expect(macvlans.filter((m) => m.up === false).length).toBeGreaterThan(5);
    expect(macvlans.filter((m) => m.disableIpv6 === true).length).toBeGreaterThan(3);
    expect(macvlans.filter((m) => m.disableIpv6 === true).every((m) => m.ipv6 === undefined)).toBe(true);
    expect(samples.flatMap((s) => s.interfaces).every((i) => i.kind === 'macvlan' || i.up === undefined)).toBe(true);
  });
});
