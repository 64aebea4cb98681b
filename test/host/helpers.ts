// Builders for the host tests: a one- or two-interface host and step shorthands.
import type { FaultName } from '../../src/faults.ts';
import { Host } from '../../src/host/host.ts';
import type { InterfaceSpec, JoinStep, Step } from '../../src/scenario/types.ts';

/** mac 02:00:00:00:00:02 → EUI-64 link-local fe80::ff:fe00:2 (02 ^ 02 = 00, ff:fe in the middle). */
export const ETH0: InterfaceSpec = { name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.0.0.2/24'], ipv6: ['2001:db8::2/64'] };
export const ETH1: InterfaceSpec = { name: 'eth1', mac: '02:00:00:00:00:03', ipv4: ['10.1.0.2/24'], ipv6: ['2001:db8:1::2/64'] };

export function host(opts: { faults?: FaultName[]; profile?: string; interfaces?: InterfaceSpec[] } = {}): Host {
  return new Host(opts.interfaces ?? [ETH0], {
    ...(opts.profile ? { profile: opts.profile } : {}),
    faults: new Set(opts.faults ?? []),
  });
}

export function open(socket: string, family: 'ipv4' | 'ipv6' = 'ipv4', bind?: string, port = 5000): Step {
  return { op: 'open', socket, family, bind: bind ?? (family === 'ipv4' ? '0.0.0.0' : '::'), port };
}

export function join(socket: string, group: string, iface = 'eth0', filter?: { mode: 'include' | 'exclude'; sources: string[] }): JoinStep {
  return { op: 'join', socket, group, iface, ...(filter ?? {}) };
}

export function leave(socket: string, group: string, iface = 'eth0'): Step {
  return { op: 'leave', socket, group, iface };
}

let sendCount = 0;
export function send(src: string, dst: string, iface = 'eth0', port = 5000): Step {
  return { op: 'send', id: `m${sendCount++}`, iface, src, dst, port };
}

/** Applies steps and returns their errnos. */
export function run(h: Host, ...steps: Step[]): (string | null)[] {
  return steps.map((s) => h.apply(s).error);
}

/** Sockets a datagram reaches (asserting the NIC accepted it when `nic` says so). */
export function receivers(h: Host, step: Step): readonly string[] {
  const r = h.apply(step);
  if (!r.delivery) throw new Error('not a send step');
  return r.delivery.sockets;
}

/** n distinct IPv4 groups 230.0.0.1, 230.0.0.2, ... */
export function ipv4Groups(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `230.0.${(i + 1) >> 8}.${(i + 1) & 0xff}`);
}

/** n distinct IPv4 unicast sources 192.0.2.1, ... */
export function ipv4Sources(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `192.0.2.${i + 1}`);
}

export function ipv6Sources(n: number): string[] {
  return Array.from({ length: n }, (_, i) => `2001:db8:99::${(i + 1).toString(16)}`);
}
