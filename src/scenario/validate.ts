// Static validation of a scenario that already has the schema's shape: the rules of
// docs/semantics.md "Static validation". Each failure is an InputError whose `where` is the JSON
// pointer of the offending field. Anything else that can go wrong is a result (an errno).
import { InputError } from '../errors.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { type Family, type IpAddr, isMulticastIp, isWildcard, parseIp, parsePrefix, sameIp } from '../wire/ip.ts';
import { isMulticastMac, type Mac, parseMac } from '../wire/mac.ts';
import { pointerToken } from './pointer.ts';
import { type AnyStep, type InterfaceSpec, isRelayKind, isRouteStep, type Scenario, type SimulateResult } from './types.ts';
import { type RouteSockets, validateRouteStep, validateSendTtl } from './validate-route.ts';

/** include/linux/etherdevice.h is_valid_ether_addr: neither multicast nor 00:00:00:00:00:00. */
function isValidStationMac(mac: Mac): boolean {
  return !isMulticastMac(mac) && mac !== '00:00:00:00:00:00';
}

function fail(where: string, message: string): never {
  throw new InputError(where, message);
}

function parseOfFamily(text: string, family: Family, where: string): IpAddr {
  const ip = parseIp(text, where);
  if (ip.family !== family) fail(where, `${JSON.stringify(text)} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address`);
  return ip;
}

interface DeclaredInterface {
  readonly spec: InterfaceSpec;
  readonly ipv4: readonly IpAddr[];
  readonly ipv6: readonly IpAddr[];
}

function validateInterfaces(interfaces: readonly InterfaceSpec[]): Map<string, DeclaredInterface> {
  const declared = new Map<string, DeclaredInterface>();
  interfaces.forEach((spec, i) => {
    const at = `/interfaces/${i}`;
    if (declared.has(spec.name)) fail(`${at}/name`, `interface ${JSON.stringify(spec.name)} is declared twice`);
    const mac = parseMac(spec.mac, `${at}/mac`);
    if (!isValidStationMac(mac)) fail(`${at}/mac`, `${JSON.stringify(spec.mac)} is not a unicast MAC address`);
    const addresses = (family: Family): IpAddr[] =>
      (spec[family] ?? []).map((text, j) => {
        const where = `${at}/${family}/${j}`;
        const { addr } = parsePrefix(text, where);
        // One spelling of a prefix length, as every consumer (the oracle, `ip addr add` in
        // kernel mode) reads it: decimal without leading zeros.
        const length = text.slice(text.lastIndexOf('/') + 1);
        if (!/^(0|[1-9][0-9]*)$/.test(length)) {
          fail(where, `invalid prefix length ${JSON.stringify(length)} in ${JSON.stringify(text)}: write it in decimal without leading zeros (0 to ${family === 'ipv4' ? 32 : 128})`);
        }
        if (addr.family !== family) fail(where, `${JSON.stringify(text)} is not an ${family === 'ipv4' ? 'IPv4' : 'IPv6'} address/prefix`);
        // net/ipv6/addrconf.c inet6_addr_add refuses multicast addresses; the wildcard is no address.
        if (isMulticastIp(addr) || isWildcard(addr)) fail(where, `${JSON.stringify(text)} is not a unicast address`);
        return addr;
      });
    const ipv4 = addresses('ipv4');
    const ipv6 = addresses('ipv6');
    if (spec.disableIpv6 === true && ipv6.length > 0) {
      fail(`${at}/ipv6`, 'an interface with disableIpv6 has no IPv6 address (net.ipv6.conf.<if>.disable_ipv6=1)');
    }
    validateStacking(spec, at, declared, mac);
    if (spec.nic !== undefined) {
      try {
        resolveProfile(spec.nic);
      } catch (e) {
        if (e instanceof InputError) fail(`${at}/nic`, bareMessage(e));
        throw e;
      }
    }
    declared.set(spec.name, { spec, ipv4, ipv6 });
  });
  return declared;
}

/**
 * A macvlan names a plain interface declared before it as `lower`; it has no NIC of its own, and
 * its MAC may be neither its lower's nor a sibling's (drivers/net/macvlan.c macvlan_addr_busy:
 * macvlan_open fails with EADDRINUSE). Only a macvlan may be created down (`up: false`): plain
 * and exception-path interfaces stay up.
 */
function validateStacking(spec: InterfaceSpec, at: string, declared: ReadonlyMap<string, DeclaredInterface>, mac: Mac): void {
  if (spec.up !== undefined && spec.kind !== 'macvlan') {
    fail(`${at}/up`, `only a macvlan can be created down; ${spec.kind === undefined ? 'plain interfaces' : `a ${spec.kind}`} stay up`);
  }
  if (spec.kind === undefined) {
    if (spec.lower !== undefined) fail(`${at}/lower`, 'only a stacked interface ("kind": "macvlan") has a lower interface');
    return;
  }
  if (spec.lower === undefined) fail(`${at}/lower`, `a ${spec.kind} interface needs "lower": the name of an interface declared before it`);
  const lower = declared.get(spec.lower);
  if (!lower) fail(`${at}/lower`, `interface ${JSON.stringify(spec.lower)} is not declared before ${JSON.stringify(spec.name)}`);
  if (lower.spec.kind !== undefined) fail(`${at}/lower`, `${JSON.stringify(spec.lower)} is itself a ${lower.spec.kind}: only plain interfaces can be a lower`);
  if (spec.nic !== undefined) fail(`${at}/nic`, `a ${spec.kind} has no NIC of its own: frames pass its lower's NIC (${JSON.stringify(spec.lower)})`);
  const ports = [...declared.values()].filter((d) => isRelayKind(d.spec.kind)).map((d) => d.spec.lower);
  if (ports.includes(spec.lower)) {
    fail(`${at}/lower`, `${JSON.stringify(spec.lower)} is a DPDK port already used by an exception-path interface: the PMD owns it, nothing else stacks on it`);
  }
  if (isRelayKind(spec.kind)) {
    // The port is the PMD's, not a kernel interface: its addresses would be the KNI / tap device's.
    if ((lower.spec.ipv4?.length ?? 0) + (lower.spec.ipv6?.length ?? 0) > 0 || lower.spec.disableIpv6 !== undefined) {
      fail(`${at}/lower`, `${JSON.stringify(spec.lower)} is the DPDK port of a ${spec.kind}: it is owned by the poll-mode driver and has no kernel addresses; give them to ${JSON.stringify(spec.name)}`);
    }
    if ([...declared.values()].some((d) => d.spec.kind === 'macvlan' && d.spec.lower === spec.lower)) {
      fail(`${at}/lower`, `${JSON.stringify(spec.lower)} already has a macvlan: a DPDK port is no kernel interface to stack on`);
    }
    return;
  }
  for (const other of declared.values()) {
    const sibling = other.spec.name === spec.lower || (other.spec.kind !== undefined && other.spec.lower === spec.lower);
    if (sibling && parseMac(other.spec.mac) === mac) {
      fail(`${at}/mac`, `${JSON.stringify(spec.mac)} is already used by ${JSON.stringify(other.spec.name)} on the same lower (macvlan_addr_busy: EADDRINUSE)`);
    }
  }
}

/** The message of an InputError without its `where: ` prefix. */
export function bareMessage(e: InputError): string {
  return e.where && e.message.startsWith(`${e.where}: `) ? e.message.slice(e.where.length + 2) : e.message;
}

function validateSteps(steps: readonly AnyStep[], declared: Map<string, DeclaredInterface>): void {
  // Socket id -> family of its most recent open; `open` marks whether it is open now.
  const sockets = new Map<string, { family: Family; open: boolean }>();
  const ids = new Set<string>();
  const routeSockets: RouteSockets = new Map();
  // Interfaces a link-del step deleted: only join (ENODEV) and leave (a stale membership) may name them.
  const gone = new Set<string>();
  const iface = (name: string, where: string): DeclaredInterface => {
    if (gone.has(name)) fail(where, `interface ${JSON.stringify(name)} was deleted by an earlier link-del step: only join and leave may name it`);
    return declared.get(name) ?? fail(where, `interface ${JSON.stringify(name)} is not declared in /interfaces`);
  };

  // DPDK ports under an exception-path interface: frames arrive there, nothing else happens there.
  const ports = new Map([...declared.values()].filter((d) => isRelayKind(d.spec.kind)).map((d) => [d.spec.lower, d.spec.name] as const));
  // A KNI device written either way: its port (kind kni-*), or an interface whose nic is "kni-...+LOWER".
  const kniReceiver = (name: string): boolean => {
    const d = declared.get(name);
    const nic = d?.spec.nic;
    if (/^kni-/.test(d?.spec.kind ?? '')) return true;
    if (nic !== undefined && /^kni-/.test(resolveProfile(nic).stacked?.kind ?? '')) return true;
    const relay = ports.get(name);
    return relay !== undefined && /^kni-/.test(declared.get(relay)?.spec.kind ?? '');
  };
  steps.forEach((step, i) => {
    const at = `/steps/${i}`;
    // A vif may name a device that does not exist: the kernel answers EADDRNOTAVAIL (ipmr.c vif_add).
    // A deleted interface is a device that does not exist: vif-add answers EADDRNOTAVAIL, a join
    // by its ifindex ENODEV and a leave drops the socket's stale membership (net/ipv4/igmp.c
    // ip_mc_leave_group, net/ipv6/mcast.c ipv6_sock_mc_drop: neither needs the device).
    const byIfindex = step.op === 'join' || step.op === 'leave';
    if ('iface' in step && step.iface !== undefined && step.op !== 'vif-add' && !(byIfindex && gone.has(step.iface))) iface(step.iface, `${at}/iface`);
    const onPort = 'iface' in step && step.iface !== undefined ? ports.get(step.iface) : undefined;
    if (onPort !== undefined && step.op !== 'send' && step.op !== 'frame') {
      fail(`${at}/iface`, `${JSON.stringify((step as { iface: string }).iface)} is a DPDK port (the PMD's, not the kernel's): only send and frame arrive there; ${step.op} goes to ${JSON.stringify(onPort)}`);
    }
    if (isRouteStep(step)) return validateRouteStep(step, at, routeSockets);
    switch (step.op) {
      case 'open': {
        const prior = sockets.get(step.socket);
        if (prior?.open) fail(`${at}/socket`, `socket ${JSON.stringify(step.socket)} is already open (close it first)`);
        const bind = parseOfFamily(step.bind, step.family, `${at}/bind`);
        const local = [...declared.values()].some((d) => d[step.family].some((a) => sameIp(a, bind)));
        if (!isWildcard(bind) && !isMulticastIp(bind) && !local) {
          fail(`${at}/bind`, `${JSON.stringify(step.bind)} is neither the wildcard, a multicast address nor an address of an interface`);
        }
        sockets.set(step.socket, { family: step.family, open: true });
        return;
      }
      case 'join':
      case 'leave': {
        const family = sockets.get(step.socket)?.family;
        const group = parseIp(step.group, `${at}/group`);
        if (family !== undefined && group.family !== family) {
          fail(`${at}/group`, `socket ${JSON.stringify(step.socket)} is ${family === 'ipv4' ? 'IPv4' : 'IPv6'}; ${JSON.stringify(step.group)} is of the other family`);
        }
        if (step.op === 'join') {
          if (step.sources !== undefined && step.mode === undefined) fail(`${at}/mode`, 'sources given without mode ("include" or "exclude")');
          if (step.mode !== undefined && step.sources === undefined) fail(`${at}/sources`, `mode ${JSON.stringify(step.mode)} given without sources`);
          step.sources?.forEach((s, j) => parseOfFamily(s, group.family, `${at}/sources/${j}`));
        }
        return;
      }
      case 'close': {
        const s = sockets.get(step.socket);
        if (s) s.open = false;
        return;
      }
      case 'maddr': {
        const mac = parseMac(step.mac, `${at}/mac`);
        if (!isMulticastMac(mac)) fail(`${at}/mac`, `${JSON.stringify(step.mac)} is not a multicast MAC address`);
        return;
      }
      case 'fill':
      case 'promisc':
      case 'allmulti':
        return;
      case 'link': {
        const kind = iface(step.iface, `${at}/iface`).spec.kind;
        if (kind === undefined) {
          fail(`${at}/iface`, `${JSON.stringify(step.iface)} is a plain interface: plain interfaces stay up, only stacked ones go down and up`);
        }
        if (isRelayKind(kind)) fail(`${at}/iface`, `${JSON.stringify(step.iface)} is a ${kind}: exception-path interfaces stay up in scenarios (only macvlans go down and up)`);
        return;
      }
      case 'link-del': {
        const kind = iface(step.iface, `${at}/iface`).spec.kind;
        if (isRelayKind(kind)) fail(`${at}/iface`, `${JSON.stringify(step.iface)} is a ${kind}: deleting an exception-path interface is not modelled`);
        gone.add(step.iface);
        // drivers/net/macvlan.c macvlan_device_event, NETDEV_UNREGISTER: the lower takes its macvlans.
        for (const d of declared.values()) if (d.spec.kind === 'macvlan' && d.spec.lower === step.iface) gone.add(d.spec.name);
        return;
      }
      case 'send': {
        if (ids.has(step.id)) fail(`${at}/id`, `id ${JSON.stringify(step.id)} is used by an earlier send/frame step`);
        ids.add(step.id);
        const dst = parseIp(step.dst, `${at}/dst`);
        if (!isMulticastIp(dst)) fail(`${at}/dst`, `${JSON.stringify(step.dst)} is not a multicast address`);
        const src = parseOfFamily(step.src, dst.family, `${at}/src`);
        if (isMulticastIp(src) || isWildcard(src)) fail(`${at}/src`, `${JSON.stringify(step.src)} is not a unicast address`);
        validateSendTtl(step, at);
        if (step.burst !== undefined && !kniReceiver(step.iface)) {
          fail(`${at}/burst`, `a burst travels the KNI data path: ${JSON.stringify(step.iface)} is neither a KNI interface (kind kni-*, or nic "kni-...+LOWER") nor its port`);
        }
        if (iface(step.iface, `${at}/iface`)[src.family].some((a) => sameIp(a, src))) {
          fail(`${at}/src`, `${JSON.stringify(step.src)} is an address of the receiving interface ${JSON.stringify(step.iface)}`);
        }
        return;
      }
      case 'frame': {
        if (ids.has(step.id)) fail(`${at}/id`, `id ${JSON.stringify(step.id)} is used by an earlier send/frame step`);
        ids.add(step.id);
        parseMac(step.dst, `${at}/dst`);
        return;
      }
    }
  });
}

/** An expectation must talk about this scenario: same ops, declared interfaces, known ids. */
function validateResult(result: SimulateResult, scenario: Scenario, at: string): void {
  if (result.steps.length !== scenario.steps.length) {
    fail(`${at}/steps`, `has ${result.steps.length} step result(s) for ${scenario.steps.length} step(s)`);
  }
  result.steps.forEach((r, i) => {
    const op = scenario.steps[i]?.op;
    if (r.op !== op) fail(`${at}/steps/${i}/op`, `is ${JSON.stringify(r.op)} but step ${i} is ${JSON.stringify(op)}`);
  });
  const names = new Set(scenario.interfaces.map((s) => s.name));
  for (const [name, r] of Object.entries(result.interfaces)) {
    const where = `${at}/interfaces/${pointerToken(name)}`;
    if (!names.has(name)) fail(where, `interface ${JSON.stringify(name)} is not declared in /interfaces`);
    r.mc.forEach((e, j) => parseMac(e.mac, `${where}/mc/${j}/mac`));
  }
  const ids = new Set(scenario.steps.flatMap((s) => (s.op === 'send' || s.op === 'frame' ? [s.id] : [])));
  for (const id of Object.keys(result.deliveries)) {
    if (!ids.has(id)) fail(`${at}/deliveries/${pointerToken(id)}`, `no send or frame step has id ${JSON.stringify(id)}`);
  }
}

/**
 * Throws InputError(JSON pointer, message) for the first rule of docs/semantics.md "Static
 * validation" the scenario breaks; the scenario must already match the schema.
 */
export function validateScenario(scenario: Scenario): void {
  const declared = validateInterfaces(scenario.interfaces);
  validateSteps(scenario.steps, declared);
  if (scenario.expect) validateResult(scenario.expect, scenario, '/expect');
  if (scenario.observed) validateResult(scenario.observed, scenario, '/observed');
}
