// Random routing worlds for the properties (test/route) and the kernel differential
// (src/kernel/route-diff.ts): three interfaces, a few sockets per family, small vif numbers with
// the edges (31, 32), TTLs at the thresholds' edges (0, 1, 254, 255), ticks around 3 s and 10 s.
import fc from 'fast-check';
import type { RouteOp } from './types.ts';

type RouteOracleOp = RouteOp;

export const IFACES = ['eth0', 'eth1', 'eth2'] as const;
/** The router's interfaces as the model sees them; eth<i> holds 10.0.<i>.1 as in src/kernel/route-bench.ts. */
export const DEVICES = IFACES.map((name, i) => ({ name, ifindex: i + 2, ipv4: [`10.0.${i}.1`] }));
/** The same addresses for the oracle (RouteOracle's `ipv4`). */
export const DEVICE_IPV4: Readonly<Record<string, readonly string[]>> = Object.fromEntries(DEVICES.map((d) => [d.name, d.ipv4]));

const V4 = {
  sources: ['10.0.0.2', '10.0.1.2'],
  groups: ['239.1.1.1', '239.1.1.1', '224.0.1.20', '224.0.0.5'],
  origins: ['10.0.0.2', '10.0.0.2', '10.0.1.2', '0.0.0.0'],
  entryGroups: ['239.1.1.1', '239.1.1.1', '224.0.1.20', '0.0.0.0', '10.9.9.9'],
};
const V6 = {
  sources: ['2001:db8::2', '2001:db8:1::2'],
  groups: ['ff05::1', 'ff05::1', 'ff0e::2', 'ff02::5', 'ff12::7'],
  origins: ['2001:db8::2', '2001:db8::2', '2001:db8:1::2', '::'],
  entryGroups: ['ff05::1', 'ff05::1', 'ff0e::2', '::', '2001:db8::9'],
};

const vifNo = fc.oneof({ weight: 12, arbitrary: fc.integer({ min: 0, max: 4 }) }, { weight: 1, arbitrary: fc.constantFrom(31, 32) });
const ttlEdge = fc.constantFrom(0, 1, 1, 2, 3, 254, 255);
const recvTtl = fc.constantFrom(0, 1, 2, 2, 3, 4, 64, 254, 255);
const tickMs = fc.constantFrom(1, 500, 2999, 3000, 3001, 9999, 10_000, 10_001);

/** Operations on one family's sockets; `routing` socket first, a second raw socket, a UDP one. */
function familyOps(family: 'ipv4' | 'ipv6'): fc.Arbitrary<RouteOracleOp>[] {
  const a = family === 'ipv4' ? V4 : V6;
  const [r, s, u] = family === 'ipv4' ? ['r4', 's4', 'u4'] : ['r6', 's6', 'u6'];
  const sock = fc.constantFrom(r, r, r, s);
  const udp = family === 'ipv4' ? ('udp' as const) : ('udp' as const);
  return [
    fc.record({ op: fc.constant('mrt-init' as const), socket: fc.constantFrom(r, r, s), family: fc.constant(family), optlen: fc.constantFrom(4, 4, 4, 8, 2) }),
    fc.record({ op: fc.constant('mrt-init' as const), socket: fc.constant(u), family: fc.constant(family), proto: fc.constant(udp) }),
    fc.record({ op: fc.constant('mrt-done' as const), socket: sock }),
    fc.record({ op: fc.constant('close' as const), socket: sock }),
    fc.record({ op: fc.constant('mrt-assert' as const), socket: sock, on: fc.boolean() }),
    fc.record({ op: fc.constant('mrt-version' as const), socket: fc.constantFrom(r, s, u) }),
    fc.record({ op: fc.constant('mrt-pim' as const), socket: sock, value: fc.constantFrom(0, 1, 4, 4) }),
    fc.record({ op: fc.constant('vif-add' as const), socket: sock, vif: vifNo, iface: fc.constantFrom(...IFACES, 'nosuch') }),
    fc.record({ op: fc.constant('vif-add' as const), socket: sock, vif: vifNo, register: fc.constant(true) }),
    fc.record({ op: fc.constant('vif-del' as const), socket: sock, vif: vifNo }),
    // MRT_DEL_MFC (parent sent, ignored) or MRT_DEL_MFC_PROXY (parent matched).
    fc.record({ op: fc.constant('mfc-del' as const), socket: sock, origin: fc.constantFrom(...a.origins), group: fc.constantFrom(...a.entryGroups), parent: fc.integer({ min: 0, max: 2 }), proxy: mfcProxy }),
    family === 'ipv4'
      ? fc.record({
          op: fc.constant('mfc-add' as const),
          socket: sock,
          origin: fc.constantFrom(...a.origins),
          group: fc.constantFrom(...a.entryGroups),
          parent: vifNo,
          ttls: fc.array(ttlEdge, { maxLength: 6 }),
          proxy: mfcProxy,
        })
      : fc.record({
          op: fc.constant('mfc-add' as const),
          socket: sock,
          origin: fc.constantFrom(...a.origins),
          group: fc.constantFrom(...a.entryGroups),
          parent: vifNo,
          oifs: fc.uniqueArray(fc.integer({ min: 0, max: 5 }), { maxLength: 4 }),
          proxy: mfcProxy,
        }),
    // getsockopt MRT_VERSION / MRT_ASSERT / MRT_PIM, also on the second socket and the UDP one.
    fc.record({ op: fc.constant('mrt-get' as const), socket: fc.constantFrom(r, s, u), option: fc.constantFrom('version' as const, 'assert' as const, 'pim' as const) }),
    // A second daemon's socket, opened without MRT_INIT: what root adds through it is static.
    fc.record({ op: fc.constant('mrt-open' as const), socket: fc.constantFrom(s, s, r), family: fc.constant(family) }),
    // MRT_FLUSH: the single bits, the usual combinations, 0 and a bit it does not know (16).
    fc.record({ op: fc.constant('mrt-flush' as const), socket: sock, flags: fc.constantFrom(0, 1, 2, 3, 4, 8, 12, 5, 15, 16) }),
    // A daemon's vif-add: a threshold (stored, never used), and for IPv4 by local address
    // (vifc_flags 0; 10.9.9.9 is nobody's) or the register vif with a local address, as pimd adds it.
    family === 'ipv4'
      ? fc.oneof(
          fc.record({ op: fc.constant('vif-add' as const), socket: sock, vif: vifNo, local: localAddr, threshold: vifThreshold }),
          fc.record({ op: fc.constant('vif-add' as const), socket: sock, vif: vifNo, register: fc.constant(true), local: localAddr, threshold: vifThreshold }),
          fc.record({ op: fc.constant('vif-add' as const), socket: sock, vif: vifNo, iface: fc.constantFrom(...IFACES), threshold: vifThreshold }),
        )
      : fc.record({ op: fc.constant('vif-add' as const), socket: sock, vif: vifNo, iface: fc.constantFrom(...IFACES), threshold: vifThreshold }),
  ];
}

/** MRT_ADD_MFC_PROXY / MRT_DEL_MFC_PROXY one time in three: an (S,G) may then hold an entry per parent. */
const mfcProxy = fc.constantFrom(false, false, true);
const localAddr = fc.constantFrom(...DEVICES.flatMap((d) => d.ipv4), '10.9.9.9');
const vifThreshold = fc.constantFrom(0, 1, 2, 64, 255);

const send = (family: 'ipv4' | 'ipv6') => {
  const a = family === 'ipv4' ? V4 : V6;
  return fc.record({
    op: fc.constant('send' as const),
    id: fc.constant(''),
    iface: fc.constantFrom(...IFACES),
    src: fc.constantFrom(...a.sources),
    group: fc.constantFrom(...a.groups),
    ttl: recvTtl,
    // Lengths a Linux sender can put on a veth: the kernel differential raises those below a 16-byte payload.
    length: fc.constantFrom(33, 48, 64, 100, 333, 1200),
  });
};

const w = <T>(weight: number, arbitrary: fc.Arbitrary<T>) => ({ weight, arbitrary });

/** A sequence of routing operations; sends get ids d0, d1, ... in order. */
export const routeOps = (maxLength = 40): fc.Arbitrary<RouteOracleOp[]> =>
  fc
    .constantFrom<readonly ('ipv4' | 'ipv6')[]>(['ipv4'], ['ipv6'], ['ipv4', 'ipv6'])
    .chain((families) =>
      fc.array(
        fc.oneof(
          ...families.flatMap((f) => {
            const [init, initUdp, done, close, assert, version, pim, vifAdd, regAdd, vifDel, mfcDel, mfcAdd, get, open, flush, daemonVif] = familyOps(f);
            return [
              w(1, init!), w(1, initUdp!), w(1, done!), w(1, close!), w(2, assert!), w(1, version!), w(1, pim!), w(2, vifAdd!), w(1, regAdd!),
              w(1, vifDel!), w(2, mfcDel!), w(8, mfcAdd!), w(14, send(f)), w(2, daemonVif!), w(1, flush!), w(1, open!), w(1, get!),
            ];
          }),
          w(3, fc.record({ op: fc.constant('tick' as const), ms: tickMs })),
          // Only eth2 goes: the senders' source addresses live on the host ends of eth0 and eth1.
          w(1, fc.constant({ op: 'link-del' as const, iface: 'eth2' })),
        ),
        { maxLength },
      ),
    )
    .map((ops) => {
      let n = 0;
      const gone = new Set<string>();
      // A deleted device is deleted once, and nothing arrives on it afterwards (its veth is gone).
      return ops.flatMap((o): RouteOracleOp[] => {
        if (o.op === 'link-del') {
          if (gone.has(o.iface)) return [];
          gone.add(o.iface);
          return [o];
        }
        if (o.op === 'send') return gone.has(o.iface) ? [] : [{ ...o, id: `d${n++}` }];
        return [o];
      });
    });

/** A setup that makes routing likely: both routing sockets, vifs 0..2 on the three interfaces. */
export const ROUTER_SETUP: readonly RouteOracleOp[] = [
  { op: 'mrt-init', socket: 'r4', family: 'ipv4' },
  { op: 'mrt-init', socket: 'r6', family: 'ipv6' },
  ...IFACES.flatMap((iface, vif): RouteOracleOp[] => [
    { op: 'vif-add', socket: 'r4', vif, iface },
    { op: 'vif-add', socket: 'r6', vif, iface },
  ]),
];

/** A burst for the queue: n datagrams of one (S,G) on a vif, maybe a tick, then the entry arrives. */
export const queueBurst: fc.Arbitrary<RouteOracleOp[]> = fc
  .record({
    family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
    n: fc.integer({ min: 1, max: 7 }),
    ticks: fc.array(tickMs, { maxLength: 2 }),
    iface: fc.constantFrom(...IFACES),
    ttl: recvTtl,
  })
  .map(({ family, n, ticks, iface, ttl }): RouteOracleOp[] => {
    const a = family === 'ipv4' ? V4 : V6;
    const socket = family === 'ipv4' ? 'r4' : 'r6';
    const sends = Array.from({ length: n }, (_, i): RouteOracleOp => ({ op: 'send', id: `d${i}`, iface, src: a.sources[0]!, group: a.groups[0]!, ttl, length: 33 }));
    const half = Math.floor(n / 2);
    return [
      ...sends.slice(0, half),
      ...ticks.map((ms): RouteOracleOp => ({ op: 'tick', ms })),
      ...sends.slice(half),
      {
        op: 'mfc-add',
        socket,
        origin: a.sources[0]!,
        group: a.groups[0]!,
        parent: IFACES.indexOf(iface),
        ...(family === 'ipv4' ? { ttls: [1, 1, 1] } : { oifs: [0, 1, 2] }),
      },
    ];
  });

/**
 * An entry then datagrams of its (S,G) (or its group from elsewhere) at TTLs around its thresholds;
 * sometimes with asserts on (WRONGVIF upcalls) and a register vif 3 among the outputs (WHOLEPKT).
 */
export const forwardBurst: fc.Arbitrary<RouteOracleOp[]> = fc
  .record({
    family: fc.constantFrom('ipv4' as const, 'ipv6' as const),
    parent: fc.integer({ min: 0, max: 2 }),
    ttls: fc.array(ttlEdge, { minLength: 1, maxLength: 4 }),
    oifs: fc.uniqueArray(fc.integer({ min: 0, max: 3 }), { maxLength: 3 }),
    star: fc.boolean(),
    assert: fc.boolean(),
    // MRT_PIM: 1 asserts for any arrival vif, 4 also WRVIFWHOLE upcalls.
    pim: fc.constantFrom(0, 0, 1, 4),
    register: fc.boolean(),
    sends: fc.array(fc.record({ iface: fc.constantFrom(...IFACES), ttl: recvTtl }), { minLength: 1, maxLength: 5 }),
    tick: fc.option(tickMs, { nil: undefined }),
    // As smcroute routes one (S,G) from two inputs (troglobit/smcroute issue 89): the entry once
    // per parent with MRT_ADD_MFC_PROXY, then the first route removed by its parent.
    proxyPair: fc.boolean(),
  })
  .map(({ family, parent, ttls, oifs, star, assert, pim, register, sends, tick, proxyPair }): RouteOracleOp[] => {
    const a = family === 'ipv4' ? V4 : V6;
    const socket = family === 'ipv4' ? 'r4' : 'r6';
    const origin = star ? a.origins[3]! : a.sources[0]!;
    const outputs = register ? { ttls: [...ttls, 1, 1, 1, 1].slice(0, 3).concat([1]), oifs: [...oifs, 3] } : { ttls, oifs };
    const datagrams = sends.map((s, i): RouteOracleOp => ({ op: 'send', id: `d${i}`, iface: s.iface, src: a.sources[0]!, group: a.groups[0]!, ttl: s.ttl, length: 33 }));
    const half = Math.ceil(datagrams.length / 2);
    return [
      ...(assert ? [{ op: 'mrt-assert', socket, on: true } as const] : []),
      ...(pim !== 0 ? [{ op: 'mrt-pim', socket, value: pim } as const] : []),
      ...(register ? [{ op: 'vif-add', socket, vif: 3, register: true } as const] : []),
      { op: 'mfc-add', socket, origin, group: a.groups[0]!, parent, ...(family === 'ipv4' ? { ttls: outputs.ttls } : { oifs: outputs.oifs }), ...(proxyPair ? { proxy: true } : {}) },
      ...(proxyPair
        ? ([
            { op: 'mfc-add', socket, origin, group: a.groups[0]!, parent: (parent + 1) % 3, ...(family === 'ipv4' ? { ttls: outputs.ttls } : { oifs: outputs.oifs }), proxy: true },
            { op: 'mfc-del', socket, origin, group: a.groups[0]!, parent, proxy: true },
          ] as const)
        : []),
      ...datagrams.slice(0, half),
      ...(tick === undefined ? [] : [{ op: 'tick', ms: tick } as const]),
      ...datagrams.slice(half),
    ];
  });
