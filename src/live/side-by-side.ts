// The report a person reads next to a shrunk difference: both outputs row by row.
import type { InterfaceResult, SimulateResult } from '../scenario/types.ts';

/**
 * Both outputs as aligned rows (one per step, device-list MAC, counter and delivery), `|` where
 * they agree and `*` where they differ.
 */
export function sideBySide(leftTitle: string, left: SimulateResult, rightTitle: string, right: SimulateResult): string {
  const rows: [string, string, string][] = [];
  const n = Math.max(left.steps.length, right.steps.length);
  const step = (r: SimulateResult, i: number): string => {
    const s = r.steps[i];
    return s ? `${s.op} ${s.error ?? 'ok'}` : '-';
  };
  for (let i = 0; i < n; i++) rows.push([`step ${i}`, step(left, i), step(right, i)]);
  for (const name of [...new Set([...Object.keys(left.interfaces), ...Object.keys(right.interfaces)])].sort()) {
    const l = left.interfaces[name];
    const r = right.interfaces[name];
    const users = (x: InterfaceResult | undefined, mac: string): string => {
      const e = x?.mc.find((m) => m.mac === mac);
      return e ? `users ${e.users}` : '-';
    };
    const macs = [...new Set([...(l?.mc ?? []), ...(r?.mc ?? [])].map((e) => e.mac))].sort();
    for (const mac of macs) rows.push([`${name} ${mac}`, users(l, mac), users(r, mac)]);
    rows.push([`${name} promiscuity`, String(l?.promisc ?? '-'), String(r?.promisc ?? '-')]);
    rows.push([`${name} allmulti`, String(l?.allmulti ?? '-'), String(r?.allmulti ?? '-')]);
  }
  const delivery = (r: SimulateResult, id: string): string => {
    const d = r.deliveries[id];
    return d ? `nic ${d.nic ? 'accept' : 'drop'} [${d.sockets.join(', ')}]` : '-';
  };
  for (const id of [...new Set([...Object.keys(left.deliveries), ...Object.keys(right.deliveries)])]) {
    rows.push([`delivery ${id}`, delivery(left, id), delivery(right, id)]);
  }
  const w0 = Math.max(...rows.map((r) => r[0].length));
  const w1 = Math.max(leftTitle.length, ...rows.map((r) => r[1].length));
  const head = `${''.padEnd(w0)}   ${leftTitle.padEnd(w1)}   ${rightTitle}`;
  return [head, ...rows.map(([k, a, b]) => `${k.padEnd(w0)}   ${a.padEnd(w1)} ${a === b ? '|' : '*'} ${b}`)].join('\n');
}
