// `guest run FILE --nic NAME`, `guest diff --nic NAME`: the differential against a Linux guest
// under QEMU with a real driver on an emulated NIC (src/guest, docs/guest.md). The guest boots
// once per command; `guest diff` runs the live core (src/live/diff.ts) on a GuestBackend.
import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import { type Cli, CliExit, EXIT } from '../cli.ts';
import { collect, faultSet, positiveInteger, seedValue } from '../options.ts';
import { displayPath, toolCommand } from '../../command-line.ts';
import { writeResults } from '../../results/output.ts';
import { type ResultCase, ResultsCollector } from '../../results/types.ts';
import { type ResultsCliOptions, addResultsOptions, resultsOutputsFrom, stderrProgress } from './results-options.ts';
import { MAX_LIST_HELP, SWEEP_FAULTS_HELP, liveDiffRunOptions, printLiveDifference, printSweep } from './live-diff-cli.ts';

/** Scenarios `guest diff` runs when --runs is not given (about a second each under TCG). */
export const DEFAULT_GUEST_RUNS = 100;

/** A missing tool or kernel, a guest that did not boot or answer: one line and exit 2, never a stack. */
async function onGuest<T>(action: () => Promise<T>): Promise<T> {
  const { GuestError, GuestSetupError } = await import('../../guest/errors.ts');
  const { LiveBackendError } = await import('../../live/errors.ts');
  try {
    return await action();
  } catch (thrown) {
    const e = thrown instanceof LiveBackendError ? thrown.cause : thrown;
    if (e instanceof GuestSetupError || e instanceof GuestError) throw new CliExit(EXIT.usage, `error: ${e.message}`);
    throw e;
  }
}

/** commander argParser for --nics: 1 or 2 (src/guest/qemu.ts MAX_GUEST_NICS). */
function nicCount(value: string): number {
  if (value !== '1' && value !== '2') throw new InvalidArgumentError('must be 1 or 2.');
  return Number(value);
}

async function nicOf(name: string): Promise<string> {
  const { GUEST_NICS, guestNic } = await import('../../guest/nics.ts');
  const nic = guestNic(name);
  if (!nic) throw new CliExit(EXIT.usage, `error: --nic ${name}: unknown (known: ${GUEST_NICS.map((n) => n.name).join(', ')})`);
  return nic.name;
}

interface GuestDiffOptions extends ResultsCliOptions {
  nic: string;
  runs: number;
  seed?: number;
  maxSteps?: number;
  maxList?: number;
  nics: number;
  fixtures?: string;
  injectFault?: string[];
  sweepFaults?: boolean;
}

export function registerGuest(program: Command, cli: Cli): void {
  const guest = program
    .command('guest')
    .description('differential mode on a Linux guest under QEMU: real drivers on emulated NICs (scripts/guest-setup.sh first)');

  guest
    .command('run')
    .description("run one scenario in a guest with the NIC's real driver and print the simulate-shaped JSON")
    .argument('<file>', 'scenario file (mcast-testbench/scenario@1) with one or two plain interfaces (one NIC each)')
    .requiredOption('--nic <name>', 'QEMU NIC model (e1000, e100, virtio-net-pci, ...)')
    .action(async (file: string, options: { nic: string }) => {
      const { loadScenarioFile } = await import('../../scenario/load.ts');
      const scenario = loadScenarioFile(file);
      const { GuestBackend } = await import('../../guest/backend.ts');
      const { guestInterfaces } = await import('../../guest/ports.ts');
      const { MAX_GUEST_NICS } = await import('../../guest/qemu.ts');
      const nics = guestInterfaces(scenario, MAX_GUEST_NICS).length;
      const name = await nicOf(options.nic);
      const result = await onGuest(async () => {
        const backend = await GuestBackend.create(name, { log: (l) => cli.err(l), nics });
        try {
          return await backend.run(scenario);
        } finally {
          await backend.dispose();
        }
      });
      cli.out(JSON.stringify(result, null, 2));
      cli.exitCode = EXIT.ok;
    });

  addResultsOptions(guest
    .command('diff')
    .description('generate scenarios on the guest\'s NICs, run each in the guest and in the model with the NIC profile, shrink any difference in the guest and save it')
    .requiredOption('--nic <name>', 'QEMU NIC model (e1000, e100, virtio-net-pci, ...)')
    .option('--runs <n>', 'scenarios to run', positiveInteger, DEFAULT_GUEST_RUNS)
    .option('--seed <s>', 'fast-check seed', seedValue)
    .option('--max-steps <n>', 'most intents per scenario', positiveInteger)
    .option('--max-list <n>', MAX_LIST_HELP, positiveInteger)
    .option('--nics <n>', 'NICs of the model in the guest, each an interface of every scenario: 1 or 2 (2: a datagram can arrive on an interface other than the one a socket joined on)', nicCount, 1)
    .option('--fixtures <dir>', 'where a shrunk difference is saved (default: fixtures/guest)')
    .option('--sweep-faults', SWEEP_FAULTS_HELP)
    .addOption(new Option('--inject-fault <name>', 'compare against a deliberately faulty model').argParser(collect).hideHelp()))
    .action(async (options: GuestDiffOptions) => {
      const faults = faultSet(options.injectFault);
      const name = await nicOf(options.nic);
      if (options.fixtures !== undefined) (await import('../../scenario/save.ts')).checkOutputDirectory(options.fixtures, '--fixtures');
      const outputs = resultsOutputsFrom(options);
      const { guestUnavailable } = await import('../../guest/requirements.ts');
      const reason = guestUnavailable();
      if (reason !== null) throw new CliExit(EXIT.usage, `error: guest mode cannot run here: ${reason}`);
      const { guestNic } = await import('../../guest/nics.ts');
      if (guestNic(name)?.profile === null) throw new CliExit(EXIT.usage, `error: --nic ${name}: no model profile equals this NIC yet (docs/guest.md); \`guest run\` still runs scenarios on it`);
      const suite = `guest diff ${name}`;
      const collector = new ResultsCollector(suite, Date.now, options.seed !== undefined ? { seed: options.seed } : {});
      const progress = stderrProgress(suite, 'scenarios');
      let runsDone = 0;
      const started = Date.now();
      const { runLiveDiff } = await import('../../live/diff.ts');
      const { GuestBackend } = await import('../../guest/backend.ts');
      const { GUEST_KERNEL_RELEASE } = await import('../../guest/cache.ts');
      // A faulty model's differences are not evidence about the driver: saved only on request.
      const fixturesDir = options.fixtures !== undefined ? resolve(options.fixtures) : faults.size > 0 ? undefined : resolve('fixtures/guest');
      let label = '';
      const report = await onGuest(async () => {
        progress.note(`${suite}: booting the guest`);
        const backend = await GuestBackend.create(name, { log: (l) => progress.note(l), nics: options.nics });
        label = backend.label;
        progress.update({ done: 0, total: options.runs });
        try {
          return await runLiveDiff(backend, {
            ...liveDiffRunOptions(options, fixturesDir, (seed) => ({
              name: `guest-diff-${name}-${seed}`,
              describe: (first: string) => `guest diff: the model (${backend.profile}) differs from ${backend.label}: ${first}`,
              meta: { source: 'mcast-testbench guest diff', nic: name, profile: backend.profile, kernel: GUEST_KERNEL_RELEASE },
            })),
            interfaces: options.nics === 2 ? 2 : 1,
            faults,
            ...(options.sweepFaults === true ? { sweepFaults: 'profile' as const } : {}),
            log: (l) => progress.note(l),
            onStart: (seed) => progress.note(`${suite}: running ${options.runs} scenarios on ${backend.label} (seed ${seed})`),
            // Past --runs the core is shrinking a difference: each candidate runs in the guest too.
            onRun: () => (++runsDone <= options.runs ? progress.update({ done: runsDone }) : progress.update({}, `shrinking in the guest (${runsDone - options.runs} candidates)`)),
          });
        } finally {
          await backend.dispose();
        }
      }).finally(() => progress.done());
      collector.setSeed(report.seed);
      cli.out(`${label}, seed ${report.seed}: ${report.runs} scenarios in ${(report.elapsedMs / 1000).toFixed(1)} s`);
      const d = report.difference;
      const reproduce = toolCommand([
        'guest', 'diff', '--nic', name, ...(options.nics !== 1 ? ['--nics', String(options.nics)] : []), '--runs', String(options.runs), '--seed', String(report.seed),
        ...(options.maxSteps !== undefined ? ['--max-steps', String(options.maxSteps)] : []),
        ...(options.maxList !== undefined ? ['--max-list', String(options.maxList)] : []),
        ...(options.sweepFaults === true ? ['--sweep-faults'] : []),
        ...[...faults].flatMap((f) => ['--inject-fault', f]),
      ]);
      if (d) {
        printLiveDifference(cli, d, 'in the guest', (saved) => `${displayPath(saved)} (${toolCommand(['guest', 'run', '--nic', name, displayPath(saved)])})`);
        cli.out(`reproduce: ${reproduce}`);
      } else {
        cli.out('scenarios: 0 differences');
      }
      const scenarios: ResultCase = { suite, name: 'scenarios', status: d ? 'failed' : 'passed', timeMs: Date.now() - started, runs: report.runs };
      collector.add(
        d
          ? {
              ...scenarios,
              message: d.differences[0] ?? 'the guest and the model differ',
              counterexample: [...d.differences, `interfaces: ${JSON.stringify(d.scenario.interfaces)}`, ...d.scenario.steps.map((s, i) => `step ${i}: ${JSON.stringify(s)}`)],
              replay: reproduce,
              ...(d.savedTo ? { fixture: d.savedTo } : {}),
            }
          : scenarios,
      );
      for (const c of printSweep(cli, suite, report)) collector.add(c);
      writeResults(collector.results(), outputs);
      cli.exitCode = d ? EXIT.failure : EXIT.ok;
    });
}
