// A failure as one self-contained HTML page: inline CSS and script, the capacity plots as
// inline SVG, and a Content-Security-Policy that allows no network at all. The timeline lists
// the steps with the failing one highlighted; choosing a step shows the device list and rx mode
// of every interface after it, the NIC state, and a frame's verdict at each layer beside the
// oracle's must / may / must-not.
import { esc } from './escape.ts';
import { renderExchanges } from './exchanges.ts';
import { renderSideBySide } from './side-by-side.ts';
import { renderViolationGroups } from './summary.ts';
import type { InterfaceState, LayerVerdict, StepTrace, Trace } from './trace-types.ts';

export interface FailurePage {
  readonly title: string;
  /** One line: the violation. */
  readonly message: string;
  readonly replay?: string;
  readonly trace: Trace;
  /** Capacity plots (src/report), SVG text, by profile. */
  readonly plots: readonly { readonly profile: string; readonly svg: string }[];
  /** A driver under test's exchanges (check --driver) or a shrunk case: shown as text under the header. */
  readonly transcript?: string;
  /** The heading over `transcript` (default: the exchanges with the driver). */
  readonly transcriptTitle?: string;
  /** A driver transcript (src/driver/transcript.ts): drawn as a table, the failing exchange highlighted. */
  readonly exchanges?: string;
}

export { esc } from './escape.ts';

/** The colour of the failing step in the timeline (test/html checks it on a screenshot). */
export const FAILING_STEP_RGB = [200, 30, 30] as const;

/** Violations of a step shown unfolded in its detail pane. */
const VIOLATIONS_SHOWN = 3;

const CSS = `
body{font:14px/1.4 system-ui,sans-serif;margin:0;color:#222;background:#fafafa}
header{padding:12px 20px;background:#fff;border-bottom:1px solid #ddd}
h1{font-size:18px;margin:0 0 6px} h2{font-size:15px;margin:16px 0 6px}
code,pre{font:12px/1.35 ui-monospace,monospace;overflow-wrap:anywhere} pre{white-space:pre-wrap;margin:0}
p,li,td,th{overflow-wrap:anywhere}
#summary ul{margin:4px 0;padding-left:20px} #summary li{margin:2px 0}
table.side-by-side{width:100%;table-layout:fixed;background:#fff} table.side-by-side caption{text-align:left;font-weight:600}
table.side-by-side col.label{width:18%} table.side-by-side col.mark{width:2.5em}
table.side-by-side pre{max-height:14em;overflow-y:auto}
tr.differs td,tr.differs th{background:#fbe3e3} tr.differs td.mark{color:rgb(${FAILING_STEP_RGB.join(',')});font-weight:700;text-align:center}
td.mark{text-align:center}
#exchanges{padding:0 20px} table.exchanges{width:100%;table-layout:fixed;background:#fff}
table.exchanges col.num{width:4em} table.exchanges col.answer{width:30%} table.exchanges col.mark{width:9em}
tr.exchange.cited td{background:#fff3c4}
tr.exchange.failing td{background:rgb(${FAILING_STEP_RGB.join(',')});color:#fff}
main{display:flex;gap:16px;padding:12px 20px}
#timeline{list-style:none;margin:0;padding:0;width:38%;min-width:280px}
.step{padding:4px 8px;margin:2px 0;border:1px solid #ddd;border-radius:4px;background:#fff;cursor:pointer;overflow-wrap:anywhere}
.step.selected{outline:3px solid #3366cc}
.step.failing{background:rgb(${FAILING_STEP_RGB.join(',')});color:#fff;border-color:#800}
.step.after{opacity:.45}
#details{flex:1;min-width:0}
.detail{display:none;background:#fff;border:1px solid #ddd;border-radius:4px;padding:10px}
.detail.shown{display:block}
table{border-collapse:collapse;margin:4px 0 10px} td,th{border:1px solid #ccc;padding:3px 6px;text-align:left;vertical-align:top}
.must{background:#d9f2d9}.may{background:#fff3c4}.must-not{background:#f2d9d9}
tr.wrong td{border:2px solid rgb(${FAILING_STEP_RGB.join(',')})}
.violation{color:rgb(${FAILING_STEP_RGB.join(',')});font-weight:600}
.plots svg{max-width:100%;height:auto;background:#fff;border:1px solid #ddd}
`;

const SCRIPT = `
(function(){
  var steps=document.querySelectorAll('#timeline .step');
  function show(i){
    steps.forEach(function(s){s.classList.toggle('selected',s.dataset.step===String(i));});
    document.querySelectorAll('.detail').forEach(function(d){d.classList.toggle('shown',d.dataset.step===String(i));});
  }
  steps.forEach(function(s){s.addEventListener('click',function(){show(s.dataset.step);});});
  var failing=document.body.dataset.failing;
  show(failing!=='none'?failing:(steps.length?steps[0].dataset.step:'none'));
  document.body.dataset.ready='1';
})();
`;

function stepLabel(t: StepTrace): string {
  if (t.step === null) return `${t.index}. the interfaces as created`;
  const { op, ...rest } = t.step as unknown as { op: string } & Record<string, unknown>;
  return `${t.index}. ${op} ${JSON.stringify(rest)}`;
}

function interfaceTable(states: readonly InterfaceState[]): string {
  const rows = states.map(
    (s) =>
      `<tr><td><b>${esc(s.name)}</b></td><td>${esc(s.deviceList.join('\n') || '(empty)').replace(/\n/g, '<br>')}</td><td>${esc(s.oracleDeviceList.join('\n') || '(empty)').replace(/\n/g, '<br>')}</td><td>promisc ${s.promisc}, allmulti ${s.allmulti}</td><td><pre>${esc(JSON.stringify(s.nic, null, 1))}</pre></td></tr>`,
  );
  return `<table><tr><th>interface</th><th>device list (model)</th><th>device list (oracle)</th><th>rx mode</th><th>NIC state</th></tr>${rows.join('')}</table>`;
}

function layerTable(layers: readonly LayerVerdict[]): string {
  const rows = layers.map(
    (l) =>
      `<tr class="layer${l.wrong ? ' wrong' : ''}" data-layer="${esc(l.layer)}"><td>${esc(l.layer)}</td><td>${esc(l.model)}</td><td class="${l.verdict ?? ''}">${esc(l.oracle)}</td><td>${l.wrong ? 'WRONG' : 'ok'}</td></tr>`,
  );
  return `<table><tr><th>layer</th><th>model</th><th>oracle (must / may / must-not)</th><th></th></tr>${rows.join('')}</table>`;
}

function detail(t: StepTrace): string {
  const parts =
    t.step === null
      ? [`<h2>step ${t.index}: the interfaces as created</h2>`]
      : [`<h2>step ${t.index}: ${esc(t.step.op)}</h2><pre>${esc(JSON.stringify(t.step))}</pre>`, `<p>result: model ${esc(t.modelError ?? 'success')}, oracle ${esc(t.oracleError ?? 'success')}</p>`];
  // A few violations in full; the rest folded (a hundred near-identical leak lines would bury
  // the step's state below them; the summary at the top counts them by kind).
  const line = (v: string): string => `<p class="violation">${esc(v)}</p>`;
  parts.push(...t.violations.slice(0, VIOLATIONS_SHOWN).map(line));
  const folded = t.violations.slice(VIOLATIONS_SHOWN);
  if (folded.length > 0) parts.push(`<details class="more-violations"><summary>and ${folded.length} more violation${folded.length === 1 ? '' : 's'}</summary>${folded.map(line).join('')}</details>`);
  if (t.threw !== undefined) parts.push(`<p class="violation">threw: ${esc(t.threw)}</p>`);
  if (t.frame) parts.push(`<h2>frame ${esc(t.frame.id)} on ${esc(t.frame.iface)}</h2>${layerTable(t.frame.layers)}`);
  if (t.interfaces.length > 0) parts.push(`<h2>after the step</h2>${interfaceTable(t.interfaces)}`);
  return `<section class="detail" data-step="${t.index}">${parts.join('\n')}</section>`;
}

export function renderFailurePage(page: FailurePage): string {
  const { trace } = page;
  const items = trace.steps.map((t) => {
    const failing = trace.failingStep;
    const cls = ['step', t.index === failing ? 'failing' : '', failing !== null && t.index > failing ? 'after' : ''].filter(Boolean).join(' ');
    return `<li class="${cls}" data-step="${t.index}">${esc(stepLabel(t))}</li>`;
  });
  // The failing step's evidence goes to the top (grouped violations, model vs oracle): the
  // timeline below has every step, but a long failure would push it thousands of pixels down.
  const failing = trace.steps.find((t) => t.index === trace.failingStep);
  const plots = page.plots.map((p) => `<figure><figcaption>${esc(p.profile)}</figcaption>${p.svg.replace(/^<\?xml[^>]*>\s*/, '')}</figure>`);
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<meta name="viewport" content="width=device-width,initial-scale=1">
<title>${esc(page.title)}</title><style>${CSS}</style></head>
<body data-failing="${trace.failingStep ?? 'none'}">
<header><h1>${esc(page.title)}</h1><p class="violation">${esc(page.message)}</p>
${failing ? renderViolationGroups(failing) : ''}
${failing ? renderSideBySide(failing) : ''}
${page.replay !== undefined ? `<p>replay: <code>${esc(page.replay)}</code></p>` : ''}
${trace.interfaces.length > 0 ? `<p>interfaces: <code>${esc(JSON.stringify(trace.interfaces))}</code>${trace.profile !== undefined ? `; profile <b>${esc(trace.profile)}</b>` : ''}</p>` : ''}</header>
${page.exchanges !== undefined ? renderExchanges(page.exchanges, page.message) : ''}
${page.transcript !== undefined ? `<section style="padding:0 20px"><h2>${esc(page.transcriptTitle ?? 'exchanges with the driver')}</h2><pre>${esc(page.transcript)}</pre></section>` : ''}
${trace.steps.length > 0 ? `<main><ol id="timeline">${items.join('\n')}</ol><div id="details">${trace.steps.map(detail).join('\n')}</div></main>` : ''}
${trace.steps.length > 0 || plots.length > 0 ? `<section class="plots" style="padding:0 20px 20px"><h2>filter capacity</h2>${plots.join('\n') || '<p>(no capacity plot for these profiles)</p>'}</section>` : ''}
<script>${SCRIPT}</script>
</body></html>
`;
}
