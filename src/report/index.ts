// The capacity report: per-profile SVGs, an overview SVG, a Markdown and a CSV table. Pure: it
// returns the files; the CLI (src/cli/commands/report.ts) writes them.
import type { NicProfile } from '../nic/filter.ts';
import { type CapacityCurve, measureCapacity } from './capacity.ts';
import { overviewSpec, profileSpec, renderSvg } from './plot.ts';
import { capacityCsv, capacityMarkdown } from './tables.ts';

export interface ReportOptions {
  readonly probes: number;
  readonly seed: number;
  /** Called after each profile is measured (progress display). */
  readonly onMeasured?: (done: number, total: number, profile: string) => void;
}

export interface ReportFile {
  /** File name inside the output directory. */
  readonly name: string;
  readonly content: string;
}

/** "e1000:2" -> "e1000_2.svg": no colons in file names. */
export function profileFileName(profile: string): string {
  return `${profile.replace(/[^A-Za-z0-9._-]/g, '_')}.svg`;
}

export const DEFAULT_PROBES = 4000;
export const DEFAULT_SEED = 1;

export function measureAll(profiles: readonly NicProfile[], options: ReportOptions): CapacityCurve[] {
  return profiles.map((p, i) => {
    const curve = measureCapacity(p, { probes: options.probes, seed: options.seed + i });
    options.onMeasured?.(i + 1, profiles.length, p.name);
    return curve;
  });
}

export async function buildReport(profiles: readonly NicProfile[], options: ReportOptions): Promise<ReportFile[]> {
  const curves = measureAll(profiles, options);
  const files: ReportFile[] = [];
  for (const c of curves) files.push({ name: profileFileName(c.profile), content: await renderSvg(profileSpec(c)) });
  files.push({ name: 'overview.svg', content: await renderSvg(overviewSpec(curves)) });
  files.push({ name: 'capacity.md', content: capacityMarkdown(curves, options.probes, options.seed) });
  files.push({ name: 'capacity.csv', content: capacityCsv(curves) });
  return files;
}
