// The vif (IPv6: mif) table verbs: vif_add and vif_delete (net/ipv4/ipmr.c; mif6_add and
// mif6_delete in net/ipv6/ip6mr.c behave the same where not noted).
import type { Errno } from '../errors.ts';
import { MIFF_REGISTER, REGISTER_DEVICE, VIFF_REGISTER, VIFF_STATIC, VIFF_USE_IFINDEX } from './limits.ts';
import { type RouteFaultSet, VIF_NO_ALLMULTI } from './faults.ts';
import type { MrTable } from './table.ts';
import type { VifSpec } from './types.ts';
import { hostWord, routeAddr } from './address.ts';

/** What vif_add / vif_delete do to devices: dev_set_allmulti and the per-device mc_forwarding count. */
export interface DeviceOps {
  ifindex(dev: string): number | undefined;
  /** ip_dev_find (net/ipv4/fib_frontend.c): the device that holds this local IPv4 address. */
  deviceWithAddress(addr: string): string | undefined;
  /** dev_set_allmulti(dev, delta) (net/core/dev.c). */
  setAllmulti(dev: string, delta: number): void;
  /** IPV4_DEVCONF(in_dev->cnf, MC_FORWARDING) / in6_dev->cnf.mc_forwarding. */
  mcForwarding(dev: string, delta: number): void;
  /** ipmr_reg_vif / ip6mr_reg_vif: registers pimreg / pim6reg; unregistered again on delete. */
  registerDevice(name: string, up: boolean): void;
}

/** vif_add: `mrtsock` is true when the caller is the mroute socket (otherwise the vif is VIFF_STATIC). */
export function vif_add(t: MrTable, spec: VifSpec, mrtsock: boolean, devs: DeviceOps, faults: RouteFaultSet): Errno | null {
  const vifi = spec.vif;
  // Is vif busy? (vif_add: VIF_EXISTS -> -EADDRINUSE)
  if (t.vifExists(vifi)) return 'EADDRINUSE';
  let dev: string;
  let flags: number;
  // v->local = vifc_lcl_addr: the address word, or (a union) the ifindex of a VIFF_USE_IFINDEX vif.
  let local = spec.local === undefined || t.family === 'ipv6' ? 0 : hostWord(routeAddr(spec.local));
  if (spec.register) {
    // One register vif per table (vif_add VIFF_REGISTER: mroute_reg_vif_num >= 0 -> -EADDRINUSE).
    if (t.regVifNum >= 0) return 'EADDRINUSE';
    dev = REGISTER_DEVICE[t.family];
    devs.registerDevice(dev, true);
    flags = t.family === 'ipv4' ? VIFF_REGISTER : MIFF_REGISTER;
  } else if (spec.iface !== undefined || t.family === 'ipv6') {
    // VIFF_USE_IFINDEX (IPv4) / mif6c_pifi (IPv6): no such device -> -EADDRNOTAVAIL.
    const ifindex = spec.iface === undefined ? undefined : devs.ifindex(spec.iface);
    if (spec.iface === undefined || ifindex === undefined) return 'EADDRNOTAVAIL';
    dev = spec.iface;
    if (t.family === 'ipv4') {
      flags = VIFF_USE_IFINDEX;
      local = ifindex;
    } else flags = 0;
  } else {
    // vifc_flags 0: the device is the one holding vifc_lcl_addr (ip_dev_find), else -EADDRNOTAVAIL.
    const owner = spec.local === undefined ? undefined : devs.deviceWithAddress(spec.local);
    if (owner === undefined) return 'EADDRNOTAVAIL';
    dev = owner;
    flags = 0;
  }
  // Each vif holds one allmulti count on its device (vif_add / mif6_add: dev_set_allmulti(dev, 1)).
  if (!faults.has(VIF_NO_ALLMULTI)) devs.setAllmulti(dev, 1);
  devs.mcForwarding(dev, 1);
  t.vifs[vifi] = {
    dev,
    flags: flags | (mrtsock ? 0 : VIFF_STATIC),
    threshold: spec.threshold ?? 1,
    local,
    bytesIn: 0,
    pktIn: 0,
    bytesOut: 0,
    pktOut: 0,
  };
  if (spec.register) t.regVifNum = vifi;
  if (vifi + 1 > t.maxvif) t.maxvif = vifi + 1;
  return null;
}

/** vif_delete: a vif outside [0, maxvif) or empty -> EADDRNOTAVAIL; maxvif shrinks to the last vif. */
export function vif_delete(t: MrTable, vifi: number, devs: DeviceOps, faults: RouteFaultSet): Errno | null {
  if (vifi < 0 || vifi >= t.maxvif) return 'EADDRNOTAVAIL';
  const v = t.vifs[vifi];
  if (!v) return 'EADDRNOTAVAIL';
  t.vifs[vifi] = null;
  if (vifi === t.regVifNum) t.regVifNum = -1;
  if (vifi + 1 === t.maxvif) {
    let tmp = vifi - 1;
    while (tmp >= 0 && !t.vifExists(tmp)) tmp--;
    t.maxvif = tmp + 1;
  }
  if (!faults.has(VIF_NO_ALLMULTI)) devs.setAllmulti(v.dev, -1);
  devs.mcForwarding(v.dev, -1);
  if (v.flags & (VIFF_REGISTER | MIFF_REGISTER) && v.dev === REGISTER_DEVICE[t.family]) devs.registerDevice(v.dev, false);
  return null;
}
