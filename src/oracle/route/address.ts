// The oracle's own view of addresses (ip-address only): a numeric key, the wildcard, multicast,
// and which groups multicast routing never sees (Linux: 224.0.0.0/24; IPv6 scopes 1 and 2).
import { Address4, Address6 } from 'ip-address';

export function addrValue(text: string): bigint {
  return isIpv6(text) ? new Address6(text).bigInt() : new Address4(text).bigInt();
}

/** IPv6 text has a colon, IPv4 text never (the texts were validated before they got here). */
export function isIpv6(text: string): boolean {
  return text.includes(':');
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
