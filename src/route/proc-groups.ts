// /proc/net/igmp and /proc/net/igmp6 parsed (net/ipv4/igmp.c igmp_mc_seq_show, net/ipv6/mcast.c
// igmp6_mc_seq_show): the groups a host has joined per device, with their users. The IPv4 group is
// the raw network word in hex ("010000E0" is 224.0.0.1); the IPv6 one 32 hex digits ("%pi6").
// /proc/net/dev_mcast is parsed by src/kernel/runner.ts parseDevMcast.
import { InputError } from '../errors.ts';
import { ipFromValue } from '../wire/index.ts';

export interface ProcGroupRow {
  readonly ifindex: number;
  readonly device: string;
  readonly group: string;
  readonly users: number;
}

/** "Idx\tDevice    : Count Querier\tGroup ..." then per device a line, then one line per group. */
export function parseIgmp(text: string): ProcGroupRow[] {
  const lines = text.split('\n').filter((l) => l !== '');
  if (!lines[0]?.startsWith('Idx\tDevice')) throw new InputError('/proc/net/igmp', `unexpected header ${JSON.stringify(lines[0])}`);
  const rows: ProcGroupRow[] = [];
  let dev: { ifindex: number; device: string } | null = null;
  for (const line of lines.slice(1)) {
    const head = /^(\d+)\t(\S+)\s*:/.exec(line);
    if (head) {
      dev = { ifindex: Number(head[1]), device: head[2] as string };
      continue;
    }
    const g = /^\t+([0-9A-F]{8})\s+(\d+)\s/.exec(line);
    if (!g || !dev) throw new InputError('/proc/net/igmp', `cannot parse ${JSON.stringify(line)}`);
    // The word is printed as a host (little-endian) integer: its bytes are the address reversed.
    const word = parseInt(g[1] as string, 16);
    const value = BigInt(((word & 0xff) << 24) | ((word & 0xff00) << 8) | ((word >>> 8) & 0xff00) | (word >>> 24)) & 0xffffffffn;
    rows.push({ ...dev, group: ipFromValue('ipv4', value).text, users: Number(g[2]) });
  }
  return rows;
}

/** "%-4d %-15s %pi6 %5d %08X %ld" per group. */
export function parseIgmp6(text: string): ProcGroupRow[] {
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((line) => {
      const m = /^(\d+)\s+(\S+)\s+([0-9a-f]{32})\s+(\d+)\s+[0-9A-F]{8}\s+-?\d+$/.exec(line);
      if (!m) throw new InputError('/proc/net/igmp6', `cannot parse ${JSON.stringify(line)}`);
      return { ifindex: Number(m[1]), device: m[2] as string, group: ipFromValue('ipv6', BigInt(`0x${m[3]}`)).text, users: Number(m[4]) };
    });
}
