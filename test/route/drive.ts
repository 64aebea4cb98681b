// Runs oracle-shaped operations through the model (src/route) and describes its answers in the
// oracle's terms, so the two can be compared field by field.
import type { OracleForwarding, OracleOutcome, RouteOracleOp } from '../../src/oracle/route/types.ts';
import { MulticastRouter, type RouteFaultSet, type RouteInputResult } from '../../src/route/index.ts';
import { DEVICES } from '../../src/route/arbitraries.ts';

export function newRouter(faults?: RouteFaultSet): MulticastRouter {
  return new MulticastRouter(DEVICES, { faults });
}

const describe = (id: string, r: RouteInputResult): OracleForwarding => ({
  id,
  verdict: r.verdict,
  forwarded: r.forwarded.map((c) => ({ vif: c.vif, iface: c.iface, ttl: c.ttl })),
  upcalls: r.upcalls.map((u) => ({ type: u.type, vif: u.vif, src: u.src, group: u.group })),
});

export function applyToModel(r: MulticastRouter, op: RouteOracleOp): OracleOutcome {
  switch (op.op) {
    case 'mrt-init':
      return { error: r.mrtInit(op.socket, op.family, op.proto, op.optlen).error, datagrams: [] };
    case 'mrt-assert':
      return { error: r.mrtAssert(op.socket, op.on).error, datagrams: [] };
    case 'mrt-done':
      return { error: r.mrtDone(op.socket).error, datagrams: [] };
    case 'mrt-pim':
      return { error: r.mrtPim(op.socket, op.value).error, datagrams: [] };
    case 'mrt-get': {
      const res = r.mrtGet(op.socket, op.option);
      return res.value === undefined ? { error: res.error, datagrams: [] } : { error: null, datagrams: [], value: res.value };
    }
    case 'mrt-open':
      return { error: r.mrtOpen(op.socket, op.family, op.proto).error, datagrams: [] };
    case 'mrt-flush':
      return { error: r.mrtFlush(op.socket, op.flags).error, datagrams: [] };
    case 'mrt-version':
      return { error: r.mrtVersion(op.socket).error, datagrams: [] };
    case 'close':
      return { error: r.close(op.socket).error, datagrams: [] };
    case 'vif-add':
      return { error: r.vifAdd(op.socket, op).error, datagrams: [] };
    case 'vif-del':
      return { error: r.vifDel(op.socket, op.vif).error, datagrams: [] };
    case 'mfc-add': {
      const res = r.mfcAdd(op.socket, op, op.proxy === true);
      return { error: res.error, datagrams: (res.replayed ?? []).map((x) => describe(x.datagram.id, x.result)) };
    }
    case 'mfc-del':
      return { error: r.mfcDel(op.socket, op.origin, op.group, op.proxy === true ? { parent: op.parent ?? 0 } : undefined).error, datagrams: [] };
    case 'tick':
      r.tick(op.ms);
      return { error: null, datagrams: [] };
    case 'link-del':
      r.unregisterDevice(op.iface);
      return { error: null, datagrams: [] };
    case 'send':
      return { error: null, datagrams: [describe(op.id, r.input(op))] };
  }
}
