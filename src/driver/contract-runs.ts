// The runs the contract checker drives a driver with: random program sequences over a small
// pool of group MACs (collisions, overflow of small tables), and long lists at every length
// where a profile's behaviour changes (NicProfile.thresholds: t - 1, t, t + 1, 2t) and up to
// 1,001 groups, each one `program` request. Which thresholds: the named model's, else every
// built-in profile's, so a driver that names no model still meets every known edge.
import fc from 'fast-check';
import type { NicProfile } from '../nic/filter.ts';
import { builtinProfiles, resolveProfile } from '../profiles/registry.ts';
import { BROADCAST_MAC, type Mac, bitNeighbours, macFromBytes, parseMac } from '../wire/mac.ts';
import { type DriverRequest, type HelloAnswer, PROTOCOL_LONG_LISTS, PROTOCOL_UC, type ProgramRequest } from './protocol.ts';

/** A locally administered unicast station address (bit 1 of the first octet set, bit 0 clear). */
export const DEFAULT_OWN_MAC = parseMac('02:00:00:00:00:02');
/** Another station's unicast address: only PROMISC may accept it. */
export const OTHER_UNICAST_MAC = parseMac('02:00:00:00:00:03');

/** One program step of a generated run. */
export interface ProgramStep {
  readonly promisc: boolean;
  readonly allmulti: boolean;
  /** Indexes into the pool, distinct, in list order (ignored when `long` is set). */
  readonly mc: readonly number[];
  /** Send the same program twice (determinism). */
  readonly twice: boolean;
  /** A long list instead of pool picks: the first `long` addresses of longList(). */
  readonly long?: number;
  /** Secondary unicast addresses ahead of the groups: the first `uc` of unicastList(). */
  readonly uc?: number;
}

export interface ContractRun {
  /** The station MAC the run resets with (absent: DEFAULT_OWN_MAC). */
  readonly own?: Mac;
  /** Multicast MACs the lists draw from; also probed. */
  readonly pool: readonly Mac[];
  /** More multicast MACs that are probed but never listed. */
  readonly extraProbes: readonly Mac[];
  readonly steps: readonly ProgramStep[];
}

/** Limits of generated runs: lists up to 12 exceed a 4- or 8-entry exact table and tun's 8 slots. */
export const POOL_MAX = 12;
const STEPS_MAX = 6;
const EXTRA_PROBES_MAX = 3;
/** The longest list every run may program: past tulip's all-multicast limit of 1000 (tulip_core.c). */
export const LONGEST_LIST = 1001;
/** Unicast secondaries a run puts ahead of the groups on a table shared with unicast. */
const UC_MAX = 3;

/**
 * Candidate group MACs: IPv4-mapped (01:00:5e + 23 bits, net/ipv4/arp.c ip_eth_mc_map),
 * IPv6-mapped (33:33 + 32 bits, include/net/if_inet6.h ipv6_eth_mc_map) and other multicast
 * MACs. A fixed list shrinks in a few steps to the first entries and reads well in transcripts;
 * 48 addresses spread over a 64-bucket hash are enough to reach collisions and overflow.
 */
const CANDIDATE_MACS: readonly Mac[] = [
  ...Array.from({ length: 16 }, (_, i) => macFromBytes([0x01, 0x00, 0x5e, 0x00, 0x00, i + 1])),
  ...Array.from({ length: 16 }, (_, i) => macFromBytes([0x33, 0x33, 0x00, 0x00, 0x00, i + 1])),
  ...Array.from({ length: 8 }, (_, i) => macFromBytes([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xf0 + i])),
  ...Array.from({ length: 8 }, (_, i) => macFromBytes([0x01, 0x80, 0xc2, 0x00, 0x00, i])),
];

/**
 * Entry i of a long list: IPv4-mapped group MACs 01:00:5e:4x:xx:xx spread over the low bytes by
 * a multiplicative step, so that every hash (CRC buckets, e1000's 12-bit MTA vectors) sees
 * varied bits; distinct for i < 2^20 and never one of CANDIDATE_MACS.
 */
export function longListMac(i: number): Mac {
  const v = (Math.imul(i, 0x9e37) & 0xffff) | ((i >> 16) << 16);
  return macFromBytes([0x01, 0x00, 0x5e, 0x40 | ((v >> 16) & 0x0f), (v >> 8) & 0xff, v & 0xff]);
}

export function longList(n: number): Mac[] {
  return Array.from({ length: n }, (_, i) => longListMac(i));
}

/** Secondary unicast addresses 02:00:5e:00:01:0i: never a station MAC of STATION_MACS. */
export function unicastList(n: number): Mac[] {
  return Array.from({ length: n }, (_, i) => macFromBytes([0x02, 0x00, 0x5e, 0x00, 0x01, i + 1]));
}

const multicastMacArb: fc.Arbitrary<Mac> = fc.constantFrom(...CANDIDATE_MACS);

/**
 * Station MACs a run resets with, so a driver that ignores `reset`'s MAC is caught by the
 * station rule: the default first (what runs shrink to), QEMU's default NIC address
 * (52:54:00:12:34:56, QEMU net/net.c qemu_macaddr_default_if_unset) and a
 * globally administered one. None is OTHER_UNICAST_MAC.
 */
const STATION_MACS: readonly Mac[] = [DEFAULT_OWN_MAC, parseMac('52:54:00:12:34:56'), parseMac('00:1b:21:0a:0b:0c')];

/** The longest list a version-2 driver may be sent: 2t for any threshold t, up to this. */
export const LONGEST_LIST_V2 = 65536;

/** What the runs aim at: list lengths around thresholds, and whether unicast shares the table. */
export interface RunTargets {
  readonly thresholds: readonly number[];
  readonly sharesUnicast: boolean;
  /**
   * End to end, the host gives the driver dev->uc instead of promiscuity for an up macvlan
   * (IFF_UNICAST_FLT): only when its protocol carries `uc` and its model has the flag.
   */
  readonly unicastFilter?: boolean;
  /** The longest list the driver's protocol version takes (version 1: LONGEST_LIST). */
  readonly longest?: number;
}

/** The longest list a driver speaking `version` is sent (docs/driver-protocol.md, Versioning). */
export function longestListFor(version: number): number {
  return version >= PROTOCOL_LONG_LISTS ? LONGEST_LIST_V2 : LONGEST_LIST;
}

/**
 * Threshold lengths (t - 1, t, t + 1, 2t) this run cannot send: `check --driver` warns naming
 * them, rather than passing a threshold it never exercised.
 */
export function unreachedLengths(targets: RunTargets): number[] {
  const longest = targets.longest ?? LONGEST_LIST;
  return [...new Set(targets.thresholds.flatMap((t) => [t - 1, t, t + 1, 2 * t]))].filter((n) => n > longest).sort((a, b) => a - b);
}

/** The named model's thresholds, or every built-in profile's when the driver names none. */
export function runTargets(hello: HelloAnswer): RunTargets {
  const profiles: NicProfile[] = hello.model !== null ? [resolveProfile(hello.model)] : builtinProfiles();
  const thresholds = [...new Set(profiles.flatMap((p) => p.thresholds))].sort((a, b) => a - b);
  // `uc` only for drivers that speak the version that has it (src/driver/protocol.ts requestForVersion).
  const speaksUc = hello.protocol >= PROTOCOL_UC && hello.model !== null;
  return {
    thresholds,
    sharesUnicast: speaksUc && profiles.every((p) => p.sharesUnicast),
    unicastFilter: speaksUc && profiles.every((p) => p.unicastFilter === true),
    longest: longestListFor(hello.protocol),
  };
}

/** List lengths around each threshold t (t - 1, t, t + 1, 2t) and LONGEST_LIST, all > POOL_MAX and at most `longest`. */
export function longLengths(thresholds: readonly number[], longest: number = LONGEST_LIST): number[] {
  const lengths = thresholds.flatMap((t) => [t - 1, t, t + 1, 2 * t]);
  return [...new Set([...lengths, LONGEST_LIST])].filter((n) => n > POOL_MAX && n <= longest).sort((a, b) => a - b);
}

export function contractRunArb(targets: RunTargets = { thresholds: [], sharesUnicast: false }): fc.Arbitrary<ContractRun> {
  const lengths = longLengths(targets.thresholds, targets.longest);
  const ucArb = targets.sharesUnicast ? fc.nat(UC_MAX) : fc.constant(0);
  // Long programs are drawn apart from the short ones and slotted in among them, so that a
  // counterexample sheds them in one shrink step when they do not matter. A threshold's edges
  // count the unicast entries ahead of the groups: t - uc groups.
  const longStepsArb =
    lengths.length === 0
      ? fc.constant([])
      : fc.array(
          fc.record({ length: fc.constantFrom(...lengths), uc: ucArb, at: fc.nat(STEPS_MAX), promisc: fc.constant(false), allmulti: fc.boolean(), twice: fc.boolean() }),
          { maxLength: 2 },
        );
  return fc
    .record({
      pool: fc.uniqueArray(multicastMacArb, { minLength: 1, maxLength: POOL_MAX }),
      extraProbes: fc.uniqueArray(multicastMacArb, { maxLength: EXTRA_PROBES_MAX }),
      rawSteps: fc.array(
        fc.record({
          // PROMISC accepts everything and hides other faults: rarer, and shrinks to off.
          promisc: fc.oneof({ arbitrary: fc.constant(false), weight: 4 }, { arbitrary: fc.constant(true), weight: 1 }),
          allmulti: fc.boolean(),
          picks: fc.array(fc.integer({ min: 0, max: POOL_MAX - 1 }), { maxLength: POOL_MAX }),
          twice: fc.boolean(),
          uc: ucArb,
        }),
        { minLength: 1, maxLength: STEPS_MAX },
      ),
      longSteps: longStepsArb,
      own: fc.constantFrom(...STATION_MACS),
    })
    .map(({ own, pool, extraProbes, rawSteps, longSteps }) => {
      const steps: ProgramStep[] = rawSteps.map((s) => ({
        promisc: s.promisc,
        allmulti: s.allmulti,
        mc: [...new Set(s.picks.map((i) => i % pool.length))],
        twice: s.twice,
        ...(s.uc > 0 ? { uc: s.uc } : {}),
      }));
      for (const l of longSteps) {
        const step: ProgramStep = {
          promisc: l.promisc,
          allmulti: l.allmulti,
          mc: [],
          twice: l.twice,
          long: Math.max(POOL_MAX + 1, l.length - l.uc),
          ...(l.uc > 0 ? { uc: l.uc } : {}),
        };
        steps.splice(Math.min(l.at, steps.length), 0, step);
      }
      return { own, pool, extraProbes: extraProbes.filter((m) => !pool.includes(m)), steps };
    });
}

/**
 * What acceptance may depend on besides the flags: the set of addresses, or (declared "list",
 * or a named model, which then decides exactly, order included) the list in its order.
 */
export function effectiveOrder(hello: HelloAnswer): HelloAnswer['order'] {
  return hello.model !== null ? 'list' : hello.order;
}

/** The identity of a filter state the contract says acceptance may depend on. */
export function programKey(own: Mac, p: ProgramRequest, order: HelloAnswer['order']): string {
  const list = order === 'set' ? [...new Set(p.mc)].sort() : p.mc;
  const uc = order === 'set' ? [...new Set(p.uc ?? [])].sort() : (p.uc ?? []);
  return JSON.stringify([own, p.promisc, p.allmulti, list, uc]);
}

/** Listed entries of a long list probed after its program: both ends and 8 between. */
const SAMPLED_ENTRIES = 8;
/** Newest entries whose one-bit neighbours are probed (where a table starts hashing). */
const NEIGHBOUR_ENTRIES = 2;

/**
 * Probes a long list adds to the run's: its ends and a sample (no loss), the next entry it does
 * not hold (the edge of a table), the neighbours of its last entries (the hash), its unicast.
 */
function listProbes(p: ProgramRequest): Mac[] {
  const uc = p.uc ?? [];
  if (p.mc.length <= POOL_MAX) return [...uc];
  const n = p.mc.length;
  const sample = Array.from({ length: SAMPLED_ENTRIES }, (_, i) => p.mc[Math.floor(((i + 1) * n) / (SAMPLED_ENTRIES + 1))] as Mac);
  const ends = [...p.mc.slice(0, 2), ...p.mc.slice(-2)];
  const next = longListMac(n);
  const neighbours = p.mc.slice(-NEIGHBOUR_ENTRIES).flatMap(bitNeighbours);
  return [...new Set([...uc, ...ends, ...sample, next, ...neighbours])];
}

/**
 * The requests of one run: reset and probe; each program followed by probes (twice when asked);
 * then, for each distinct program (latest first), a fresh reset and the same flags with the list in a
 * different order ("set" drivers) or the same order ("list" drivers), probed again. The second
 * visit must answer like the first: that is the history-independence check.
 */
export function buildScript(run: ContractRun, order: HelloAnswer['order']): DriverRequest[] {
  const own = run.own ?? DEFAULT_OWN_MAC;
  const probes: Mac[] = [own, BROADCAST_MAC, OTHER_UNICAST_MAC, ...run.pool, ...run.extraProbes];
  const probe = (p?: ProgramRequest): DriverRequest[] =>
    [...new Set([...probes, ...(p ? listProbes(p) : [])])].map((dst) => ({ op: 'rx', dst }));
  const script: DriverRequest[] = [{ op: 'reset', mac: own }, ...probe()];
  const programs: ProgramRequest[] = [];
  for (const s of run.steps) {
    const mc = s.long !== undefined ? longList(s.long) : s.mc.map((i) => run.pool[i] as Mac);
    const p: ProgramRequest = { op: 'program', promisc: s.promisc, allmulti: s.allmulti, mc, ...(s.uc ? { uc: unicastList(s.uc) } : {}) };
    programs.push(p);
    script.push(p, ...probe(p));
    if (s.twice) script.push(p, ...probe(p));
  }
  const revisited = new Set<string>();
  // Latest first: a stale or sticky state is most likely right after the last program.
  for (const p of [...programs].reverse()) {
    const key = programKey(own, p, order);
    if (revisited.has(key)) continue;
    revisited.add(key);
    const again: ProgramRequest =
      order === 'set' ? { ...p, mc: [...p.mc].reverse(), ...(p.uc ? { uc: [...p.uc].reverse() } : {}) } : p;
    script.push({ op: 'reset', mac: own }, again, ...probe(p));
  }
  return script;
}
