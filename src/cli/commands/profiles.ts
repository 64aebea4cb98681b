// `profiles`: every NIC profile family with the driver source it is modelled on.
import type { Command } from 'commander';
import { type Cli, EXIT } from '../cli.ts';

export function registerProfiles(program: Command, cli: Cli): void {
  program
    .command('profiles')
    .description('list the NIC filter profiles, their driver sources and summaries')
    .option('--json', 'print the list as JSON')
    .action(async (options: { json?: boolean }) => {
      const { profileFamilies } = await import('../../profiles/registry.ts');
      const families = profileFamilies();
      if (options.json) {
        cli.out(JSON.stringify(families, null, 2));
      } else {
        const width = Math.max(...families.map((f) => f.pattern.length));
        for (const f of families) {
          cli.out(`${f.pattern.padEnd(width)}  ${f.summary}`);
          cli.out(`${''.padEnd(width)}  source: ${f.source}`);
          if (f.releases) cli.out(`${''.padEnd(width)}  releases: ${f.releases}`);
          if (f.dpdk) cli.out(`${''.padEnd(width)}  DPDK port (${f.dpdk.pmd}): check runs the fallback chain (ethdev)${f.dpdk.hostByDefault ? '' : '; the default check runs it alone'}`);
          if (f.parameter) {
            const p = f.parameter;
            cli.out(`${''.padEnd(width)}  N: ${p.meaning}, ${p.min}..${p.max} (check runs N=${p.default})`);
          }
        }
      }
      cli.exitCode = EXIT.ok;
    });
}
