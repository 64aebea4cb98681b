// Calls routing daemons make (issue 23): MRT_FLUSH with its flags (net/ipv4/ipmr.c
// mroute_clean_tables) and MRT_ADD_MFC_PROXY / MRT_DEL_MFC_PROXY, which find entries by parent too
// (ip_mroute_setsockopt: parent = -1 for the plain options; ipmr_base.c mr_mfc_find_parent).
// Model and oracle against expectations written out by hand from those rules.
import { describe, expect, it } from 'vitest';
import { RouteOracle } from '../../src/oracle/route/oracle.ts';
import type { RouteOracleOp } from '../../src/oracle/route/types.ts';
import { DEVICE_IPV4, IFACES } from '../../src/route/arbitraries.ts';
import { applyToModel, newRouter } from './drive.ts';

/** Runs the ops through model and oracle; both must give `errors`; returns the model for inspection. */
function run(ops: readonly RouteOracleOp[], errors: readonly (string | null)[]) {
  const model = newRouter();
  const oracle = new RouteOracle(IFACES, DEVICE_IPV4);
  ops.forEach((op, i) => {
    const m = applyToModel(model, op);
    const o = oracle.apply(op);
    expect(m, `step ${i} ${JSON.stringify(op)}`).toEqual(o);
    expect(m.error, `step ${i} ${JSON.stringify(op)}`).toBe(errors[i]);
  });
  return { model, oracle };
}

const setup: RouteOracleOp[] = [
  { op: 'mrt-init', socket: 'r', family: 'ipv4' },
  { op: 'mrt-init', socket: 's', family: 'ipv4' }, // EADDRINUSE: a second raw IGMP socket, root: its additions are static
  { op: 'vif-add', socket: 'r', vif: 0, iface: 'eth0' },
  { op: 'vif-add', socket: 's', vif: 1, iface: 'eth1' }, // static
  { op: 'mfc-add', socket: 'r', origin: '10.0.0.2', group: '239.1.1.1', parent: 0, ttls: [0, 1] },
  { op: 'mfc-add', socket: 's', origin: '10.0.1.2', group: '239.1.1.1', parent: 1, ttls: [1] }, // static
  { op: 'send', id: 'q', iface: 'eth0', src: '10.0.0.9', group: '239.2.2.2', ttl: 5, length: 44 }, // unresolved
];
const setupErrors = [null, 'EADDRINUSE', null, null, null, null, null];

describe('MRT_FLUSH', () => {
  const cases: [number, number[], string[], number][] = [
    // flags, vifs left, entries left (origin), unresolved left
    [0, [0, 1], ['10.0.0.2', '10.0.1.2'], 1],
    [1, [0, 1], ['10.0.1.2'], 0],
    [2, [0, 1], ['10.0.0.2'], 1],
    [4, [1], ['10.0.0.2', '10.0.1.2'], 1],
    [8, [0], ['10.0.0.2', '10.0.1.2'], 1],
    [15, [], [], 0],
    [16, [0, 1], ['10.0.0.2', '10.0.1.2'], 1],
  ];
  for (const [flags, vifs, origins, unres] of cases) {
    it(`flags ${flags}: vifs ${JSON.stringify(vifs)}, entries from ${JSON.stringify(origins)}, ${unres} unresolved`, () => {
      const { model, oracle } = run([...setup, { op: 'mrt-flush', socket: 's', flags }], [...setupErrors, null]);
      const t = model.table('ipv4');
      expect(t.vifs.flatMap((v, i) => (v ? [i] : []))).toEqual(vifs);
      expect(t.mfc.map((c) => c.origin.text)).toEqual(origins);
      expect(t.unres.length).toBe(unres);
      expect(oracle.vifCounters('ipv4').map((v) => v.vif)).toEqual(vifs);
      expect(oracle.queued('ipv4').length).toBe(unres);
      // The flushed vifs gave back their allmulti counts.
      expect(model.allmulti('eth0')).toBe(vifs.includes(0) ? 1 : 0);
      expect(model.allmulti('eth1')).toBe(vifs.includes(1) ? 1 : 0);
    });
  }

  it('a UDP socket cannot flush (EOPNOTSUPP); the mroute socket stays the router after a flush', () => {
    run(
      [
        { op: 'mrt-init', socket: 'r', family: 'ipv4' },
        { op: 'mrt-init', socket: 'u', family: 'ipv4', proto: 'udp' },
        { op: 'mrt-flush', socket: 'u', flags: 15 },
        { op: 'mrt-flush', socket: 'r', flags: 15 },
        { op: 'mrt-init', socket: 'r', family: 'ipv4' },
      ],
      [null, 'EOPNOTSUPP', 'EOPNOTSUPP', null, 'EADDRINUSE'],
    );
  });
});

describe('MFC entries keyed by (S,G) and by parent', () => {
  const sg = { origin: '10.0.0.2', group: '239.1.1.1' };
  /** The mroute socket and vifs 0..2 on eth0..eth2. */
  const router: RouteOracleOp[] = [{ op: 'mrt-init', socket: 'r', family: 'ipv4' }, ...IFACES.map((iface, vif): RouteOracleOp => ({ op: 'vif-add', socket: 'r', vif, iface }))];
  it('plain MRT_ADD_MFC from another input vif replaces the entry (smcroute issue 89); the proxy option adds a second', () => {
    const { model } = run(
      [
        ...router,
        { op: 'mfc-add', socket: 'r', ...sg, parent: 0, ttls: [0, 0, 1] },
        { op: 'mfc-add', socket: 'r', ...sg, parent: 1, ttls: [0, 0, 1] },
        { op: 'mfc-add', socket: 'r', ...sg, parent: 0, ttls: [0, 0, 1], proxy: true },
      ],
      [...router.map(() => null), null, null, null],
    );
    expect(model.table('ipv4').mfc.map((c) => c.parent)).toEqual([1, 0]);
  });

  it('lookups find the latest added of an (S,G): forwarding and plain MRT_DEL_MFC take it; MRT_DEL_MFC_PROXY takes the one of its parent', () => {
    const { model } = run(
      [
        ...router,
        { op: 'mfc-add', socket: 'r', ...sg, parent: 0, ttls: [0, 0, 1], proxy: true },
        { op: 'mfc-add', socket: 'r', ...sg, parent: 1, ttls: [0, 0, 1], proxy: true },
        // From eth0: the latest entry (parent 1) finds it on the wrong vif.
        { op: 'send', id: 'd0', iface: 'eth0', ...{ src: sg.origin, group: sg.group }, ttl: 4, length: 44 },
        { op: 'mfc-del', socket: 'r', ...sg, parent: 2, proxy: true },
        { op: 'mfc-del', socket: 'r', ...sg, parent: 0 }, // plain: parent ignored, the latest (parent 1) goes
        // Now the parent-0 entry forwards to eth2.
        { op: 'send', id: 'd1', iface: 'eth0', ...{ src: sg.origin, group: sg.group }, ttl: 4, length: 44 },
        { op: 'mfc-del', socket: 'r', ...sg, parent: 0, proxy: true },
        { op: 'mfc-del', socket: 'r', ...sg },
      ],
      [...router.map(() => null), null, null, null, 'ENOENT', null, null, null, 'ENOENT'],
    );
    expect(model.table('ipv4').mfc).toEqual([]);
  });

  it('the first send is wrong-vif and the second forwarded to eth2 with TTL 3', () => {
    const oracle = new RouteOracle(IFACES, DEVICE_IPV4);
    const ops: RouteOracleOp[] = [
      ...router,
      { op: 'mfc-add', socket: 'r', ...sg, parent: 0, ttls: [0, 0, 1], proxy: true },
      { op: 'mfc-add', socket: 'r', ...sg, parent: 1, ttls: [0, 0, 1], proxy: true },
    ];
    for (const op of ops) oracle.apply(op);
    const send = (id: string) => oracle.apply({ op: 'send', id, iface: 'eth0', src: sg.origin, group: sg.group, ttl: 4, length: 44 }).datagrams[0];
    expect(send('d0')?.verdict).toBe('wrong-vif');
    oracle.apply({ op: 'mfc-del', socket: 'r', ...sg });
    expect(send('d1')?.forwarded).toEqual([{ vif: 2, iface: 'eth2', ttl: 3 }]);
  });
});
