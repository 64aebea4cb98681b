// The mcast-testbench command. Each command lives in src/cli/commands/ and is registered below
// by one line; register with `program.command(...)` so it inherits exitOverride and output.
import { Command, CommanderError } from 'commander';
import { InputError } from '../errors.ts';
import { VERSION } from '../version.ts';
import { endWithParent } from '../shutdown.ts';
import { type Cli, CliExit, EXIT, oneLine, processCli } from './cli.ts';
import { registerCheck } from './commands/check.ts';
import { registerGuest } from './commands/guest.ts';
import { registerKernel } from './commands/kernel.ts';
import { registerMap } from './commands/map.ts';
import { registerProfiles } from './commands/profiles.ts';
import { registerReplay } from './commands/replay.ts';
import { registerReport } from './commands/report.ts';
import { registerSimulate } from './commands/simulate.ts';
import { addProfileModuleOption } from './profile-module.ts';

/** What a person most likely meant by a usage error, judged from the words they typed. */
function usageHint(text: string, argv: readonly string[]): string {
  const driver = argv.findIndex((a) => a === '--driver');
  if (/too many arguments/.test(text) && driver >= 0 && argv[driver + 1] !== undefined) {
    // `--driver python3 x.py`: the shell split the driver's command in two.
    const rest = argv.slice(driver + 1);
    const end = rest.findIndex((a) => a.startsWith('-'));
    return ` (quote the driver's whole command: --driver '${(end < 0 ? rest : rest.slice(0, end)).join(' ')}')`;
  }
  return '';
}

function program(cli: Cli, argv: readonly string[] = []): Command {
  const program = new Command('mcast-testbench')
    .description('Property-based testbench for multicast receive filtering (Linux receive path model, oracle, NIC profiles)')
    .version(VERSION)
    .exitOverride()
    .configureOutput({
      writeOut: (text) => void process.stdout.write(text),
      writeErr: (text) => void process.stderr.write(text),
      // Usage errors are one line (commander may add "(Did you mean ...?)" on a second).
      outputError: (text) => cli.err(`${oneLine(text)}${usageHint(text, argv)}`),
    });

  addProfileModuleOption(program);
  registerMap(program, cli);
  registerSimulate(program, cli);
  registerReplay(program, cli);
  registerProfiles(program, cli);
  registerCheck(program, cli);
  registerReport(program, cli);
  registerKernel(program, cli);
  registerGuest(program, cli);

  return program;
}

/** Runs the command line (without node and script) and returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  endWithParent();
  const cli = processCli();
  try {
    await program(cli, argv).parseAsync(argv, { from: 'user' });
    return cli.exitCode;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end here with code 0; every other commander error is usage.
      return e.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (e instanceof InputError) {
      cli.err(`error: ${e.message}`);
      return EXIT.usage;
    }
    if (e instanceof CliExit) {
      cli.err(e.message);
      return e.exitCode;
    }
    const message = e instanceof Error ? e.message : String(e);
    cli.err(`internal error: ${message} (this is a bug in mcast-testbench; set MCAST_TESTBENCH_DEBUG=1 for the stack)`);
    if (process.env['MCAST_TESTBENCH_DEBUG']) process.stderr.write(`${e instanceof Error ? e.stack : ''}\n`);
    return EXIT.internal;
  }
}
