// Results as JSON (schemas/results.schema.json): the Results value with its totals.
import { type Results, type Totals, totals } from './types.ts';

/** Where the published schema of the JSON results lives, relative to the package root. */
export const RESULTS_SCHEMA_PATH = 'schemas/results.schema.json';

export function resultsJson(results: Results): string {
  const doc: Results & { totals: Totals } = { ...results, totals: totals(results.cases) };
  return `${JSON.stringify(doc, null, 2)}\n`;
}
