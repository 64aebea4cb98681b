// Differences between an expected and an actual simulate result, as lines a person reads.
// The expectation may be partial: `nic` state is compared only where expected names it, and
// only the interfaces and delivery ids it lists are compared.
import type { DeviceListEntry, Delivery, GroupUsers, InterfaceResult, JsonValue, SimulateResult, UpcallResult } from './types.ts';

/** JSON text with object keys sorted, so key order never counts as a difference. */
function canonical(value: JsonValue | undefined): string {
  const sort = (v: JsonValue): JsonValue => {
    if (Array.isArray(v)) return v.map(sort);
    if (v !== null && typeof v === 'object') {
      const obj = v as { readonly [k: string]: JsonValue };
      return Object.fromEntries(Object.keys(obj).sort().map((k) => [k, sort(obj[k] as JsonValue)]));
    }
    return v;
  };
  return value === undefined ? 'undefined' : JSON.stringify(sort(value));
}

function errnoText(e: string | null | undefined): string {
  return e === undefined ? '(no result)' : e === null ? 'success' : e;
}

function diffSteps(expected: SimulateResult, actual: SimulateResult, out: string[]): void {
  if (expected.steps.length !== actual.steps.length) {
    out.push(`steps: expected ${expected.steps.length} results, got ${actual.steps.length}`);
  }
  expected.steps.forEach((e, i) => {
    const a = actual.steps[i];
    if (!a) return;
    if (a.op !== e.op) out.push(`step ${i}: expected op ${e.op}, got ${a.op}`);
    else if (a.error !== e.error) out.push(`step ${i} (${e.op}): expected ${errnoText(e.error)}, got ${errnoText(a.error)}`);
  });
}

function diffDeviceList(name: string, expected: readonly DeviceListEntry[], actual: readonly DeviceListEntry[], out: string[]): void {
  // Compared as a multiset by MAC: the output is sorted, but a hand-written one need not be.
  const users = (list: readonly DeviceListEntry[]): Map<string, number> => {
    const m = new Map<string, number>();
    for (const e of list) m.set(e.mac.toLowerCase(), (m.get(e.mac.toLowerCase()) ?? 0) + e.users);
    return m;
  };
  const want = users(expected);
  const got = users(actual);
  for (const mac of [...new Set([...want.keys(), ...got.keys()])].sort()) {
    const w = want.get(mac);
    const g = got.get(mac);
    if (w === g) continue;
    if (g === undefined) out.push(`${name}: device list lacks ${mac} (expected users ${w})`);
    else if (w === undefined) out.push(`${name}: device list has unexpected ${mac} (users ${g})`);
    else out.push(`${name}: device list ${mac}: expected users ${w}, got ${g}`);
  }
}

function diffInterface(name: string, e: InterfaceResult, a: InterfaceResult | undefined, out: string[]): void {
  if (!a) {
    out.push(`interface ${name}: missing from the result`);
    return;
  }
  diffDeviceList(`interface ${name}`, e.mc, a.mc, out);
  if (e.promisc !== a.promisc) out.push(`interface ${name}: expected promiscuity ${e.promisc}, got ${a.promisc}`);
  if (e.allmulti !== a.allmulti) out.push(`interface ${name}: expected allmulti ${e.allmulti}, got ${a.allmulti}`);
  if (e.global !== undefined) {
    const want = [...e.global].map((m) => m.toLowerCase()).sort().join(', ');
    const got = [...(a.global ?? [])].map((m) => m.toLowerCase()).sort().join(', ');
    if (want !== got) out.push(`interface ${name}: expected global_use on [${want}], got [${got}]`);
  }
  if (e.groups !== undefined) {
    const text = (gs: readonly GroupUsers[] | undefined): string =>
      [...(gs ?? [])].map((g) => `${g.group} users ${g.users}`).sort().join(', ');
    if (text(e.groups) !== text(a.groups)) out.push(`interface ${name}: expected groups [${text(e.groups)}], got [${text(a.groups)}]`);
  }
  if (e.nic !== undefined && canonical(e.nic) !== canonical(a.nic)) {
    out.push(`interface ${name}: nic state expected ${canonical(e.nic)}, got ${canonical(a.nic)}`);
  }
}

function socketsText(sockets: readonly string[]): string {
  return `[${[...sockets].sort().join(', ')}]`;
}

/** The actual upcalls with only the fields the expected ones name (length and header are optional there). */
function namedUpcallFields(expected: readonly UpcallResult[], actual: readonly UpcallResult[] | undefined): unknown {
  if (!actual || actual.length !== expected.length) return actual;
  return actual.map((u, i) => {
    const e = expected[i] as UpcallResult;
    const { length, header, ...rest } = u;
    return { ...rest, ...(e.length !== undefined ? { length } : {}), ...(e.header !== undefined ? { header } : {}) };
  });
}

function diffDelivery(id: string, e: Delivery, a: Delivery | undefined, out: string[]): void {
  if (!a) {
    out.push(`delivery ${id}: missing from the result`);
    return;
  }
  if (e.nic !== a.nic) out.push(`delivery ${id}: expected the NIC to ${e.nic ? 'accept' : 'drop'} it, it ${a.nic ? 'accepted' : 'dropped'} it`);
  const want = socketsText(e.sockets);
  const got = socketsText(a.sockets);
  if (want !== got) out.push(`delivery ${id}: expected sockets ${want}, got ${got}`);
  // Routing fields (scenarios with route steps) and a burst's counts, compared where the expectation names them.
  for (const field of ['route', 'forwarded', 'upcalls', 'burst'] as const) {
    if (e[field] === undefined) continue;
    const w = canonical(e[field] as JsonValue);
    const g = canonical((field === 'upcalls' ? namedUpcallFields(e.upcalls ?? [], a.upcalls) : a[field]) as JsonValue | undefined);
    if (w !== g) out.push(`delivery ${id}: expected ${field} ${w}, got ${g}`);
  }
}

/** mfc-add replays, mrt-get values and /proc views (scenarios with route steps), where the expectation names them. */
function diffRouteSteps(expected: SimulateResult, actual: SimulateResult, out: string[]): void {
  expected.steps.forEach((e, i) => {
    const a = actual.steps[i];
    if (!a || a.op !== e.op) return;
    for (const field of ['replayed', 'value', 'proc'] as const) {
      if (e[field] === undefined) continue;
      const w = canonical(e[field] as unknown as JsonValue);
      const g = canonical(a[field] as unknown as JsonValue | undefined);
      if (w !== g) out.push(`step ${i} (${e.op}): expected ${field} ${w}, got ${g}`);
    }
  });
}

/** Human-readable differences; [] when `actual` meets every part of `expected`. */
export function diffResults(expected: SimulateResult, actual: SimulateResult): string[] {
  const out: string[] = [];
  diffSteps(expected, actual, out);
  diffRouteSteps(expected, actual, out);
  for (const [name, e] of Object.entries(expected.interfaces)) diffInterface(name, e, actual.interfaces[name], out);
  for (const [id, e] of Object.entries(expected.deliveries)) diffDelivery(id, e, actual.deliveries[id], out);
  return out;
}
