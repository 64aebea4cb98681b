// Linux multicast routing (issue 13): the model of net/ipv4/ipmr.c, ipmr_base.c and net/ipv6/ip6mr.c.
export * from './types.ts';
export * from './limits.ts';
export * from './faults.ts';
export { MulticastRouter, familyOf, type RouterOptions } from './router.ts';
export { makeUpcall, parseUpcall } from './upcall.ts';
export * from './proc.ts';
export { neverRouted, procHexIpv4, procIpv6 } from './address.ts';
export { parseIgmp, parseIgmp6, type ProcGroupRow } from './proc-groups.ts';
