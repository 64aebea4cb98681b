// Vega-Lite specs of the capacity report and their rendering to SVG (vega's headless View).
import * as vega from 'vega';
import * as vl from 'vega-lite';
import { groupGrid, type CapacityCurve } from './capacity.ts';

const X_AXIS = { title: 'joined groups (log scale)', grid: true };
const Y_AXIS = { title: 'false-positive rate', format: '.0%' };
const X_SCALE = { type: 'log' as const, domain: [1, 4096] };
const Y_SCALE = { domain: [0, 1] };

const SERIES_COLOURS = { analytic: '#1f77b4', measured: '#d62728', 'measured (list refused)': '#7f7f7f' } as const;

/** Dense analytic samples (every integer up to 64, then a fine log grid) so steps look like steps. */
function analyticSamples(curve: CapacityCurve): { groups: number; rate: number }[] {
  const model = curve.model;
  if (!model) return [];
  const ns = new Set<number>();
  for (let n = 1; n <= 64; n++) ns.add(n);
  for (let k = 0; k <= 240; k++) ns.add(Math.round(2 ** (k / 20)));
  for (const n of groupGrid([model.allMulticastFrom ?? 0, (model.allMulticastFrom ?? 0) - 1, model.refusedFrom ?? 0, (model.refusedFrom ?? 0) - 1])) ns.add(n);
  return [...ns].filter((n) => n >= 1 && n <= 4096).sort((a, b) => a - b).map((groups) => ({ groups, rate: model.fpRate(groups) }));
}

/** One profile: analytic line, measured points, a rule at the all-multicast switch (or refusal). */
export function profileSpec(curve: CapacityCurve): vl.TopLevelSpec {
  const model = curve.model;
  const series = [
    ...analyticSamples(curve).map((d) => ({ ...d, series: 'analytic' })),
    ...curve.points.map((p) => ({ groups: p.groups, rate: p.measured, series: p.mode === 'refused' ? 'measured (list refused)' : 'measured' })),
  ];
  const present = [...new Set(series.map((d) => d.series))] as (keyof typeof SERIES_COLOURS)[];
  const marks: { at: number; label: string }[] = [];
  if (model?.allMulticastFrom) marks.push({ at: model.allMulticastFrom, label: `all multicast from ${model.allMulticastFrom} groups` });
  if (model?.refusedFrom) marks.push({ at: model.refusedFrom, label: `lists of ${model.refusedFrom}+ refused` });
  const color = {
    field: 'series',
    type: 'nominal' as const,
    title: null,
    scale: { domain: present, range: present.map((s) => SERIES_COLOURS[s]) },
    legend: { orient: 'top-left' as const, labelFontSize: 12, labelLimit: 0, fillColor: 'white', strokeColor: '#cccccc', padding: 6 },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: `${curve.profile}: multicast filter capacity`,
      subtitle: [model ? model.structure : 'no analytic model: measured only', 'false positive = a random non-joined multicast MAC the filter admits'],
      fontSize: 15,
    },
    width: 640,
    height: 360,
    background: 'white',
    layer: [
      {
        data: { values: series.filter((d) => d.series === 'analytic') },
        mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 },
        encoding: { x: { field: 'groups', type: 'quantitative', scale: X_SCALE, axis: X_AXIS }, y: { field: 'rate', type: 'quantitative', scale: Y_SCALE, axis: Y_AXIS }, color },
      },
      {
        data: { values: series.filter((d) => d.series !== 'analytic') },
        mark: { type: 'point', filled: true, size: 50 },
        encoding: { x: { field: 'groups', type: 'quantitative', scale: X_SCALE }, y: { field: 'rate', type: 'quantitative', scale: Y_SCALE }, color },
      },
      {
        data: { values: marks },
        layer: [
          { mark: { type: 'rule', strokeDash: [6, 4], color: '#555555' }, encoding: { x: { field: 'at', type: 'quantitative', scale: X_SCALE } } },
          {
            mark: { type: 'text', align: 'left', dx: 4, dy: 6, baseline: 'top', fontSize: 12, color: '#333333' },
            encoding: { x: { field: 'at', type: 'quantitative', scale: X_SCALE }, y: { datum: 0.55, type: 'quantitative', scale: Y_SCALE }, text: { field: 'label' } },
          },
        ],
      },
    ],
  } as vl.TopLevelSpec;
}

/** All profiles as small multiples: analytic line, measured points, the switch or refusal rule. */
export function overviewSpec(curves: readonly CapacityCurve[]): vl.TopLevelSpec {
  const values = curves.flatMap((c) => {
    const m = c.model;
    const note = !m ? '' : m.allMulticastFrom === 0 ? ' (always all multicast)' : m.allMulticastFrom ? ` (all multicast from ${m.allMulticastFrom})` : m.refusedFrom ? ` (refused from ${m.refusedFrom})` : ' (never all multicast)';
    const panel = `${c.profile}${note}`;
    const rows: { panel: string; kind: string; groups: number; rate: number }[] = [];
    for (const d of analyticSamples(c)) rows.push({ panel, kind: 'analytic', ...d });
    for (const p of c.points) rows.push({ panel, kind: p.mode === 'refused' ? 'refused' : 'measured', groups: p.groups, rate: p.measured });
    if (m?.allMulticastFrom) rows.push({ panel, kind: 'switch', groups: m.allMulticastFrom, rate: 0.5 });
    if (m?.refusedFrom) rows.push({ panel, kind: 'switch', groups: m.refusedFrom, rate: 0.5 });
    return rows;
  });
  const x = { field: 'groups', type: 'quantitative' as const, scale: X_SCALE, axis: { title: 'joined groups (log)', grid: true, values: [1, 10, 100, 1000], format: '~s' } };
  const y = { field: 'rate', type: 'quantitative' as const, scale: Y_SCALE, axis: { title: 'false-positive rate', format: '.0%', tickCount: 5 } };
  const color = {
    field: 'kind',
    type: 'nominal' as const,
    title: null,
    scale: { domain: ['analytic', 'measured', 'refused'], range: ['#1f77b4', '#d62728', '#7f7f7f'] },
    legend: { orient: 'top' as const, labelFontSize: 13, labelLimit: 0, labelExpr: "datum.label == 'refused' ? 'measured, list refused (old list kept)' : datum.label" },
  };
  return {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: {
      text: 'Multicast filter capacity of the NIC profiles',
      subtitle: 'false positive = a random non-joined multicast MAC the programmed filter admits; dashed: the switch to all-multicast or the refusal',
      fontSize: 16,
    },
    background: 'white',
    data: { values },
    facet: { field: 'panel', type: 'nominal', title: null, sort: [...new Set(values.map((v) => v.panel))], header: { labelFontSize: 12, labelLimit: 0 } },
    columns: 4,
    spec: {
      width: 280,
      height: 150,
      layer: [
        { transform: [{ filter: "datum.kind == 'analytic'" }], mark: { type: 'line', interpolate: 'step-after', strokeWidth: 2 }, encoding: { x, y, color } },
        { transform: [{ filter: "datum.kind == 'measured' || datum.kind == 'refused'" }], mark: { type: 'point', filled: true, size: 22 }, encoding: { x, y, color } },
        { transform: [{ filter: "datum.kind == 'switch'" }], mark: { type: 'rule', strokeDash: [5, 3], color: '#555555' }, encoding: { x } },
      ],
    },
  } as vl.TopLevelSpec;
}

/** Compiles Vega-Lite and renders headless (no canvas, no network). */
export async function renderSvg(spec: vl.TopLevelSpec): Promise<string> {
  const view = new vega.View(vega.parse(vl.compile(spec).spec), { renderer: 'none' });
  return view.toSVG();
}
