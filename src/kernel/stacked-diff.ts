// The VLAN and bond differential: a fixed script of list, flag and up/down changes on a VLAN or a
// bond stacked on veths in a fresh namespace, each step compared with src/relay/vlan.ts /
// src/relay/bond.ts on the lower devices' /proc/net/dev_mcast users of the script's groups and
// their allmulti counts (`ip -d link`). Needs the 8021q / bonding drivers: where this machine's
// kernel lacks them it runs in the QEMU guest (a KernelHost, src/sys/kernel-host.ts; the place is
// chosen by src/guest/kernel-place.ts; docs/guest.md).
import { Bond } from '../relay/bond.ts';
import { StackedDevice } from '../relay/stacked.ts';
import { Vlan } from '../relay/vlan.ts';
import { type Mac, parseMac } from '../wire/mac.ts';
import { type KernelHost, hostIp, runAll } from '../sys/kernel-host.ts';
import { KernelEnvError } from '../sys/netns.ts';
import { parseDevMcast } from './proc-net.ts';

export type StackedKind = 'vlan' | 'bond';

const GROUPS: readonly Mac[] = ['01:00:5e:33:00:01', '01:00:5e:33:00:02'].map((m) => parseMac(m));

type Step = { readonly op: 'add' | 'del'; readonly mac: Mac } | { readonly op: 'up' | 'down' } | { readonly op: 'allmulti'; readonly on: boolean } | { readonly op: 'release' };

/** Every rule the models state, in one short script: sync only while up, counts, unsync, release. */
export const STACKED_SCRIPT: readonly Step[] = [
  { op: 'add', mac: GROUPS[0]! },
  { op: 'allmulti', on: true },
  { op: 'up' },
  { op: 'add', mac: GROUPS[1]! },
  { op: 'down' },
  { op: 'allmulti', on: false },
  { op: 'up' },
  { op: 'del', mac: GROUPS[0]! },
  { op: 'allmulti', on: true },
  { op: 'release' },
];

export interface StackedObservation {
  readonly step: number;
  /** Per lower device: users of each script group (0 when absent) and the allmulti count. */
  readonly lowers: Record<string, { readonly users: readonly number[]; readonly allmulti: number }>;
}

interface Upper {
  readonly lowers: readonly StackedDevice[];
  apply(s: Step): void;
}

function modelUpper(kind: StackedKind): Upper {
  const lowers = [new StackedDevice('veth0'), new StackedDevice('veth2')];
  if (kind === 'vlan') {
    const v = new Vlan('veth0.5', lowers[0]!);
    return {
      lowers: lowers.slice(0, 1),
      apply: (s) => {
        if (s.op === 'add') v.mcAdd(s.mac);
        else if (s.op === 'del') v.mcDel(s.mac);
        else if (s.op === 'up') v.open();
        else if (s.op === 'down') v.stop();
        else if (s.op === 'allmulti') v.setUserFlag('allmulti', s.on);
      },
    };
  }
  const b = new Bond('bond0', 'balance-rr');
  for (const l of lowers) b.enslave(l);
  return {
    lowers,
    apply: (s) => {
      if (s.op === 'add') b.mcAdd(s.mac);
      else if (s.op === 'del') b.mcDel(s.mac);
      else if (s.op === 'up') b.open();
      else if (s.op === 'down') b.stop();
      else if (s.op === 'allmulti') b.setUserFlag('allmulti', s.on);
      else b.release(lowers[1]!);
    },
  };
}

/** The model's observations after each step of the script. */
export function modelStacked(kind: StackedKind, script: readonly Step[] = STACKED_SCRIPT): StackedObservation[] {
  const m = modelUpper(kind);
  return script.map((s, step) => {
    m.apply(s);
    return {
      step,
      lowers: Object.fromEntries(m.lowers.map((l) => [l.name, { users: GROUPS.map((g) => l.mc.get(g)?.refcount ?? 0), allmulti: l.flags.allmulti }])),
    };
  });
}

/** The kernel's observations after each step (the driver must exist: stackedKindUnavailable, hostFeatureMissing). */
export async function kernelStacked(host: KernelHost, kind: StackedKind, script: readonly Step[] = STACKED_SCRIPT): Promise<StackedObservation[]> {
  const ns = await host.createNamespace();
  try {
    const run = (args: string[]): Promise<string> => hostIp(host, ['-n', ns, ...args]);
    await run(['link', 'add', 'veth0', 'type', 'veth', 'peer', 'name', 'veth1']);
    await run(['link', 'add', 'veth2', 'type', 'veth', 'peer', 'name', 'veth3']);
    const lowers = kind === 'vlan' ? ['veth0'] : ['veth0', 'veth2'];
    const upper = kind === 'vlan' ? 'veth0.5' : 'bond0';
    if (kind === 'vlan') {
      await run(['link', 'set', 'veth0', 'up']);
      await run(['link', 'add', 'link', 'veth0', 'name', upper, 'type', 'vlan', 'id', '5']);
    } else {
      await run(['link', 'add', upper, 'type', 'bond', 'mode', 'balance-rr']);
      for (const l of lowers) await run(['link', 'set', l, 'master', upper]);
    }
    // Only the script's groups and the allmulti counts are compared: the automatic groups of
    // the devices (224.0.0.1, ff02::1, ...) are not the script's.
    const out: StackedObservation[] = [];
    for (const [step, s] of script.entries()) {
      const args =
        s.op === 'add' || s.op === 'del'
          ? ['maddr', s.op, s.mac, 'dev', upper]
          : s.op === 'up' || s.op === 'down'
            ? ['link', 'set', upper, s.op]
            : s.op === 'allmulti'
              ? ['link', 'set', upper, 'allmulticast', s.on ? 'on' : 'off']
              : ['link', 'set', 'veth2', 'nomaster'];
      const [, mcast, shown] = await runAll(host, [
        { call: 'ip', args: ['-n', ns, ...args] },
        { call: 'read', ns, path: '/proc/thread-self/net/dev_mcast' },
        { call: 'ip', args: ['-n', ns, '-d', '-j', 'link', 'show'] },
      ]);
      const links = JSON.parse(shown as string) as { ifname: string; allmulti?: number }[];
      out.push({
        step,
        lowers: Object.fromEntries(
          lowers.map((l) => {
            const rows = parseDevMcast(mcast as string, l);
            const allmulti = links.find((x) => x.ifname === l)?.allmulti;
            if (allmulti === undefined) throw new KernelEnvError(`ip -d link does not print allmulti for ${l} (${host.label})`);
            return [l, { users: GROUPS.map((g) => rows.find((r) => r.mac === g)?.users ?? 0), allmulti }];
          }),
        ),
      });
    }
    return out;
  } finally {
    await host.deleteNamespace(ns);
  }
}
