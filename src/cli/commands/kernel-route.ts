// `kernel route`: the routing differential on a live three-interface router. It runs on this
// machine's kernel when it has IPv4 and IPv6 multicast routing, else (or with --guest) in the QEMU
// guest (Debian's 6.1: docs/guest.md), saying so in one line; the reproduce line names --guest
// when the run was in the guest.
import { Command, Option } from 'commander';
import { type Cli, CliExit, EXIT } from '../cli.ts';
import { toolCommand } from '../../command-line.ts';
import { collect, faultSet, positiveInteger, seedValue } from '../options.ts';
import { onKernel } from './kernel-env.ts';
import { stderrProgress } from './results-options.ts';

/** Routing scenarios `kernel route` runs when --runs is not given. */
export const DEFAULT_ROUTE_RUNS = 200;

interface RouteOptions {
  runs: number;
  seed?: number;
  maxOps?: number;
  realTicks?: boolean;
  guest?: boolean;
  injectFault?: string[];
}

export function registerKernelRoute(kernel: Command, cli: Cli): void {
  kernel
    .command('route')
    .description('the routing differential: random MRT socket, vif, MFC, link-del and datagram scenarios on a live three-interface router, compared with the model; a difference is shrunk on the kernel. Runs in the QEMU guest when this kernel has no multicast routing')
    .option('--runs <n>', 'scenarios to run', positiveInteger, DEFAULT_ROUTE_RUNS)
    .option('--seed <s>', 'fast-check seed', seedValue)
    .option('--max-ops <n>', 'most random operations per scenario (after the router setup)', positiveInteger)
    .option('--real-ticks', 'run tick steps as real sleeps (seconds per scenario) instead of leaving them out')
    .option('--guest', "run in the QEMU guest (Debian's 6.1 kernel) even where this kernel could")
    .addOption(new Option('--inject-fault <name>', 'compare against a deliberately faulty model').argParser(collect).hideHelp())
    .action(async (options: RouteOptions) => {
      const faults = faultSet(options.injectFault);
      const features = ['ip_mroute', 'ip6_mroute'] as const;
      const { kernelPlace, openKernelHost } = await import('../../guest/kernel-place.ts');
      const place = kernelPlace(features, { guest: options.guest === true });
      if (place.where === 'none') throw new CliExit(EXIT.unavailable, `error: cannot run here: ${place.reason}`);
      if (place.where === 'guest' && place.hostReason !== undefined) cli.err(`kernel route: ${place.hostReason}; running in the QEMU guest (reproduce with --guest)`);
      const { RouteBench } = await import('../../kernel/route-bench.ts');
      const { describeDifference, routeDiff } = await import('../../kernel/route-diff.ts');
      const progress = stderrProgress('kernel route', 'parts');
      let runsDone = 0;
      let started = Date.now();
      let label = '';
      let squeezed = 0;
      const report = await onKernel(async () => {
        if (place.where === 'guest') progress.note('kernel route: booting the QEMU guest');
        const host = await openKernelHost(place, features, (l) => progress.note(l));
        label = host.label;
        try {
          const bench = await RouteBench.create(host);
          try {
            started = Date.now();
            progress.update({ done: 0, total: 1, runs: 0, totalRuns: options.runs }, 'routing scenarios');
            return await routeDiff(bench, {
              onRun: () => progress.update({ runs: ++runsDone }),
              runs: options.runs,
              ...(options.seed !== undefined ? { seed: options.seed } : {}),
              ...(options.maxOps !== undefined ? { maxOps: options.maxOps } : {}),
              ...(options.realTicks === true ? { realTicks: true } : {}),
              faults,
            });
          } finally {
            squeezed = bench.squeezedRuns;
            await bench.dispose();
          }
        } finally {
          await host.dispose();
          progress.done();
        }
      });
      cli.out(`${label}, seed ${report.seed}: ${report.runs} routing scenarios in ${((Date.now() - started) / 1000).toFixed(1)} s`);
      // Runs repeated because the kernel's receive processing ran out of time (route-diff.ts kernelRun).
      if (squeezed > 0) cli.err(`kernel route: ${squeezed} kernel runs repeated (receive processing squeezed: /proc/net/softnet_stat time_squeeze)`);
      if (report.difference) {
        cli.out(describeDifference(report.difference));
        const extra = [
          ...(options.maxOps !== undefined ? ['--max-ops', String(options.maxOps)] : []),
          ...(options.realTicks ? ['--real-ticks'] : []),
          ...(place.where === 'guest' ? ['--guest'] : []),
          ...[...faults].flatMap((f) => ['--inject-fault', f]),
        ];
        cli.out(`reproduce: ${toolCommand(['kernel', 'route', '--seed', String(report.seed), '--runs', String(options.runs), ...extra])}`);
      } else cli.out('routing: 0 differences');
      cli.exitCode = report.difference ? EXIT.failure : EXIT.ok;
    });
}
