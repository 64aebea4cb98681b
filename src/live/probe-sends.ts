// Generated scenarios rarely send to a group that a socket holds, so most deliveries compare
// empty socket lists. withProbeSends adds, after each join, a datagram to that group on the
// joining socket's port: from the first listed source (the source filter decides) or from a
// source no filter names. After each `ip maddr` change or `fill` it adds frames: to broadcast
// and to the MACs the step touched (a fill's first and last), so a table that overflows into its
// broadcast slot or loses its newest entry shows at the size where it does. Used by the live
// differential (src/live/diff.ts) for half of its scenarios.
import { fillMacs } from '../scenario/fill.ts';
import type { AnyStep, Scenario, SocketFamily } from '../scenario/types.ts';
import { isMulticastIp, parseIp, parsePrefix, sameIp } from '../wire/ip.ts';
import { BROADCAST_MAC } from '../wire/mac.ts';

/** Unicast sources on no generated interface (those use 10.99+I.0.0/24 and 2001:db8:I::/64). */
const OUTSIDE_SOURCE: Record<SocketFamily, string> = { ipv4: '10.250.0.1', ipv6: '2001:db8:fa::1' };

export function withProbeSends(scenario: Scenario): Scenario {
  const open = new Map<string, { family: SocketFamily; port: number }>();
  const steps: AnyStep[] = [];
  // Interfaces a link-del deleted (a lower's macvlans with it): nothing arrives on them any more.
  const gone = new Set<string>();
  let n = 0;
  let f = 0;
  const frames = (iface: string, macs: readonly string[]): void => {
    if (gone.has(iface)) return;
    for (const dst of [BROADCAST_MAC, ...macs]) steps.push({ op: 'frame', id: `kframe-${f++}`, iface, dst });
  };
  for (const step of scenario.steps) {
    steps.push(step);
    if (step.op === 'maddr') frames(step.iface, [step.mac]);
    else if (step.op === 'fill') {
      const macs = fillMacs(step);
      frames(step.iface, macs.length > 1 ? [macs[0]!, macs[macs.length - 1]!] : macs);
    } else if (step.op === 'open') open.set(step.socket, { family: step.family, port: step.port });
    else if (step.op === 'close') open.delete(step.socket);
    else if (step.op === 'link-del') {
      gone.add(step.iface);
      for (const i of scenario.interfaces) if (i.kind === 'macvlan' && i.lower === step.iface) gone.add(i.name);
    } else if (step.op === 'join') {
      const s = open.get(step.socket);
      if (!s || !isMulticastIp(parseIp(step.group)) || gone.has(step.iface)) continue;
      const spec = scenario.interfaces.find((i) => i.name === step.iface);
      const own = [...(spec?.ipv4 ?? []), ...(spec?.ipv6 ?? [])].map((a) => parsePrefix(a).addr);
      const listed = step.sources?.[0];
      // send.src may not be an address of the receiving interface (docs/semantics.md).
      const src = listed !== undefined && !own.some((a) => sameIp(a, parseIp(listed))) ? listed : OUTSIDE_SOURCE[s.family];
      steps.push({ op: 'send', id: `kprobe-${n++}`, iface: step.iface, src, dst: step.group, port: s.port });
    }
  }
  return { ...scenario, steps };
}
