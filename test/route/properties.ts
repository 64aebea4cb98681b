// The routing properties, as fast-check properties over a fault set (so the fault tests can run
// the very same properties against a faulty model).
import fc from 'fast-check';
import { expect } from 'vitest';
import { RouteOracle } from '../../src/oracle/route/oracle.ts';
import type { RouteOracleOp } from '../../src/oracle/route/types.ts';
import {
  UNRES_EXPIRY_MS,
  UNRES_QUEUE_CAPACITY,
  cacheRows,
  entryOifs,
  parseCache,
  parseVif,
  procCache,
  procVif,
  type RouteFaultSet,
  vifRows,
} from '../../src/route/index.ts';
import { DEVICE_IPV4, IFACES, ROUTER_SETUP, forwardBurst, queueBurst, routeOps } from '../../src/route/arbitraries.ts';
import { applyToModel, newRouter } from './drive.ts';

const FAMILIES = ['ipv4', 'ipv6'] as const;
const withSetup = (ops: RouteOracleOp[]): RouteOracleOp[] => [...ROUTER_SETUP, ...ops];
const opsArb = fc.oneof(
  { weight: 1, arbitrary: routeOps() },
  { weight: 3, arbitrary: routeOps().map(withSetup) },
  { weight: 1, arbitrary: forwardBurst.map(withSetup) },
);

/** Forwarding sets, errors, upcalls, counters, allmulti and the queues equal the oracle's after every step. */
export function oracleProperty(faults?: RouteFaultSet): fc.IPropertyWithHooks<[RouteOracleOp[]]> {
  return fc.property(opsArb, (ops) => {
    const model = newRouter(faults);
    const oracle = new RouteOracle(IFACES, DEVICE_IPV4);
    ops.forEach((op, i) => {
      const where = `step ${i} ${JSON.stringify(op)}`;
      expect(applyToModel(model, op), where).toEqual(oracle.apply(op));
      for (const iface of IFACES) expect(model.allmulti(iface), `${where}: allmulti ${iface}`).toBe(oracle.allmulti(iface));
      for (const f of FAMILIES) {
        const t = model.table(f);
        const vifs = vifRows(t).map((v) => ({ vif: v.vif, iface: v.name, pktIn: v.pktIn, bytesIn: v.bytesIn, pktOut: v.pktOut, bytesOut: v.bytesOut }));
        expect(vifs, `${where}: ${f} vifs`).toEqual(oracle.vifCounters(f));
        const entries = t.mfc.map((c) => ({
          origin: c.origin.value,
          group: c.group.value,
          parent: c.parent,
          pkt: c.pkt,
          bytes: c.bytes,
          wrong: c.wrongIf,
          oifs: entryOifs(t, c).map((o): [number, number] => [o.vif, o.ttl]),
        }));
        expect(entries, `${where}: ${f} entries`).toEqual(oracle.entryCounters(f));
        const queued = t.unres.map((u) => ({ origin: u.origin.value, group: u.group.value, ids: u.queue.map((d) => d.id) }));
        expect(new Set(queued.map((q) => JSON.stringify(q, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))), `${where}: ${f} queue`).toEqual(
          new Set(oracle.queued(f).map((q) => JSON.stringify(q, (_, v) => (typeof v === 'bigint' ? v.toString() : v)))),
        );
      }
    });
  });
}

/** The unresolved queue: never a fifth datagram; a replay is in arrival order and never older than 10 s. */
export function queueProperty(faults?: RouteFaultSet): fc.IPropertyWithHooks<[RouteOracleOp[]]> {
  return fc.property(fc.oneof(routeOps(60), queueBurst).map(withSetup), (ops) => {
    const model = newRouter(faults);
    const sentAt = new Map<string, number>();
    let now = 0;
    for (const op of ops) {
      if (op.op === 'tick') now += op.ms;
      if (op.op === 'send') sentAt.set(op.id, now);
      const out = applyToModel(model, op);
      if (op.op === 'mfc-add') {
        const ids = out.datagrams.map((d) => d.id);
        const order = ids.map((id) => Number(id.slice(1)));
        expect(order, `replay of ${JSON.stringify(op)} keeps arrival order`).toEqual([...order].sort((a, b) => a - b));
        for (const id of ids) expect(now - (sentAt.get(id) ?? 0), `${id} replayed after its entry expired`).toBeLessThan(UNRES_EXPIRY_MS);
        expect(ids.length).toBeLessThanOrEqual(UNRES_QUEUE_CAPACITY);
      }
      for (const f of FAMILIES) for (const u of model.table(f).unres) expect(u.queue.length).toBeLessThanOrEqual(UNRES_QUEUE_CAPACITY);
    }
  });
}

/**
 * Counters add up: without vif deletions (which reset a slot), the vifs' PktsOut sum to the copies
 * sent (forwarded + WHOLEPKT), every routed datagram counts once in its entry, and allmulti per
 * device equals the vifs on it.
 */
export function countersProperty(faults?: RouteFaultSet): fc.IPropertyWithHooks<[RouteOracleOp[]]> {
  // A deleted vif takes its counters with it, so no deletes: a link-del deletes the vifs on eth2
  // (seed -571928349 path 2154:4:3:5:11:10:14:12:12: a copy forwarded to eth2, then eth2 deleted).
  const deletes = new Set(['vif-del', 'mrt-flush', 'mrt-done', 'close', 'mfc-del', 'link-del']);
  const noDeletes = routeOps(50).map((ops) => withSetup(ops.filter((o) => !deletes.has(o.op))));
  return fc.property(noDeletes, (ops) => {
    const model = newRouter(faults);
    let copies = 0;
    let through = 0;
    for (const op of ops) {
      for (const d of applyToModel(model, op).datagrams) {
        copies += d.forwarded.length + d.upcalls.filter((u) => u.type === 'WHOLEPKT').length;
        if (d.verdict === 'forwarded' || d.verdict === 'wrong-vif') through += 1;
      }
      for (const iface of IFACES) {
        const vifs = FAMILIES.flatMap((f) => vifRows(model.table(f))).filter((v) => v.name === iface).length;
        expect(model.allmulti(iface), `allmulti of ${iface}`).toBe(vifs);
      }
    }
    const out = FAMILIES.flatMap((f) => vifRows(model.table(f))).reduce((n, v) => n + v.pktOut, 0);
    const pkts = FAMILIES.flatMap((f) => model.table(f).mfc).reduce((n, c) => n + c.pkt, 0);
    expect(out).toBe(copies);
    expect(pkts).toBe(through);
  });
}

/** Printed /proc text parses back to the table it was printed from. */
export function procProperty(faults?: RouteFaultSet): fc.IPropertyWithHooks<[RouteOracleOp[]]> {
  return fc.property(opsArb, (ops) => {
    const model = newRouter(faults);
    for (const op of ops) applyToModel(model, op);
    for (const f of FAMILIES) {
      const t = model.table(f);
      expect(parseVif(f, procVif(t))).toEqual(vifRows(t));
      expect(parseCache(f, procCache(t))).toEqual(cacheRows(t));
    }
  });
}
