// fc.commands over every step kind: each command wraps one Step, runs it on the oracle (the
// model in fast-check's terms) and the Host (the real system), and checks the invariants of
// compare.ts after it. toString() is the step's scenario JSON, so a shrunk counterexample
// reads as a fixture.
import fc from 'fast-check';
import type { FaultSet } from '../faults.ts';
import type { InterfaceSpec, SocketFamily, Step } from '../scenario/types.ts';
import { parseIp } from '../wire/ip.ts';
import { eui64LinkLocal, solicitedNode } from '../wire/ipv6.ts';
import { BROADCAST_MAC, parseMac } from '../wire/mac.ts';
import {
  CLASSIC_MACS,
  IPV4_GROUP_POOL,
  IPV4_UNICAST,
  IPV6_STATIC_GROUPS,
  IPV6_TABLE_FILLERS,
  IPV6_UNICAST,
  MADDR_POOL,
  PORTS,
  UNBOUND_PORT,
  subnetSources,
} from './arbitraries.ts';
import { type CheckPair, type Violation, checkState, checkStep, createPair } from './compare.ts';
import { StepValidity } from './validity.ts';

/** fast-check's model: the oracle plus what static validation needs to know. */
export interface CheckModel {
  readonly pair: CheckPair;
  readonly validity: StepValidity;
  stepIndex: number;
}

/** fast-check's real system: the Host lives in the pair (shared with the model for the checks). */
export interface CheckReal {
  readonly pair: CheckPair;
}

/** Thrown by a command whose step broke an invariant; carries the violations. */
export class ViolationError extends Error {
  constructor(readonly violations: readonly Violation[]) {
    super(violations.map((v) => `[${v.kind}] ${v.message}`).join('\n'));
    this.name = 'ViolationError';
  }
}

/** One scenario step as a fast-check command. */
export class StepCommand implements fc.Command<CheckModel, CheckReal> {
  constructor(readonly step: Step) {}

  /** Rejects (never changes the model) a step that static validation would refuse here. */
  check(m: Readonly<CheckModel>): boolean {
    return m.validity.accepts(this.step);
  }

  /** Applies the step to oracle and Host, throws ViolationError when an invariant breaks. */
  run(m: CheckModel, r: CheckReal): void {
    const index = m.stepIndex++;
    m.validity.record(this.step);
    const v = checkStep(r.pair, this.step, index);
    if (v.length > 0) throw new ViolationError(v);
  }

  toString(): string {
    return JSON.stringify(this.step);
  }
}

/** 224.1.1.1/225.1.1.1 share 01:00:5e:01:01:01; 239.0.0.1 shares the kernel-held 224.0.0.1's MAC. */
const IPV4_HOT_GROUPS = ['224.1.1.1', '225.1.1.1', '239.0.0.1'] as const;
/** ff05::1:3 and ff02::1:3 share 33:33:00:01:00:03; ff02::1:ff00:1 is a common solicited-node MAC. */
const IPV6_HOT_GROUPS = ['ff05::1:3', 'ff02::1:3', 'ff02::1:ff00:1'] as const;

/** Socket ids carry their family so that few generated commands are rejected by check(). */
const SOCKETS: Readonly<Record<SocketFamily, readonly string[]>> = {
  ipv4: ['v4a', 'v4b', 'v4c'],
  ipv6: ['v6a', 'v6b'],
};

function ipv4Text(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

/** The step arbitraries for a fixed set of interfaces, one per step kind. */
export function stepCommandArbitraries(interfaces: readonly InterfaceSpec[], ipv6 = true): fc.Arbitrary<StepCommand>[] {
  const names = interfaces.map((i) => i.name);
  const iface = fc.constantFrom(...names);
  const families: SocketFamily[] = ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
  const solicited = interfaces.flatMap((i) =>
    i.disableIpv6
      ? []
      : [eui64LinkLocal(parseMac(i.mac)), ...(i.ipv6 ?? []).map((a) => parseIp(a.split('/')[0] as string))].map(
          (a) => solicitedNode(a).text,
        ),
  );
  const groups: Record<SocketFamily, fc.Arbitrary<string>> = {
    ipv4: fc.oneof(
      // Aliases of one MAC, often enough that join/join/leave sequences on them are common.
      { weight: 4, arbitrary: fc.constantFrom(...IPV4_HOT_GROUPS) },
      { weight: 5, arbitrary: fc.constantFrom(...IPV4_GROUP_POOL) },
      { weight: 1, arbitrary: fc.integer({ min: 0xe0000000, max: 0xefffffff }).map(ipv4Text) },
      { weight: 1, arbitrary: fc.constantFrom(...IPV4_UNICAST) },
    ),
    ipv6: fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom(...IPV6_HOT_GROUPS) },
      { weight: 6, arbitrary: fc.constantFrom(...IPV6_STATIC_GROUPS, ...solicited, ...IPV6_TABLE_FILLERS) },
      {
        // Every scope 0-15, reserved 0 and 15 included: each ~1.5% of IPv6 joins.
        weight: 3,
        arbitrary: fc
          .tuple(fc.nat(15), fc.nat(0xffff), fc.nat(0xffff))
          .map(([s, hi, lo]) => `ff0${s.toString(16)}::${hi.toString(16)}:${lo.toString(16)}`),
      },
      { weight: 1, arbitrary: fc.constantFrom(...IPV6_UNICAST) },
    ),
  };
  const sourcesOf = (family: SocketFamily, name: string): string[] =>
    subnetSources(interfaces[names.indexOf(name)] as InterfaceSpec, names.indexOf(name), family);
  const ownOf = (family: SocketFamily, name: string): string[] =>
    ((family === 'ipv4' ? interfaces[names.indexOf(name)]?.ipv4 : interfaces[names.indexOf(name)]?.ipv6) ?? []).map(
      (a) => a.split('/')[0] as string,
    );
  // Short lists, and runs around igmp_max_msf (10) and mld_max_msf (64); now and then one of
  // the interface's own addresses among them.
  const sourceList = (f: SocketFamily, name: string): fc.Arbitrary<string[]> => {
    const pool = sourcesOf(f, name);
    const lists = fc.oneof(
      { weight: 4, arbitrary: fc.array(fc.constantFrom(...pool), { minLength: 1, maxLength: 12 }) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 9, maxLength: 12 }) },
      { weight: 1, arbitrary: fc.uniqueArray(fc.constantFrom(...pool), { minLength: 62, maxLength: 66 }) },
    );
    const own = ownOf(f, name);
    return own.length === 0
      ? lists
      : fc.tuple(lists, fc.option(fc.constantFrom(...own), { freq: 7, nil: null })).map(([l, o]) => (o === null ? l : [o, ...l.slice(1)]));
  };
  const family = fc.constantFrom(...families);
  const socketOf = (f: SocketFamily) => fc.constantFrom(...SOCKETS[f]);

  const open = family.chain((f) =>
    fc
      .record({
        socket: socketOf(f),
        bind: fc.oneof(
          { weight: 4, arbitrary: fc.constant(f === 'ipv4' ? '0.0.0.0' : '::') },
          { weight: 1, arbitrary: groups[f].filter((g) => parseIp(g).family === f && isMulticast(g)) },
        ),
        port: fc.constantFrom(...PORTS),
      })
      .map((r): Step => ({ op: 'open', socket: r.socket, family: f, bind: r.bind, port: r.port })),
  );
  const join = fc.tuple(family, iface).chain(([f, name]) =>
    fc
      .record({
        socket: socketOf(f),
        group: groups[f],
        filter: fc.option(
          fc.record({
            mode: fc.constantFrom('include' as const, 'exclude' as const),
            sources: sourceList(f, name),
          }),
          { freq: 3, nil: null },
        ),
      })
      .map((r): Step =>
        r.filter === null
          ? { op: 'join', socket: r.socket, group: r.group, iface: name }
          : { op: 'join', socket: r.socket, group: r.group, iface: name, mode: r.filter.mode, sources: r.filter.sources },
      ),
  );
  const leave = family.chain((f) =>
    fc
      .record({ socket: socketOf(f), group: groups[f], iface })
      .map((r): Step => ({ op: 'leave', socket: r.socket, group: r.group, iface: r.iface })),
  );
  const close = fc.constantFrom(...SOCKETS.ipv4, ...(ipv6 ? SOCKETS.ipv6 : [])).map((socket): Step => ({ op: 'close', socket }));
  const maddr = fc
    .record({ iface, mac: fc.constantFrom(...MADDR_POOL), add: fc.boolean() })
    .map((r): Step => ({ op: 'maddr', iface: r.iface, mac: r.mac, add: r.add }));
  const flag = fc
    .record({ op: fc.constantFrom('promisc' as const, 'allmulti' as const), iface, on: fc.boolean() })
    .map((r): Step => ({ op: r.op, iface: r.iface, on: r.on }));
  // `ip link set … down|up` on the stacked interfaces (plain ones stay up: docs/semantics.md).
  const stacked = interfaces.filter((i) => i.kind !== undefined).map((i) => i.name);
  const link = stacked.length === 0 ? [] : [fc.record({ iface: fc.constantFrom(...stacked), up: fc.boolean() }).map((r): Step => ({ op: 'link', iface: r.iface, up: r.up }))];
  const eventId = fc.nat(0xffff);
  const send = fc.tuple(family, iface).chain(([f, name]) =>
    fc
      .record({
        id: eventId,
        src: fc.constantFrom(...sourcesOf(f, name)),
        dst: groups[f].filter(isMulticast),
        port: fc.constantFrom(...PORTS, UNBOUND_PORT),
      })
      .map((r): Step => ({ op: 'send', id: `m${r.id}`, iface: name, src: r.src, dst: r.dst, port: r.port })),
  );
  const ownMacs = interfaces.map((i) => i.mac.toLowerCase());
  const frame = fc
    .record({
      id: eventId,
      iface,
      dst: fc.oneof(
        fc.constantFrom(...CLASSIC_MACS, ...MADDR_POOL, BROADCAST_MAC, ...ownMacs),
        fc
          .tuple(fc.boolean(), fc.nat(0xffff), fc.nat(0xffff), fc.nat(0xffff))
          .map(([mc, a, b, c]) =>
            [mc ? (a >> 8) | 1 : (a >> 8) & 0xfe, a & 0xff, b >> 8, b & 0xff, c >> 8, c & 0xff]
              .map((x) => x.toString(16).padStart(2, '0'))
              .join(':'),
          )
          .filter((m) => m !== BROADCAST_MAC),
      ),
    })
    .map((r): Step => ({ op: 'frame', id: `f${r.id}`, iface: r.iface, dst: r.dst }));

  const wrap = (a: fc.Arbitrary<Step>) => a.map((s) => new StepCommand(s));
  return [
    wrap(join),
    wrap(join),
    wrap(open),
    wrap(send),
    wrap(frame),
    wrap(leave),
    wrap(close),
    wrap(maddr),
    wrap(flag),
    ...link.map(wrap),
  ];
}

function isMulticast(text: string): boolean {
  const ip = parseIp(text);
  return ip.family === 'ipv4' ? ip.value >> 28n === 0xen : ip.value >> 120n === 0xffn;
}

/** The initial state of one model-based run: fresh Host and Oracle, checked before any step. */
export function modelRunSetup(interfaces: readonly InterfaceSpec[], options: { profile?: string; faults?: FaultSet }) {
  return (): { model: CheckModel; real: CheckReal } => {
    const pair = createPair(interfaces, options);
    const initial = checkState(pair, -1);
    if (initial.length > 0) throw new ViolationError(initial);
    return { model: { pair, validity: new StepValidity(), stepIndex: 0 }, real: { pair } };
  };
}

/**
 * The steps a command sequence runs (those whose check passes, as fc.modelRun runs them),
 * read back from each command's toString (the step's JSON), which works on fast-check's
 * wrapped commands as well.
 */
export function stepsOfCommands(commands: Iterable<{ toString(): string }>): Step[] {
  return StepValidity.filter(Array.from(commands, (c) => JSON.parse(c.toString()) as Step));
}
