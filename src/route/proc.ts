// /proc/net/ip_mr_vif, ip_mr_cache, ip6_mr_vif and ip6_mr_cache, printed exactly as the kernel's
// seq_show functions print them (net/ipv4/ipmr.c ipmr_vif_seq_show / ipmr_mfc_seq_show,
// net/ipv6/ip6mr.c ip6mr_vif_seq_show / ipmr_mfc_seq_show) and parsed back. Rows come from
// mr_vif_seq_* (existing vifs in index order) and mr_mfc_seq_* (resolved entries in list order,
// then the unresolved queue, newest first) of net/ipv4/ipmr_base.c.
import { InputError } from '../errors.ts';
import { procAddr, procHexWord } from './address.ts';
import { TTL_NOT_OUTPUT } from './limits.ts';
import type { MfcEntry, MrTable } from './table.ts';
import type { RouteFamily } from './types.ts';

export const IP_MR_VIF_HEADER = 'Interface      BytesIn  PktsIn  BytesOut PktsOut Flags Local    Remote';
export const IP6_MR_VIF_HEADER = 'Interface      BytesIn  PktsIn  BytesOut PktsOut Flags';
export const IP_MR_CACHE_HEADER = 'Group    Origin   Iif     Pkts    Bytes    Wrong Oifs';
export const IP6_MR_CACHE_HEADER =
  'Group                            Origin                           Iif      Pkts  Bytes     Wrong  Oifs';

export interface ProcVifRow {
  readonly vif: number;
  readonly name: string;
  readonly bytesIn: number;
  readonly pktIn: number;
  readonly bytesOut: number;
  readonly pktOut: number;
  readonly flags: number;
  /** IPv4 only: the raw local and remote words ("%08X"). */
  readonly local?: string;
  readonly remote?: string;
}

export interface ProcCacheRow {
  /** As printed: IPv4 the raw network word in hex, IPv6 the full "%pI6" form. */
  readonly group: string;
  readonly origin: string;
  /** The parent vif; -1 for an unresolved entry. */
  readonly iif: number;
  readonly pkt: number;
  readonly bytes: number;
  readonly wrong: number;
  readonly oifs: readonly { readonly vif: number; readonly ttl: number }[];
}

// printf helpers: %Nd / %-Nd / %0NX.
const right = (v: number | string, n: number): string => String(v).padStart(n, ' ');
const left = (v: number | string, n: number): string => String(v).padEnd(n, ' ');

export function vifRows(t: Readonly<MrTable>): ProcVifRow[] {
  const rows: ProcVifRow[] = [];
  for (let v = 0; v < t.maxvif; v++) {
    const vif = t.vifs[v];
    if (!vif) continue;
    const base = { vif: v, name: vif.dev, bytesIn: vif.bytesIn, pktIn: vif.pktIn, bytesOut: vif.bytesOut, pktOut: vif.pktOut, flags: vif.flags };
    rows.push(t.family === 'ipv4' ? { ...base, local: procHexWord(vif.local), remote: procHexWord(0) } : base);
  }
  return rows;
}

/** The Oifs column: outputs between minvif and maxvif whose vif exists now. */
export function entryOifs(t: Readonly<MrTable>, c: Readonly<MfcEntry>): { vif: number; ttl: number }[] {
  const oifs: { vif: number; ttl: number }[] = [];
  for (let n = c.minvif; n < c.maxvif; n++) {
    const ttl = c.ttls[n] ?? TTL_NOT_OUTPUT;
    if (t.vifExists(n) && ttl < TTL_NOT_OUTPUT) oifs.push({ vif: n, ttl });
  }
  return oifs;
}

export function cacheRows(t: Readonly<MrTable>): ProcCacheRow[] {
  const rows: ProcCacheRow[] = t.mfc.map((c) => ({
    group: procAddr(t.family, c.group),
    origin: procAddr(t.family, c.origin),
    iif: c.parent,
    pkt: c.pkt,
    bytes: c.bytes,
    wrong: c.wrongIf,
    oifs: entryOifs(t, c),
  }));
  for (const u of t.unres) {
    rows.push({ group: procAddr(t.family, u.group), origin: procAddr(t.family, u.origin), iif: -1, pkt: 0, bytes: 0, wrong: 0, oifs: [] });
  }
  return rows;
}

export function renderVif(family: RouteFamily, rows: readonly ProcVifRow[]): string {
  const lines = [family === 'ipv4' ? IP_MR_VIF_HEADER : IP6_MR_VIF_HEADER];
  for (const r of rows) {
    const flags = r.flags.toString(16).toUpperCase().padStart(5, '0');
    let line = `${right(r.vif, 2)} ${left(r.name, 10)} ${right(r.bytesIn, 8)} ${right(r.pktIn, 7)}  ${right(r.bytesOut, 8)} ${right(r.pktOut, 7)} ${flags}`;
    if (family === 'ipv4') line += ` ${r.local ?? '00000000'} ${r.remote ?? '00000000'}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

export function renderCache(family: RouteFamily, rows: readonly ProcCacheRow[]): string {
  const lines = [family === 'ipv4' ? IP_MR_CACHE_HEADER : IP6_MR_CACHE_HEADER];
  for (const r of rows) {
    let line = `${r.group} ${r.origin} ${left(r.iif, 3)} ${right(r.pkt, 8)} ${right(r.bytes, 8)} ${right(r.wrong, 8)}`;
    for (const o of r.oifs) line += ` ${right(o.vif, 2)}:${left(o.ttl, 3)}`;
    lines.push(line);
  }
  return `${lines.join('\n')}\n`;
}

export function procVif(t: Readonly<MrTable>): string {
  return renderVif(t.family, vifRows(t));
}
export function procCache(t: Readonly<MrTable>): string {
  return renderCache(t.family, cacheRows(t));
}

function body(text: string, header: string, file: string): string[] {
  const lines = text.split('\n');
  if (lines[0] !== header) throw new InputError(file, `expected the header ${JSON.stringify(header)}, got ${JSON.stringify(lines[0])}`);
  if (lines.at(-1) !== '') throw new InputError(file, 'text does not end with a newline');
  return lines.slice(1, -1);
}

const int = (s: string | undefined, file: string, line: string): number => {
  if (s === undefined || !/^-?\d+$/.test(s)) throw new InputError(file, `cannot parse the row ${JSON.stringify(line)}`);
  return Number(s);
};

export function parseVif(family: RouteFamily, text: string): ProcVifRow[] {
  const file = family === 'ipv4' ? '/proc/net/ip_mr_vif' : '/proc/net/ip6_mr_vif';
  return body(text, family === 'ipv4' ? IP_MR_VIF_HEADER : IP6_MR_VIF_HEADER, file).map((line) => {
    const f = line.trim().split(/\s+/);
    const want = family === 'ipv4' ? 9 : 7;
    if (f.length !== want || !/^[0-9A-F]{5,}$/.test(f[6] ?? '')) throw new InputError(file, `cannot parse the row ${JSON.stringify(line)}`);
    const row = {
      vif: int(f[0], file, line),
      name: f[1] as string,
      bytesIn: int(f[2], file, line),
      pktIn: int(f[3], file, line),
      bytesOut: int(f[4], file, line),
      pktOut: int(f[5], file, line),
      flags: parseInt(f[6] as string, 16),
    };
    return family === 'ipv4' ? { ...row, local: f[7] as string, remote: f[8] as string } : row;
  });
}

export function parseCache(family: RouteFamily, text: string): ProcCacheRow[] {
  const file = family === 'ipv4' ? '/proc/net/ip_mr_cache' : '/proc/net/ip6_mr_cache';
  return body(text, family === 'ipv4' ? IP_MR_CACHE_HEADER : IP6_MR_CACHE_HEADER, file).map((line) => {
    const f = line.trim().split(/\s+/);
    if (f.length < 6) throw new InputError(file, `cannot parse the row ${JSON.stringify(line)}`);
    const oifs = f.slice(6).map((o) => {
      const m = /^(\d+):(\d+)$/.exec(o);
      if (!m) throw new InputError(file, `cannot parse the oif ${JSON.stringify(o)} in ${JSON.stringify(line)}`);
      return { vif: Number(m[1]), ttl: Number(m[2]) };
    });
    return {
      group: f[0] as string,
      origin: f[1] as string,
      iif: int(f[2], file, line),
      pkt: int(f[3], file, line),
      bytes: int(f[4], file, line),
      wrong: int(f[5], file, line),
      oifs,
    };
  });
}
