// Static validation of the routing steps (issue 13), called by validate.ts: what the schema cannot
// see. Sockets opened by mrt-init have a family; entries must use addresses of that family, IPv4
// entries give per-vif TTLs and IPv6 entries an interface set. Errnos stay results.
import { InputError } from '../errors.ts';
import { isMulticastIp, parseIp } from '../wire/ip.ts';
import type { RouteStep, SendStep, SocketFamily } from './types.ts';

function fail(where: string, message: string): never {
  throw new InputError(where, message);
}

/** Route socket id -> the family its first mrt-init gave it. */
export type RouteSockets = Map<string, SocketFamily>;

export function validateRouteStep(step: RouteStep, at: string, sockets: RouteSockets): void {
  switch (step.op) {
    case 'mrt-init':
    case 'mrt-open': {
      const known = sockets.get(step.socket);
      if (known !== undefined && known !== step.family) fail(`${at}/family`, `routing socket ${JSON.stringify(step.socket)} is ${known}`);
      if (step.proto === 'igmp' && step.family === 'ipv6') fail(`${at}/proto`, 'an IPv6 socket cannot be raw IGMP');
      if (step.proto === 'icmpv6' && step.family === 'ipv4') fail(`${at}/proto`, 'an IPv4 socket cannot be raw ICMPv6');
      sockets.set(step.socket, step.family);
      return;
    }
    case 'vif-add': {
      if (step.iface !== undefined && step.register === true) fail(`${at}/iface`, 'a vif names an interface, or is the register vif (register: true), not both');
      // vifc_lcl_addr and vifc_lcl_ifindex share a union (include/uapi/linux/mroute.h struct vifctl).
      if (step.iface !== undefined && step.local !== undefined) fail(`${at}/local`, 'a vif names an interface (by ifindex) or a local address, not both');
      if (step.iface === undefined && step.register !== true && step.local === undefined) fail(`${at}/iface`, 'a vif names an interface, a local address, or is the register vif (register: true)');
      if (step.local !== undefined) {
        if (parseIp(step.local, `${at}/local`).family !== 'ipv4') fail(`${at}/local`, `${JSON.stringify(step.local)} is not an IPv4 address (struct vifctl's vifc_lcl_addr)`);
        if (sockets.get(step.socket) === 'ipv6') fail(`${at}/local`, `routing socket ${JSON.stringify(step.socket)} is ipv6: struct mif6ctl has no local address`);
      }
      return;
    }
    case 'mfc-add':
    case 'mfc-del': {
      const family = sockets.get(step.socket);
      const origin = parseIp(step.origin, `${at}/origin`);
      const group = parseIp(step.group, `${at}/group`);
      if (origin.family !== group.family) fail(`${at}/group`, `${JSON.stringify(step.group)} is not of the family of ${JSON.stringify(step.origin)}`);
      if (family !== undefined && group.family !== family) fail(`${at}/group`, `routing socket ${JSON.stringify(step.socket)} is ${family}`);
      if (isMulticastIp(origin)) fail(`${at}/origin`, `${JSON.stringify(step.origin)} is not a unicast address or the wildcard`);
      if (step.op === 'mfc-add') {
        if (group.family === 'ipv4' && step.oifs !== undefined) fail(`${at}/oifs`, 'IPv4 entries give per-vif TTLs (ttls), not an interface set');
        if (group.family === 'ipv6' && step.ttls !== undefined) fail(`${at}/ttls`, 'IPv6 entries give an interface set (oifs), not TTLs');
      }
      return;
    }
    case 'mrt-done':
    case 'mrt-assert':
    case 'mrt-get':
    case 'mrt-pim':
    case 'mrt-flush':
    case 'vif-del':
    case 'tick':
      return;
  }
}

/** A send's TTL fields: `hopLimit` only for IPv6, not together with `ttl`. */
export function validateSendTtl(step: SendStep, at: string): void {
  if (step.hopLimit === undefined) return;
  if (step.ttl !== undefined) fail(`${at}/hopLimit`, 'give ttl or hopLimit, not both');
  if (!step.dst.includes(':')) fail(`${at}/hopLimit`, 'hopLimit is for IPv6 datagrams; IPv4 ones have a ttl');
}
