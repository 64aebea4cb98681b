// A driver transcript (src/driver/transcript.ts formatTranscript: `#N > request`, `< answer`,
// hello first and unnumbered) as a table on a failure page. The failing exchange is the last
// one: a failing run's transcript stops at the request that broke the contract. Exchanges the
// message cites by number (`#N`, the earlier evidence) are marked too, more lightly.
import { esc } from './escape.ts';

export interface ExchangeRow {
  /** null for hello. */
  readonly number: number | null;
  readonly request: string;
  readonly answer: string;
  readonly failing: boolean;
  readonly cited: boolean;
}

const REQUEST = /^(?:#(\d+))?\s*> (.*)$/;
const ANSWER = /^\s*< (.*)$/;

export function parseExchanges(transcript: string, message: string): ExchangeRow[] {
  const cited = new Set([...message.matchAll(/#(\d+)/g)].map((m) => Number(m[1])));
  const rows: { number: number | null; request: string; answer: string[] }[] = [];
  for (const line of transcript.split('\n')) {
    const req = REQUEST.exec(line);
    const ans = ANSWER.exec(line);
    if (req) rows.push({ number: req[1] !== undefined ? Number(req[1]) : null, request: req[2] ?? '', answer: [] });
    else if (ans && rows.length > 0) rows[rows.length - 1]?.answer.push(ans[1] ?? '');
    // Anything else (a note the CLI added) stays with the exchange before it.
    else if (line.trim() !== '' && rows.length > 0) rows[rows.length - 1]?.answer.push(line.trim());
  }
  return rows.map((r, i) => ({
    number: r.number,
    request: r.request,
    answer: r.answer.join('\n'),
    failing: i === rows.length - 1 && r.number !== null,
    cited: r.number !== null && cited.has(r.number),
  }));
}

export function renderExchanges(transcript: string, message: string): string {
  const rows = parseExchanges(transcript, message);
  // No exchange in the usual form (e.g. "(no exchange recorded)"): the text as it is.
  if (rows.length === 0) return `<section id="exchanges"><h2>exchanges with the driver</h2><pre>${esc(transcript)}</pre></section>`;
  const body = rows.map((r) => {
    const cls = [r.failing ? 'failing' : '', r.cited ? 'cited' : ''].filter(Boolean).join(' ');
    const mark = r.failing ? 'failing' : r.cited ? 'cited' : '';
    return `<tr class="exchange${cls ? ` ${cls}` : ''}"${r.failing ? ' id="failing-exchange"' : ''} data-exchange="${r.number ?? 'hello'}"><td>${r.number === null ? 'hello' : `#${r.number}`}</td><td><code>${esc(r.request)}</code></td><td><code>${esc(r.answer).replace(/\n/g, '<br>')}</code></td><td class="mark">${mark}</td></tr>`;
  });
  const failing = rows.find((r) => r.failing);
  return `<section id="exchanges"><h2>exchanges with the driver${failing ? ` (failing: <a href="#failing-exchange">#${failing.number}</a>)` : ''}</h2><table class="exchanges"><colgroup><col class="num"><col><col class="answer"><col class="mark"></colgroup><tr><th>#</th><th>sent</th><th>answer</th><th></th></tr>${body.join('')}</table></section>`;
}
