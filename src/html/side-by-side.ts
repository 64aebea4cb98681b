// Model vs oracle at the failing step, side by side, for the top of a failure page: per
// interface the device list, the promiscuity and allmulti counters, and the filter (the model's
// NIC state beside what the oracle's spec expects of it), each row marked when the two differ,
// by a class for the eye and a "≠" cell for a screen reader or a text test. For a leaked or lost
// MAC on a hash filter, its bucket on each side.
import { esc } from './escape.ts';
import type { ProbeBucket } from './filter-state.ts';
import type { InterfaceState, StepTrace } from './trace-types.ts';

/** Interfaces shown when none differs visibly (a scenario has a handful; more would push the page down). */
const MAX_INTERFACES = 4;

interface Row {
  readonly label: string;
  readonly model: string;
  readonly oracle: string;
  readonly differs: boolean;
  /** Pre-formatted (JSON) cells keep their line breaks. */
  readonly pre?: boolean;
}

const list = (entries: readonly string[]): string => entries.join('\n') || '(empty)';

function rows(s: InterfaceState, frameIssues: number): Row[] {
  return [
    { label: 'device list', model: list(s.deviceList), oracle: list(s.oracleDeviceList), differs: list(s.deviceList) !== list(s.oracleDeviceList) },
    { label: 'promiscuity', model: String(s.promisc), oracle: String(s.oraclePromisc), differs: s.promisc !== s.oraclePromisc },
    { label: 'allmulti', model: String(s.allmulti), oracle: String(s.oracleAllmulti), differs: s.allmulti !== s.oracleAllmulti },
    // The two sides describe the filter differently (registers vs accepted sets), so they
    // differ where its decisions do: a leak or loss on this interface.
    {
      label: frameIssues > 0 ? `filter (${frameIssues} wrong decision${frameIssues === 1 ? '' : 's'})` : 'filter',
      model: JSON.stringify(s.nic, null, 1),
      oracle: JSON.stringify(s.oracleFilter, null, 1),
      differs: frameIssues > 0,
      pre: true,
    },
  ];
}

function bucketText(p: ProbeBucket): { model: string; oracle: string } {
  if (p.bucket === null) return { model: '', oracle: '' };
  return {
    model: p.modelSet ? `bucket ${p.bucket}: ${p.modelSet.field} ${p.modelSet.set ? 'set' : 'clear'}` : `bucket ${p.bucket} (the model's state shows no hash register)`,
    oracle: `bucket ${p.bucket}: ${p.oracleSet ? 'set (a listed MAC hashes there)' : 'clear (no listed MAC hashes there)'}`,
  };
}

function probeRows(s: InterfaceState): Row[] {
  return s.probes.map((p) => {
    const b = bucketText(p);
    const verdict = p.kind === 'leak' ? { model: 'accepts', oracle: 'must not' } : { model: 'drops', oracle: 'must accept' };
    return { label: `${p.kind} ${p.mac}`, model: [verdict.model, b.model].filter(Boolean).join('; '), oracle: [verdict.oracle, b.oracle].filter(Boolean).join('; '), differs: true };
  });
}

function cell(text: string, pre: boolean | undefined): string {
  return pre ? `<td><pre>${esc(text)}</pre></td>` : `<td>${esc(text).replace(/\n/g, '<br>')}</td>`;
}

function table(s: InterfaceState, frameIssues: number): string {
  const body = [...rows(s, frameIssues), ...probeRows(s)].map(
    (r) =>
      `<tr class="${r.differs ? 'differs' : 'same'}"><th scope="row">${esc(r.label)}</th>${cell(r.model, r.pre)}<td class="mark" aria-label="${r.differs ? 'differs' : 'same'}">${r.differs ? '≠' : '='}</td>${cell(r.oracle, r.pre)}</tr>`,
  );
  return `<table class="side-by-side" data-iface="${esc(s.name)}"><caption>${esc(s.name)}</caption><colgroup><col class="label"><col><col class="mark"><col></colgroup><tr><th></th><th>model</th><th></th><th>oracle</th></tr>${body.join('')}</table>`;
}

export function renderSideBySide(step: StepTrace): string {
  if (step.interfaces.length === 0) return '';
  const frameIssues = (iface: string): number => step.issues.filter((i) => i.iface === iface && (i.kind === 'leak' || i.kind === 'loss')).length;
  const tables = step.interfaces.map((s) => ({ s, issues: frameIssues(s.name), differs: rows(s, frameIssues(s.name)).some((r) => r.differs) }));
  const shown = tables.some((t) => t.differs) ? tables.filter((t) => t.differs) : tables.slice(0, MAX_INTERFACES);
  const where = step.index === -1 ? 'at creation' : `after step ${step.index}`;
  return `<section id="side-by-side"><h2>model vs oracle ${where}</h2>${shown.map((t) => table(t.s, t.issues)).join('')}</section>`;
}
