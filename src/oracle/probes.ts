// Where the checker looks: probe addresses chosen on the oracle's side, with the oracle's own
// CRC and MAC helpers. A CRC bug in the model (src/wire/crc.ts) must not move the probes that
// are there to catch it.
import { macOctets, macText, BROADCAST } from './address.ts';
import { bucket64 } from './crc.ts';

/** 64-bucket hash filters (drivers/net/tun.c addr_hash_set, 8139too __set_rx_mode): bucket = ether_crc >> 26. */
const HASH_BUCKETS = 64;

/**
 * One IPv4-mapped multicast MAC per bucket of the 64-bucket hash (the first 01:00:5e:00:xx:yy
 * in it): a filter that sets a bucket the oracle does not admit leaks at one of these, whichever
 * bucket it is, instead of only when a fixed probe happens to fall in it.
 */
export const BUCKET_PROBE_MACS: readonly string[] = (() => {
  const byBucket = new Map<number, string>();
  for (let i = 0; byBucket.size < HASH_BUCKETS && i <= 0xffff; i++) {
    const octets = [0x01, 0x00, 0x5e, 0x00, i >> 8, i & 0xff];
    const bucket = bucket64(octets);
    if (!byBucket.has(bucket)) byBucket.set(bucket, macText(octets));
  }
  return [...byBucket.values()];
})();

/**
 * The MACs one bit away from `mac` in its last two octets (the bits hash filters read), broadcast
 * left out: a filter that hashes on the wrong bits accepts a neighbour of a listed group.
 */
export function bitNeighbourMacs(mac: string): string[] {
  const hit = NEIGHBOURS.get(mac);
  if (hit !== undefined) return [...hit];
  const out = neighbours(mac);
  if (NEIGHBOURS.size >= 1 << 12) NEIGHBOURS.clear();
  NEIGHBOURS.set(mac, out);
  return [...out];
}

/** `check` probes the neighbours of the newest entries after each step: mostly the same ones. */
const NEIGHBOURS = new Map<string, readonly string[]>();

function neighbours(mac: string): string[] {
  const out: string[] = [];
  for (let bit = 0; bit < 16; bit++) {
    const o = macOctets(mac, 'probe');
    const i = bit < 8 ? 4 : 5;
    o[i] = (o[i] as number) ^ (1 << (bit & 7));
    const m = macText(o);
    if (m !== BROADCAST) out.push(m);
  }
  return out;
}
