// `kernel run FILE`, `kernel diff`, `kernel tap` (and `kernel route`, `kernel stacked`: kernel-route.ts, kernel-stacked.ts): the differential mode against the live Linux
// kernel (src/kernel). Needs root, iproute2 and /dev/net/tun; everything runs in network
// namespaces the command creates and removes.
import { existsSync, linkSync, rmSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { basename, dirname, resolve } from 'node:path';
import { Command, Option } from 'commander';
import { type Cli, CliExit, EXIT } from '../cli.ts';
import type { KernelFeature } from '../../kernel/features.ts';
import { collect, faultSet, positiveInteger, seedValue } from '../options.ts';
import { writeResults } from '../../results/output.ts';
import { type ResultCase, ResultsCollector } from '../../results/types.ts';
import { type ResultsCliOptions, addResultsOptions, resultsOutputsFrom, stderrProgress } from './results-options.ts';
import { displayPath, toolCommand } from '../../command-line.ts';
import { onKernel } from './kernel-env.ts';
import { MAX_LIST_HELP, SWEEP_FAULTS_HELP, liveDiffRunOptions, printLiveDifference, printSweep } from './live-diff-cli.ts';
import { registerKernelRoute } from './kernel-route.ts';
import { registerKernelStacked } from './kernel-stacked.ts';

/** Scenarios `kernel diff` runs when --runs is not given. */
export const DEFAULT_KERNEL_RUNS = 200;
/** Tap filter programs `kernel diff` and `kernel tap` run when not given. */
export const DEFAULT_TAP_PROGRAMS = 200;
/** Vectors kept when `kernel tap --save` writes the known-answer file. */
const SAVED_VECTORS = 60;

async function requireKernelMode(...features: readonly KernelFeature[]): Promise<void> {
  const { kernelModeUnavailable } = await import('../../kernel/requirements.ts');
  const reason = kernelModeUnavailable();
  if (reason !== null) throw new CliExit(EXIT.unavailable, `error: kernel mode cannot run here: ${reason}`);
  const { kernelFeatureMissing } = await import('../../kernel/features.ts');
  const missing = kernelFeatureMissing(...features);
  if (missing !== null) throw new CliExit(EXIT.unavailable, `error: cannot run here: ${missing}`);
}

interface DiffOptions extends ResultsCliOptions {
  runs: number;
  seed?: number;
  maxSteps?: number;
  maxList?: number;
  tapPrograms: number;
  fixtures?: string;
  injectFault?: string[];
  sweepFaults?: boolean;
  dut?: string;
  peer?: string;
  profile?: string;
}

export function registerKernel(program: Command, cli: Cli): void {
  const kernel = program
    .command('kernel')
    .description('differential mode: run scenarios on the live Linux kernel (root; network namespaces, veth, tap)');

  kernel
    .command('run')
    .description('run one scenario on the kernel (veth pair in fresh namespaces) and print the simulate-shaped JSON')
    .argument('<file>', 'scenario file (mcast-testbench/scenario@1)')
    .option('--verbose', 'one line per step on stderr')
    .option('--save <dir>', 'also save the scenario with the kernel output as `expect` into DIR (never overwrites)')
    .action(async (file: string, options: { verbose?: boolean; save?: string }) => {
      const { loadScenarioFile } = await import('../../scenario/load.ts');
      const scenario = loadScenarioFile(file);
      const { isRouteStep } = await import('../../scenario/types.ts');
      const routed = scenario.steps.findIndex((s) => isRouteStep(s));
      if (routed >= 0) {
        // The runner has no router namespace; silently skipping the steps would print a wrong answer.
        throw new CliExit(EXIT.usage, `error: ${file}: /steps/${routed} is a routing step (${scenario.steps[routed]?.op}); kernel run runs receive-path scenarios only. Routing runs on the kernel with \`mcast-testbench kernel route\` (random routing scenarios on a three-interface router, compared with the model)`);
      }
      if (options.save !== undefined) (await import('../../scenario/save.ts')).checkOutputDirectory(options.save, '--save');
      await requireKernelMode();
      const { runOnKernel } = await import('../../kernel/runner.ts');
      const result = await onKernel(async () => runOnKernel(scenario, options.verbose ? { log: (l) => cli.err(l) } : {}));
      cli.out(JSON.stringify(result, null, 2));
      if (options.save !== undefined) {
        const { withoutBlind } = await import('../../live/blindness.ts');
        const { NETNS_BLINDNESS } = await import('../../kernel/netns-backend.ts');
        const { saveFixture } = await import('../../scenario/save.ts');
        let path: string;
        try {
          path = saveFixture(resolve(options.save), basename(file, '.json'), {
            ...scenario,
            expect: withoutBlind(result, { ...NETNS_BLINDNESS, listOrder: false }),
            meta: { ...(scenario.meta ?? {}), source: 'mcast-testbench kernel run', kernel: release() },
          });
        } catch (e) {
          throw new CliExit(EXIT.usage, `error: --save ${options.save}: ${(e as Error).message}`);
        }
        cli.err(`saved: ${path}`);
      }
      cli.exitCode = EXIT.ok;
    });

  addResultsOptions(kernel
    .command('diff')
    .description('generate scenarios, run each on the kernel and in the model, shrink any difference on the kernel and save it')
    .option('--runs <n>', 'scenarios to run', positiveInteger, DEFAULT_KERNEL_RUNS)
    .option('--seed <s>', 'fast-check seed', seedValue)
    .option('--max-steps <n>', 'most intents per scenario', positiveInteger)
    .option('--max-list <n>', MAX_LIST_HELP, positiveInteger)
    .option('--tap-programs <n>', 'tap TX filter programs to compare with the tun profile (0: none)', (v: string) => (v === '0' ? 0 : positiveInteger(v)), DEFAULT_TAP_PROGRAMS)
    .option('--fixtures <dir>', 'where a shrunk difference is saved (default: fixtures/kernel)')
    .option('--sweep-faults', SWEEP_FAULTS_HELP)
    .option('--dut <iface>', 'run on a device under test in this namespace instead of veths in namespaces (needs --peer and --profile; no tap filter part)')
    .option('--peer <iface>', 'with --dut: the port wired to the DUT; every frame leaves here')
    .option('--profile <name>', 'with --dut: the NIC profile the DUT is judged against (must / may / must-not)')
    .addOption(new Option('--inject-fault <name>', 'compare against a deliberately faulty model').argParser(collect).hideHelp()))
    .action(async (options: DiffOptions) => {
      const faults = faultSet(options.injectFault);
      const dut = options.dut !== undefined ? { dut: options.dut, peer: options.peer, profile: options.profile } : undefined;
      if (dut && (dut.peer === undefined || dut.profile === undefined)) throw new CliExit(EXIT.usage, 'error: --dut needs --peer and --profile');
      if (!dut && (options.peer !== undefined || options.profile !== undefined)) throw new CliExit(EXIT.usage, 'error: --peer and --profile go with --dut');
      if (dut) options.tapPrograms = 0;
      if (options.fixtures !== undefined) (await import('../../scenario/save.ts')).checkOutputDirectory(options.fixtures, '--fixtures');
      const outputs = resultsOutputsFrom(options);
      await requireKernelMode('macvlan', ...(options.tapPrograms > 0 ? (['tun'] as const) : []));
      const collector = new ResultsCollector('kernel diff', Date.now, options.seed !== undefined ? { seed: options.seed } : {});
      const progress = stderrProgress('kernel diff', 'parts');
      let runsDone = 0;
      progress.update({ done: 0, total: options.tapPrograms > 0 ? 2 : 1, runs: 0, totalRuns: options.runs }, 'scenarios');
      let started = Date.now();
      const { runLiveDiff } = await import('../../live/diff.ts');
      const { NetnsBackend } = await import('../../kernel/netns-backend.ts');
      const { DutBackend } = await import('../../kernel/dut-backend.ts');
      const { runTapDiff } = await import('../../kernel/tap-diff.ts');
      // A faulty model's differences are not evidence about the kernel: saved only on request.
      const fixturesDir = options.fixtures !== undefined ? resolve(options.fixtures) : faults.size > 0 ? undefined : resolve('fixtures/kernel');
      const kernelRelease = release();
      const report = await onKernel(async () => {
        const backend = dut ? new DutBackend({ dut: dut.dut, peer: dut.peer as string, profile: dut.profile as string }) : new NetnsBackend();
        try {
          return await runLiveDiff(backend, {
            ...liveDiffRunOptions(options, fixturesDir, (seed) => ({
              name: dut ? `kernel-diff-dut-${seed}` : `kernel-diff-${seed}`,
              describe: (first: string) => (dut ? `kernel diff: ${backend.label} differs from its profile: ${first}` : `kernel diff: the model differs from Linux ${kernelRelease}: ${first}`),
              meta: { source: 'mcast-testbench kernel diff', kernel: kernelRelease, ...(dut ? { dut: dut.dut, peer: dut.peer ?? null, profile: dut.profile ?? null } : {}) },
            })),
            faults,
            ...(options.sweepFaults === true ? { sweepFaults: 'profile' as const } : {}),
            log: (l) => progress.note(l),
            // The namespaces exist now: a caller (or a test about to signal the run) can rely on it.
            onStart: (seed) => progress.note(`kernel diff: ${dut ? `${backend.label} ready` : 'namespaces ready'}, running ${options.runs} scenarios (seed ${seed})`),
            onRun: () => progress.update({ runs: ++runsDone }),
          });
        } finally {
          await backend.dispose();
        }
      }).finally(() => progress.done());
      collector.setSeed(report.seed);
      cli.out(`kernel ${kernelRelease}, seed ${report.seed}: ${report.runs} scenarios in ${(report.elapsedMs / 1000).toFixed(1)} s`);
      let failed = false;
      const d = report.difference;
      if (d) {
        failed = true;
        printLiveDifference(cli, d, 'on the kernel', (saved) => `${displayPath(saved)} (${toolCommand(['replay', displayPath(saved)])})`);
      } else {
        cli.out('scenarios: 0 differences');
      }
      const scenarios: ResultCase = { suite: 'kernel diff', name: 'scenarios', status: d ? 'failed' : 'passed', timeMs: Date.now() - started, runs: report.runs };
      collector.add(
        d
          ? {
              ...scenarios,
              message: d.differences[0] ?? 'the kernel and the model differ',
              counterexample: [...d.differences, `interfaces: ${JSON.stringify(d.scenario.interfaces)}`, ...d.scenario.steps.map((s, i) => `step ${i}: ${JSON.stringify(s)}`)],
              ...(d.savedTo ? { fixture: displayPath(d.savedTo), replay: toolCommand(['replay', displayPath(d.savedTo)]) } : {}),
            }
          : scenarios,
      );
      for (const c of printSweep(cli, 'kernel diff', report)) collector.add(c);
      started = Date.now();
      if (options.tapPrograms > 0) {
        const tap = await onKernel(() => runTapDiff({ programs: options.tapPrograms, ...(options.seed !== undefined ? { seed: options.seed } : {}), log: (l) => cli.err(l) }));
        cli.out(`tap filter: ${tap.programs} programs, ${tap.probes} probes, ${tap.mismatches.length} mismatches`);
        for (const m of tap.mismatches.slice(0, 10)) {
          failed = true;
          cli.out(`  probe ${m.mac}: kernel ${m.kernel ? 'passes' : 'drops'}, tun profile ${m.model ? 'passes' : 'drops'}; request ${JSON.stringify(m.vector.request)}`);
        }
        if (tap.mismatches.length > 0) failed = true;
        const first = tap.mismatches[0];
        collector.add({
          suite: 'kernel diff',
          name: 'tap filter',
          status: first ? 'failed' : 'passed',
          timeMs: Date.now() - started,
          runs: tap.programs,
          ...(first
            ? {
                message: `${tap.mismatches.length} of ${tap.probes} probes differ; first: ${first.mac}: kernel ${first.kernel ? 'passes' : 'drops'}, tun profile ${first.model ? 'passes' : 'drops'}`,
                counterexample: tap.mismatches.slice(0, 10).map((m) => `probe ${m.mac}: kernel ${m.kernel ? 'passes' : 'drops'}, tun profile ${m.model ? 'passes' : 'drops'}; request ${JSON.stringify(m.vector.request)}`),
              }
            : {}),
        });
      }
      writeResults(collector.results(), outputs);
      cli.exitCode = failed ? EXIT.failure : EXIT.ok;
    });

  registerKernelRoute(kernel, cli);
  registerKernelStacked(kernel, cli);

  kernel
    .command('tap')
    .description('program random TX filters into a live tap and compare every probe with the tun profile')
    .option('--programs <n>', 'filter programs', positiveInteger, DEFAULT_TAP_PROGRAMS)
    .option('--seed <s>', 'fast-check seed', seedValue)
    .option('--save <file>', 'write the observed vectors as known answers (refuses to overwrite)')
    .action(async (options: { programs: number; seed?: number; save?: string }) => {
      // Refused before the run as well as at the end: known answers are never overwritten.
      if (options.save !== undefined && existsSync(resolve(options.save))) {
        throw new CliExit(EXIT.usage, `error: ${options.save}: exists, not overwritten`);
      }
      // Its folder too: a run must not find out at its end that it cannot write.
      if (options.save !== undefined) (await import('../../scenario/save.ts')).checkOutputDirectory(dirname(resolve(options.save)), '--save');
      await requireKernelMode('tun');
      const { runTapDiff, tunVectorFile } = await import('../../kernel/tap-diff.ts');
      const progress = stderrProgress('kernel tap', 'parts');
      let programsDone = 0;
      progress.update({ done: 0, total: 1, runs: 0, totalRuns: options.programs }, 'tap filter programs');
      const tap = await onKernel(() =>
        runTapDiff({
          programs: options.programs,
          ...(options.seed !== undefined ? { seed: options.seed } : {}),
          log: (l) => progress.note(l),
          onProgram: () => progress.update({ runs: ++programsDone }),
        }),
      ).finally(() => progress.done());
      cli.out(`tap filter, seed ${tap.seed}: ${tap.programs} programs, ${tap.probes} probes, ${tap.mismatches.length} mismatches`);
      for (const m of tap.mismatches.slice(0, 10)) {
        cli.out(`  probe ${m.mac}: kernel ${m.kernel ? 'passes' : 'drops'}, tun profile ${m.model ? 'passes' : 'drops'}; request ${JSON.stringify(m.vector.request)}`);
      }
      if (options.save !== undefined) {
        const target = resolve(options.save);
        const tmp = `${target}.${process.pid}.tmp`;
        try {
          writeFileSync(tmp, `${JSON.stringify(tunVectorFile(tap, SAVED_VECTORS), null, 2)}\n`, { flag: 'wx' });
          // link(2) fails with EEXIST instead of replacing a file that appeared during the run.
          linkSync(tmp, target);
        } catch (e) {
          const exists = (e as NodeJS.ErrnoException).code === 'EEXIST';
          throw new CliExit(EXIT.usage, `error: ${options.save}: ${exists ? 'exists, not overwritten' : (e as Error).message}`);
        } finally {
          rmSync(tmp, { force: true });
        }
        cli.out(`saved: ${options.save}`);
      }
      cli.exitCode = tap.mismatches.length > 0 ? EXIT.failure : EXIT.ok;
    });
}
