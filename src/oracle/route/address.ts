// The oracle's own view of addresses (ip-address only): a numeric key, the wildcard, multicast,
// and which groups multicast routing never sees (Linux: 224.0.0.0/24; IPv6 scopes 1 and 2).
import { Address4, Address6 } from 'ip-address';

export function addrValue(text: string): bigint {
  return Address4.isValid(text) ? new Address4(text).bigInt() : new Address6(text).bigInt();
}

export function isIpv6(text: string): boolean {
  return !Address4.isValid(text);
}

export function isMulticastGroup(text: string): boolean {
  const v = addrValue(text);
  return isIpv6(text) ? v >> 120n === 0xffn : v >> 28n === 0xen;
}

export function isLinkScopeGroup(text: string): boolean {
  const v = addrValue(text);
  if (!isIpv6(text)) return v >= 0xe0000000n && v <= 0xe00000ffn;
  const scope = Number((v >> 112n) & 0xfn);
  return scope === 1 || scope === 2;
}
