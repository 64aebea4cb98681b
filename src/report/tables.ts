// The capacity report as a Markdown table (one row per profile) and a CSV (one row per point).
import type { CapacityCurve } from './capacity.ts';

/** Columns of the Markdown table: the false-positive rate at these group counts. */
export const TABLE_GROUPS = [1, 8, 16, 32, 64, 128, 512, 4096] as const;

const pct = (x: number | null): string => (x === null ? '–' : x === 0 ? '0' : x >= 0.9995 ? '100%' : `${(x * 100).toPrecision(2)}%`);

function at(curve: CapacityCurve, n: number): { analytic: number | null; measured: number | null; refused: boolean } {
  const p = curve.points.find((q) => q.groups === n);
  return { analytic: curve.model ? curve.model.fpRate(n) : null, measured: p ? p.measured : null, refused: p?.mode === 'refused' };
}

export function capacityMarkdown(curves: readonly CapacityCurve[], probes: number, seed: number): string {
  const lines = [
    '# Multicast filter capacity',
    '',
    `False-positive rate: the share of random non-joined IPv4 multicast MACs (01:00:5e + 23 random bits) the`,
    `programmed filter admits, with n random joined groups. Cells: analytic / measured (${probes} probes per point,`,
    `seed ${seed}). "refused": the NIC refused the list and kept the previous one (here: none), so nothing leaks`,
    'but the new groups are lost.',
    '',
    `| profile | structure | all multicast from | refused from | ${TABLE_GROUPS.map((n) => `n=${n}`).join(' | ')} |`,
    `| --- | --- | --- | --- | ${TABLE_GROUPS.map(() => '---').join(' | ')} |`,
  ];
  for (const c of curves) {
    const m = c.model;
    const cells = TABLE_GROUPS.map((n) => {
      const v = at(c, n);
      if (v.refused) return 'refused';
      return `${pct(v.analytic)} / ${pct(v.measured)}`;
    });
    lines.push(
      `| ${c.profile} | ${m ? m.structure : 'no analytic model'} | ${m?.allMulticastFrom ?? '–'} | ${m?.refusedFrom ?? '–'} | ${cells.join(' | ')} |`,
    );
  }
  lines.push('', 'Sources: `mcast-testbench profiles`; docs/profiles.md.', '');
  return lines.join('\n');
}

function csvField(v: string | number | null): string {
  if (v === null) return '';
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function capacityCsv(curves: readonly CapacityCurve[]): string {
  const rows = ['profile,groups,analytic_fp_rate,measured_fp_rate,mode'];
  for (const c of curves) {
    for (const p of c.points) {
      rows.push([c.profile, p.groups, p.analytic === null ? null : Number(p.analytic.toFixed(6)), Number(p.measured.toFixed(6)), p.mode].map(csvField).join(','));
    }
  }
  return `${rows.join('\n')}\n`;
}
