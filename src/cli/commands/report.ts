// `report [--profile NAME]... [--out DIR]`: the filter-capacity report (src/report): one SVG per
// profile, overview.svg, capacity.md and capacity.csv in DIR (default report/).
import { renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Command } from 'commander';
import { InputError } from '../../errors.ts';
import { makeDirectory } from '../../scenario/save.ts';
import { type Cli, EXIT } from '../cli.ts';
import { checkProfileName, collect, positiveInteger, seedValue } from '../options.ts';

interface ReportCliOptions {
  profile?: string[];
  out: string;
  probes: number;
  seed: number;
}

export function registerReport(program: Command, cli: Cli): void {
  program
    .command('report')
    .description('write the filter-capacity report: false-positive rate against joined groups (1..4096), per profile and overview SVGs, Markdown and CSV tables')
    .option('--profile <name>', 'a NIC profile to include (repeatable; default: every catalog profile)', collect)
    .option('--out <dir>', 'output directory', 'report')
    .option('--probes <n>', 'non-joined multicast probe frames per point', positiveInteger, 4000)
    .option('--seed <n>', 'seed of the random groups and probes', seedValue, 1)
    .action(async (options: ReportCliOptions) => {
      // An empty name is no directory (mkdir(2) says ENOENT); "." says the current one.
      if (options.out.trim() === '') throw new InputError('--out', 'an empty directory name; give a directory, e.g. --out report (or --out . for the current one)');
      const { resolveProfile, builtinProfiles } = await import('../../profiles/registry.ts');
      const { isCatalogCapacityProfile } = await import('../../report/capacity.ts');
      const { buildReport } = await import('../../report/index.ts');
      const names = options.profile?.map((n) => checkProfileName(n)) ?? builtinProfiles().map((p) => p.name).filter(isCatalogCapacityProfile);
      const profiles = [...new Set(names)].map(resolveProfile);
      const cannotWrite = (e: unknown): InputError =>
        new InputError('--out', `cannot write the report to ${JSON.stringify(options.out)} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      try {
        makeDirectory(options.out);
      } catch (e) {
        throw cannotWrite(e);
      }
      const progress = (await import('./results-options.ts')).stderrProgress('report', 'profiles');
      progress.update({ done: 0, total: profiles.length });
      const files = await buildReport(profiles, {
        probes: options.probes,
        seed: options.seed,
        onMeasured: (done, total, profile) => progress.update({ done, total }, done < total ? `measured ${profile}` : 'rendering the plots'),
      }).finally(() => progress.done());
      try {
        for (const f of files) {
          const path = join(options.out, f.name);
          const tmp = `${path}.tmp-${process.pid}`;
          try {
            writeFileSync(tmp, f.content);
            renameSync(tmp, path);
          } finally {
            rmSync(tmp, { force: true });
          }
        }
      } catch (e) {
        throw cannotWrite(e);
      }
      for (const f of files) cli.out(join(options.out, f.name));
      cli.exitCode = EXIT.ok;
    });
}
