// SIGINT, SIGTERM and SIGHUP end a run the same way everywhere (src/shutdown.ts): the driver's
// process group and the namespaces are gone and the exit status is 128 + N (issue 11, cases 10,
// 12 and 13). Every test waits for a line the child prints once it is in the middle of its
// work, never for a fixed time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { groupMembersRunning } from '../driver/procs.ts';
import { DRIVERS, checkLeftoversAfterAll, scratchDir, start } from './helpers.ts';

checkLeftoversAfterAll();

const ACCEPT_ALL = join(DRIVERS, 'accept_all.py');
const kernelSkip = kernelModeUnavailable();

function namespaces(pid: number): string[] {
  try {
    return readFileSync('/proc/self/mountinfo', 'utf8')
      .split('\n')
      .filter((l) => l.includes(`/run/netns/mtb-${pid}-`));
  } catch {
    return [];
  }
}

describe('case 10: a signal to check --driver ends the driver group and exits 128 + N', () => {
  it.each([
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ] as const)('%s -> %i', async (signal, code) => {
    const dir = scratchDir();
    const pgidFile = join(dir, 'pgid');
    // 40 ms per answer: the contract check takes minutes, so the signal lands in its middle.
    const cli = start(['check', '--driver', `echo $$ > ${pgidFile}; exec python3 ${ACCEPT_ALL} 0.04`, '--runs', '1000', '--seed', '1', '--fixtures', dir]);
    await cli.line(/checking the filter contract/);
    const pgid = Number(readFileSync(pgidFile, 'utf8'));
    expect(groupMembersRunning(pgid).length).toBeGreaterThan(0);
    cli.child.kill(signal);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(code);
    expect(groupMembersRunning(pgid)).toEqual([]);
  });
});

describe.skipIf(kernelSkip !== null)('cases 10, 12, 13: a signal to the kernel mode removes its namespaces', () => {
  it.each([
    ['SIGTERM', 143, ['kernel', 'diff', '--runs', '100000', '--tap-programs', '0'], /kernel diff: namespaces ready/],
    ['SIGINT', 130, ['kernel', 'diff', '--runs', '100000', '--tap-programs', '0'], /kernel diff: namespaces ready/],
    // Case 12: two million programs used to be generated before the first signal could be seen.
    ['SIGINT', 130, ['kernel', 'tap', '--programs', '2000000'], /kernel tap: tap ready/],
    ['SIGHUP', 129, ['kernel', 'tap', '--programs', '2000000'], /kernel tap: tap ready/],
  ] as const)('%s to %j', async (signal, code, args, ready) => {
    const dir = scratchDir();
    const cli = start([...args, ...(args[1] === 'diff' ? ['--fixtures', dir] : [])]);
    await cli.line(ready);
    expect(namespaces(cli.pid).length).toBeGreaterThan(0);
    cli.child.kill(signal);
    const r = await cli.done;
    expect(r.code, r.stderr).toBe(code);
    expect(namespaces(cli.pid)).toEqual([]);
  });
});
