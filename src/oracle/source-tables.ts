// What the kernel's interface-level source filter holds for each group, and the IGMPv3 / MLDv2
// delete records that can replace it (the oracle's own statement of net/ipv4/igmp.c and
// net/ipv6/mcast.c; it shares no code with src/host):
// - per group and source: how many INCLUDE and how many EXCLUDE holders list the source. Adding a
//   source counts it; removing one whose count is already 0 (or that is not there) does nothing.
// - when a reportable group is dropped (its last holder leaves, or its device goes down), a
//   delete record keeps the group's mode then and, if that mode was INCLUDE, the group's table
//   (the group is left with an empty one);
// - when a group is created, or its device comes up, the newest record of its address is used
//   up; if the group's mode is INCLUDE at that moment, the record's table (empty when it has none)
//   replaces the group's.
// Reportable: every IPv4 group but 224.0.0.1 (igmp_llm_reports is 1), every IPv6 group of scope 2
// or more but ff02::1.
type Mode = 'include' | 'exclude';
type Table = Map<bigint, { inc: number; exc: number }>;

/** A delete record: the group's mode when dropped, its table then (INCLUDE only), and the record before it. */
interface DeleteRecord {
  readonly mode: Mode;
  readonly table: Table | null;
  readonly older: DeleteRecord | null;
}

export class SourceTables {
  /** Per group, its table; a group without one has an empty table (most groups never list a source). */
  private readonly tables = new Map<string, Table>();
  /** Per group, its newest record (each record links to the one before). */
  private readonly records = new Map<string, DeleteRecord>();

  private table(key: string): Table {
    let t = this.tables.get(key);
    if (!t) {
      t = new Map();
      this.tables.set(key, t);
    }
    return t;
  }

  /** A group with no holder gets its first one, in `mode`. */
  created(key: string, mode: Mode): void {
    this.tables.delete(key);
    this.useRecord(key, mode);
  }

  /** The device came up: the existing group, in `mode` now, uses its newest record. */
  useRecord(key: string, mode: Mode): void {
    const record = this.records.get(key);
    if (!record) return;
    if (record.older) this.records.set(key, record.older);
    else this.records.delete(key);
    if (mode !== 'include') return;
    if (record.table) this.tables.set(key, record.table);
    else this.tables.delete(key);
  }

  /** The group is dropped in `mode`; a reportable one leaves a record. */
  dropped(key: string, mode: Mode, reportable: boolean): void {
    if (!reportable) return;
    const table = mode === 'include' ? (this.tables.get(key) ?? null) : null;
    if (table) this.tables.delete(key);
    this.records.set(key, { mode, table, older: this.records.get(key) ?? null });
  }

  addSource(key: string, mode: Mode, source: bigint): void {
    const t = this.table(key);
    const c = t.get(source) ?? { inc: 0, exc: 0 };
    if (mode === 'include') c.inc++;
    else c.exc++;
    t.set(source, c);
  }

  removeSources(key: string, mode: Mode, sources: readonly bigint[]): void {
    if (sources.length === 0) return;
    const t = this.table(key);
    for (const s of sources) {
      const c = t.get(s);
      if (!c) continue;
      if (mode === 'include' ? c.inc === 0 : c.exc === 0) continue;
      if (mode === 'include') c.inc--;
      else c.exc--;
      if (c.inc === 0 && c.exc === 0) t.delete(s);
    }
  }

  /** Whether the interface passes `source` for the group, whose holders include `excludeHolders` in EXCLUDE mode. */
  passes(key: string, source: bigint, excludeHolders: number): boolean {
    const c = this.tables.get(key)?.get(source);
    return c ? c.inc > 0 || c.exc !== excludeHolders : excludeHolders !== 0;
  }
}
