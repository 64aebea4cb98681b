// The failing step's violations grouped by kind for the top of a failure page: one line per kind
// with its count and the first few addresses, so a hundred near-identical leak lines read as one
// ("leak ×100: a, b, c and 97 more") and the evidence below them stays above the fold.
import { esc } from './escape.ts';
import type { StepTrace } from './trace-types.ts';

/** Addresses named per kind; the count tells the rest. */
const SHOWN = 3;

export interface ViolationGroup {
  readonly kind: string;
  readonly count: number;
  /** The first few distinct MACs (leak, loss), or for a kind without one its first message. */
  readonly examples: readonly string[];
  /** Violations of the kind not named by `examples`. */
  readonly more: number;
}

/** Groups in order of first appearance (check/compare.ts reports device lists before frames). */
export function groupViolations(step: StepTrace): ViolationGroup[] {
  const byKind = new Map<string, { count: number; macs: string[]; firstMessage: string }>();
  step.issues.forEach((issue, i) => {
    const g = byKind.get(issue.kind) ?? { count: 0, macs: [], firstMessage: step.violations[i] ?? '' };
    g.count += 1;
    if (issue.mac !== undefined && !g.macs.includes(issue.mac)) g.macs.push(issue.mac);
    byKind.set(issue.kind, g);
  });
  return [...byKind].map(([kind, g]) => {
    const examples = g.macs.length > 0 ? g.macs.slice(0, SHOWN) : [g.firstMessage.slice(kind.length + 2)];
    return { kind, count: g.count, examples, more: g.count - examples.length };
  });
}

export function renderViolationGroups(step: StepTrace): string {
  const groups = groupViolations(step);
  if (groups.length === 0) return '';
  const items = groups.map((g) => {
    const named = g.examples.map((e) => `<code>${esc(e)}</code>`).join(', ');
    const more = g.more > 0 ? ` and ${g.more} more` : '';
    return `<li class="group" data-kind="${esc(g.kind)}" data-count="${g.count}"><b>${esc(g.kind)} ×${g.count}</b>: ${named}${more}</li>`;
  });
  const where = step.index === -1 ? 'at creation' : `after step ${step.index}`;
  return `<section id="summary"><h2>violations ${where}, by kind</h2><ul>${items.join('')}</ul></section>`;
}
