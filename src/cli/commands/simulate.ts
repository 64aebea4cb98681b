// `simulate FILE`: the model's result for a scenario, as JSON on stdout.
import { Command, Option } from 'commander';
import { type Cli, EXIT } from '../cli.ts';
import { checkProfileName, collect, faultSet } from '../options.ts';

export function registerSimulate(program: Command, cli: Cli): void {
  program
    .command('simulate')
    .description('run a scenario through the model and print its result as JSON (errno results are results: exit 0)')
    .argument('<file>', 'scenario file (mcast-testbench/scenario@1)')
    .option('--profile <name>', 'NIC profile for every interface, overriding each interface\'s "nic"')
    .option('--trace', "add every view after each step: NIC state (a relay's request-FIFO traffic and sync area), device lists with refcounts, counters, /proc/net/dev_mcast, the routing /proc views")
    .addOption(new Option('--inject-fault <name>', 'run a faulty model (see src/faults.ts)').argParser(collect).hideHelp())
    .action(async (file: string, options: { profile?: string; injectFault?: string[]; trace?: boolean }) => {
      const { loadScenarioFile } = await import('../../scenario/load.ts');
      const profile = options.profile === undefined ? undefined : checkProfileName(options.profile);
      const faults = faultSet(options.injectFault);
      const scenario = loadScenarioFile(file);
      const { simulate } = await import('../../simulate.ts');
      const result = simulate(scenario, { ...(profile !== undefined ? { profile } : {}), faults, ...(options.trace ? { trace: true } : {}) });
      cli.out(JSON.stringify(result, null, 2));
      cli.exitCode = EXIT.ok;
    });
}
