// simulate(scenario): runs the scenario's steps through the host model and collects the output
// shape of src/scenario/types.ts.
import { InputError } from './errors.ts';
import type { FaultSet } from './faults.ts';
import { Host } from './host/host.ts';
import type { AnyStep, Delivery, InterfaceResult, JsonValue, Scenario, SimulateResult, StepResult } from './scenario/types.ts';
import { compareMac, type Mac } from './wire/mac.ts';

export interface SimulateOptions {
  /** Overrides every interface's `nic`. */
  readonly profile?: string;
  readonly faults?: FaultSet;
  /** Adds every view after every step: each interface's NIC state (StepResult.nic) and the rest (StepResult.views). */
  readonly trace?: boolean;
}

/** Each interface's device list (with refcounts), global use, group records, flag counters and NIC state, as at the end. */
function interfaceResults(host: Host): Record<string, InterfaceResult> {
  const interfaces: Record<string, InterfaceResult> = {};
  for (const name of host.interfaceNames()) {
    const counters = host.counters(name);
    setOwn(interfaces, name, {
      mc: host.deviceList(name).sort((a, b) => compareMac(a.mac as Mac, b.mac as Mac)),
      promisc: counters.promisc,
      allmulti: counters.allmulti,
      nic: host.nicState(name),
      global: host.globalMacs(name),
      groups: host.groups(name),
    });
  }
  return interfaces;
}

/**
 * /proc/net/dev_mcast as Linux prints it (net/core/net-procfs.c dev_mc_seq_show: "%-4d %-15s %-5d
 * %-5d %*phN", no header): the scenario's interfaces in declaration order with ifindex 2, 3, ...
 * (lo, ifindex 1, is left out; a link-del leaves a gap), each device list in list order, users and global use.
 */
export function devMcastText(host: Host): string {
  return host
    .interfaceNames()
    .flatMap((name) => {
      const global = new Set<string>(host.globalMacs(name));
      return host.deviceList(name).map((e) => `${String(host.ifindex(name)).padEnd(4)} ${name.padEnd(15)} ${String(e.users).padEnd(5)} ${(global.has(e.mac) ? '1' : '0').padEnd(5)} ${e.mac.replaceAll(':', '')}\n`);
    })
    .join('');
}

/** Defines an own property, so that ids such as "__proto__" stay plain keys. */
function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
}

/** Runs a scenario; its steps may include the routing steps (src/scenario/types.ts RouteStep). */
export function simulate(scenario: Scenario | (Omit<Scenario, 'steps'> & { readonly steps: readonly AnyStep[] }), options: SimulateOptions = {}): SimulateResult {
  if (typeof scenario !== 'object' || scenario === null) throw new InputError('', 'a scenario must be an object');
  if (!Array.isArray(scenario.steps)) throw new InputError('/steps', 'must be an array');
  const host = new Host(scenario.interfaces, options);
  const steps: StepResult[] = [];
  const deliveries: Record<string, Delivery> = {};
  scenario.steps.forEach((step, i) => {
    const where = `/steps/${i}`;
    const result = host.apply(step, where);
    const trace: Partial<StepResult> = {};
    if (options.trace) {
      const nic: Record<string, JsonValue> = {};
      for (const name of host.interfaceNames()) setOwn(nic, name, host.nicState(name));
      const views = { interfaces: interfaceResults(host), dev_mcast: devMcastText(host), ...(host.routingActive ? { proc: host.routing.proc() } : {}) };
      Object.assign(trace, { nic, views });
    }
    if (!host.routingActive) steps.push({ op: step.op, error: result.error, ...trace });
    else {
      // Scenarios with route steps also show what each mfc-add replayed and the /proc views.
      const replayed = result.replayed ? { replayed: result.replayed } : {};
      const value = result.value !== undefined ? { value: result.value } : {};
      steps.push({ op: step.op, error: result.error, ...replayed, ...value, proc: host.routing.proc(), ...trace });
    }
    if (result.delivery) {
      const id = (step as { id?: unknown }).id;
      if (typeof id !== 'string') throw new InputError(`${where}/id`, 'send and frame steps need a string id');
      if (Object.hasOwn(deliveries, id)) throw new InputError(`${where}/id`, `id ${JSON.stringify(id)} repeats`);
      setOwn(deliveries, id, result.delivery);
    }
  });
  return { steps, interfaces: interfaceResults(host), deliveries };
}
