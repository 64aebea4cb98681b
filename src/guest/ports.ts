// The guest's NICs as the scenario's interfaces: which scenarios a guest of N NICs can hold, and
// the shell script that turns the NICs into a scenario's fresh interfaces between scenarios
// (driver rebind where disable_ipv6 must change, address flush, rename, MAC). Pure: the backend
// (backend.ts) runs the script through the agent.
import { InputError } from '../errors.ts';
import type { InterfaceSpec, Scenario } from '../scenario/types.ts';
import { isRouteStep } from '../scenario/types.ts';
import { parseMac } from '../wire/mac.ts';
import type { Wire } from './probe.ts';

/** What the agent's tags carry (agent.c note()): ids and socket names must be made of these. */
const ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** IFNAMSIZ - 1 characters (include/uapi/linux/if.h). */
const IFNAME_PATTERN = /^[A-Za-z][A-Za-z0-9_.-]{0,14}$/;
/** The name a NIC waits under between scenarios, or while no interface takes it. */
const SPARE_NAME = /^mtbnic[0-9]+$/;
/** Polls (50 ms of guest time each) for the NIC to come back after the driver is bound again. */
const REBIND_POLLS = 200;

/** One NIC of the guest: its PCI device, its wire, and what the last scenario left on it. */
export interface GuestPort {
  /** Its index in QEMU's -device order (its wire: Guest.inject's `nic`). */
  readonly index: number;
  /**
   * The sysfs path of the device its driver binds to (/sys/devices/pci0000:00/0000:00:03.0, or
   * .../virtio0 for virtio_net): the NIC is found again under it after a rebind renames it.
   */
  readonly device: string;
  readonly wire: Wire;
  /** Its current name in the guest. */
  ifname: string;
  /** Its disable_ipv6 (0 at boot). */
  ipv6Disabled: boolean;
  /** The last scenario's `ip maddr add`s: deleted before the next scenario. */
  readonly maddrs: Set<string>;
}

export function spareName(index: number): string {
  return `mtbnic${index}`;
}

/**
 * The scenario's interfaces, checked for what a guest of `nics` NICs can hold: at most `nics`
 * plain interfaces, names the guest can give, ids the agent takes, no routing steps.
 */
export function guestInterfaces(scenario: Scenario, nics: number): readonly InterfaceSpec[] {
  const n = scenario.interfaces.length;
  if (n < 1 || n > nics) {
    throw new InputError('/interfaces', nics === 1 ? `the guest has one NIC; the scenario has ${n} interfaces` : `the guest has ${nics} NICs; the scenario has ${n} interfaces`);
  }
  scenario.interfaces.forEach((spec, k) => {
    if (spec.kind !== undefined) throw new InputError(`/interfaces/${k}/kind`, `the guest's NICs are plain interfaces, not ${spec.kind}`);
    if (!IFNAME_PATTERN.test(spec.name) || spec.name === 'lo' || SPARE_NAME.test(spec.name)) {
      throw new InputError(`/interfaces/${k}/name`, `interface name ${JSON.stringify(spec.name)} cannot be given to a guest NIC (mtbnicN is the guest's spare name)`);
    }
    parseMac(spec.mac, `/interfaces/${k}/mac`);
  });
  scenario.steps.forEach((s, i) => {
    if (isRouteStep(s)) throw new InputError(`/steps/${i}`, `a routing step (${s.op}): the guest runner runs receive-path steps only`);
    const ids: [string, string | undefined][] = [['socket', (s as { socket?: string }).socket], ['id', (s as { id?: string }).id]];
    for (const [field, v] of ids) {
      if (v !== undefined && !ID_PATTERN.test(v)) throw new InputError(`/steps/${i}/${field}`, `${JSON.stringify(v)}: the guest agent takes ${ID_PATTERN.source}`);
    }
  });
  return scenario.interfaces;
}

export interface ResetPlan {
  /** One `sh` line: exits 0, or a code `failures` names. */
  readonly script: string;
  readonly failures: ReadonlyMap<string, string>;
  /** Records the names and disable_ipv6 the script gave the ports (call once it exited 0). */
  commit(): void;
}

/**
 * The script that makes port k interface `specs[k]` (a port past the specs waits down as
 * mtbnicK). The NICs are down and their static entries gone when it runs. A port whose
 * disable_ipv6 must change has its driver unbound and bound again: a new net_device copies the
 * IPv6 defaults at register (net/ipv6/addrconf.c ipv6_add_dev), while disabling IPv6 on a live
 * device would drop ff02::1 from dev->mc (addrconf_disable_ipv6 -> addrconf_ifdown). Names move
 * in two rounds (every renamed port to its spare name, then to its interface name), so two NICs
 * can swap names.
 */
export function resetScript(ports: readonly GuestPort[], specs: readonly InterfaceSpec[]): ResetPlan {
  const failures = new Map<string, string>();
  const lines: string[] = [];
  const fail = (what: string): string => {
    const code = String(3 + failures.size);
    failures.set(code, what);
    return `exit ${code}`;
  };
  const next: { port: GuestPort; ifname: string; ipv6Disabled: boolean }[] = [];
  const second: string[] = [];
  for (const port of ports) {
    const spec = specs[port.index];
    const target = spec?.name ?? spareName(port.index);
    const spare = spareName(port.index);
    const disable = spec === undefined ? port.ipv6Disabled : spec.disableIpv6 === true;
    const d = port.device;
    const bound = d.slice(d.lastIndexOf('/') + 1);
    let current = port.ifname;
    if (disable !== port.ipv6Disabled) {
      lines.push(
        `echo ${disable ? 1 : 0} > /proc/sys/net/ipv6/conf/default/disable_ipv6`,
        `drv=$(readlink -f ${d}/driver)`,
        `{ echo ${bound} > $drv/unbind && echo ${bound} > $drv/bind; } || ${fail(`rebinding the driver of ${bound}`)}`,
        'n=',
        `for i in $(seq ${REBIND_POLLS}); do for x in ${d}/net/*; do [ -e "$x" ] && n=\${x##*/}; done; [ -n "$n" ] && break; sleep 0.05; done`,
        `[ -n "$n" ] || ${fail(`waiting for the NIC of ${bound} to come back`)}`,
        `ip link set dev $n name ${spare} || ${fail(`renaming the rebound NIC of ${bound} to ${spare}`)}`,
      );
      current = spare;
    } else {
      lines.push(`ip addr flush dev ${current}`);
      if (current !== target && current !== spare) {
        lines.push(`ip link set dev ${current} name ${spare} || ${fail(`renaming ${current} to ${spare}`)}`);
        current = spare;
      }
    }
    if (spec !== undefined) second.push(`ip link set dev ${current} address ${parseMac(spec.mac)} || ${fail(`setting MAC ${spec.mac} on ${current}`)}`);
    if (current !== target) second.push(`ip link set dev ${current} name ${target} || ${fail(`renaming ${current} to ${target}`)}`);
    next.push({ port, ifname: target, ipv6Disabled: disable });
  }
  return {
    script: [...lines, ...second].join('; '),
    failures,
    commit: () => {
      for (const n of next) {
        n.port.ifname = n.ifname;
        n.port.ipv6Disabled = n.ipv6Disabled;
      }
    },
  };
}
