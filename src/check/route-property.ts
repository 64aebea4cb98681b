// Routing scenarios as a property `check` runs on every profile (issue 13): random mroute
// sockets, vifs, MFC entries, ticks and datagrams with TTLs (src/route/arbitraries.ts) on three
// interfaces with the profile's NIC, through simulate (the host model, src/route) against the
// oracle (src/oracle, which answers route steps with src/oracle/route): step errors, what
// routing did with each datagram the NIC passed (forwarded copies with their TTLs, upcalls),
// what each mfc-add replayed, and each vif's ALLMULTI count on its device.
import fc from 'fast-check';
import type { FaultSet } from '../faults.ts';
import { Oracle } from '../oracle/index.ts';
import { IFACES, ROUTER_SETUP, forwardBurst, queueBurst, routeOps } from '../route/arbitraries.ts';
import type { RouteOp } from '../route/types.ts';
import type { AnyStep, InterfaceSpec, Scenario, UpcallResult } from '../scenario/types.ts';
import { simulate } from '../simulate.ts';

const INTERFACES: readonly InterfaceSpec[] = IFACES.map((name, i) => ({
  name,
  mac: `02:00:00:00:01:0${i}`,
  ipv4: [`10.0.${i}.1/24`],
  ipv6: [`2001:db8:${i}::1/64`],
}));

/** A route operation as a scenario step (MRT_ASSERT rides on mrt-init; close is mrt-done with close). */
function toStep(op: RouteOp): AnyStep | null {
  switch (op.op) {
    case 'mrt-version':
      return null;
    // Scenarios keep their interfaces; the arbitrary sends nothing on a deleted one afterwards.
    case 'link-del':
      return null;
    case 'close':
      return { op: 'mrt-done', socket: op.socket, close: true };
    case 'vif-add':
      // 'nosuch' is no declared interface: a device that does not exist (EADDRNOTAVAIL).
      return { ...op };
    case 'send':
      // The datagram's length as a UDP payload (headers: 28 bytes IPv4, 48 IPv6).
      return { op: 'send', id: op.id, iface: op.iface, src: op.src, dst: op.group, port: 5000, ttl: op.ttl, payload: Math.max(0, op.length - (op.group.includes(':') ? 48 : 28)) };
    default:
      return { ...op } as AnyStep;
  }
}

export function routeScenario(ops: readonly RouteOp[], nic: string): Scenario {
  const steps = ops.flatMap((o) => {
    const s = toStep(o);
    return s ? [s] : [];
  });
  return { schema: 'mcast-testbench/scenario@1', interfaces: INTERFACES.map((i) => ({ ...i, nic })), steps };
}

export const routeScenarioOps: fc.Arbitrary<RouteOp[]> = fc.oneof(
  routeOps(30),
  routeOps(30).map((o) => [...ROUTER_SETUP, ...o]),
  queueBurst.map((o) => [...ROUTER_SETUP, ...o]),
  forwardBurst.map((o) => [...ROUTER_SETUP, ...o]),
);

const text = (v: unknown): string => JSON.stringify(v);
/** The upcall fields the oracle states (it does not restate the byte layouts: test/route checks those against the kernel). */
const named = (ups: readonly UpcallResult[] | undefined) => ups?.map((u) => ({ type: u.type, vif: u.vif, src: u.src, group: u.group }));

/** The first disagreement between simulate and the oracle on a routing scenario, or null. */
export function routeProblem(scenario: Scenario, faults?: FaultSet): string | null {
  const out = simulate(scenario, faults ? { faults } : {});
  const oracle = new Oracle(scenario.interfaces);
  for (const [i, step] of scenario.steps.entries()) {
    const where = `step ${i} ${JSON.stringify(step)}`;
    const want = oracle.apply(step);
    const got = out.steps[i];
    if (!got || got.error !== want.error) return `${where}: error ${got?.error ?? '(none)'}, the oracle expects ${want.error ?? 'success'}`;
    if (got.value !== want.value) return `${where}: value ${got.value ?? '(none)'}, the oracle expects ${want.value ?? '(none)'}`;
    if (step.op === 'send') {
      const d = out.deliveries[step.id];
      if (!d) return `${where}: no delivery`;
      if (want.verdict === 'must' && !d.nic) return `${where}: loss at the NIC`;
      if (d.nic && want.routed) {
        const w = { route: want.routed.verdict, forwarded: want.routed.forwarded.map((c) => ({ iface: c.iface, ttl: c.ttl })), upcalls: want.routed.upcalls };
        const g = { route: d.route, forwarded: d.forwarded, upcalls: named(d.upcalls) };
        if (text(g) !== text(w)) return `${where}: routed ${text(g)}, the oracle expects ${text(w)}`;
      }
    }
    if ((step as AnyStep).op === 'mfc-add' && want.error === null) {
      const w = (want.replayed ?? []).map((r) => ({ id: r.id, forwarded: r.forwarded.map((c) => ({ iface: c.iface, ttl: c.ttl })), upcalls: r.upcalls }));
      const replayed = (got.replayed ?? []).map((r) => ({ ...r, upcalls: named(r.upcalls) }));
      if (text(replayed) !== text(w)) return `${where}: replayed ${text(replayed)}, the oracle expects ${text(w)}`;
    }
  }
  for (const iface of IFACES) {
    const got = out.interfaces[iface]?.allmulti;
    const want = oracle.counters(iface).allmulti;
    if (got !== want) return `${iface}: allmulti ${got} at the end, the oracle expects ${want} (each vif holds one count)`;
  }
  return null;
}

/** The property: routing scenarios on this profile agree with the oracle. */
export function routeScenarioProperty(o: { profile: string; faults?: FaultSet; around?: (run: () => void) => void }): fc.IPropertyWithHooks<[RouteOp[]]> {
  const around = o.around ?? ((run: () => void) => run());
  return fc.property(routeScenarioOps, (ops) => {
    around(() => {
      const problem = routeProblem(routeScenario(ops, o.profile), o.faults);
      if (problem) throw new Error(problem);
    });
  });
}
