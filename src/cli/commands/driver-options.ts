// The --driver, --driver-module and --timeout options of `check` and `replay`. Kept apart from
// driver.ts so that parsing a command line does not load the driver machinery.
import { statSync } from 'node:fs';
import { type Command, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_DRIVER_TIMEOUT_MS } from '../../driver/defaults.ts';
import type { DriverSource } from '../../driver/session.ts';
import { InputError } from '../../errors.ts';

export interface DriverCliOptions {
  driver?: string;
  driverModule?: string;
  timeout?: number;
}

/** The longest delay a Node timer takes (2^31 - 1 ms); a longer one fires at once. */
const MAX_TIMEOUT_MS = 0x7fffffff;

function timeoutValue(value: string): number {
  const n = /^[0-9]+$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < 1 || n > MAX_TIMEOUT_MS) {
    throw new InvalidArgumentError(`must be a number of milliseconds from 1 to ${MAX_TIMEOUT_MS}.`);
  }
  return n;
}

/** Adds --driver, --driver-module and --timeout to a command. */
export function addDriverOptions(command: Command): Command {
  // The driver is the NIC: a built-in profile or an injected model fault cannot apply to it.
  const notWithDriver = ['profile', 'injectFault'];
  return command
    .addOption(
      new Option('--driver <command>', 'check your own NIC driver: a command speaking docs/driver-protocol.md on stdin/stdout').conflicts([
        'driverModule',
        ...notWithDriver,
      ]),
    )
    .addOption(
      new Option('--driver-module <path>', 'check your own NIC driver: an ES module exporting hello, reset, program and rx').conflicts(notWithDriver),
    )
    .option('--timeout <ms>', `deadline of each driver answer, from the previous answer (default ${DEFAULT_DRIVER_TIMEOUT_MS}; hello gets at least 10000)`, timeoutValue);
}

/** The driver the options name, or null when neither --driver nor --driver-module is given. */
export function driverSourceFrom(options: DriverCliOptions): DriverSource | null {
  if (options.driver !== undefined && options.driverModule !== undefined) {
    throw new InputError('--driver', 'give either --driver or --driver-module, not both');
  }
  if (options.driver !== undefined) {
    if (options.driver.trim() === '') throw new InputError('--driver', 'the driver command is empty');
    return { command: options.driver };
  }
  if (options.driverModule !== undefined) {
    let isFile = false;
    try {
      isFile = statSync(options.driverModule).isFile();
    } catch {
      throw new InputError('--driver-module', `${options.driverModule}: no such file`);
    }
    if (!isFile) throw new InputError('--driver-module', `${options.driverModule}: not a file`);
    return { module: options.driverModule };
  }
  if (options.timeout !== undefined) throw new InputError('--timeout', 'only applies with --driver or --driver-module');
  return null;
}
