// SIGINT, SIGTERM and SIGHUP end a run the same way everywhere (src/shutdown.ts): the driver's
// process group and the namespaces are gone and the exit status is 128 + N (issue 11, cases 10,
// 12 and 13). Every test waits for a line the child prints once it is in the middle of its
// work, never for a fixed time.
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
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

// The tree `npx mcast-testbench` makes: npm -> sh -> node -> sh -> the driver. npm forwards
// SIGTERM to sh, which dies of it without passing it on; node sees its parent go
// (src/shutdown.ts endWithParent) and ends the driver's group with itself.
function processTree(root: number): Map<number, string> {
  const children = new Map<number, number[]>();
  const state = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^[0-9]+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const ppid = Number(fields[1]);
      state.set(Number(entry), `${fields[0]} ${stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'))}`);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // gone while we looked
    }
  }
  const tree = new Map<number, string>();
  const walk = (pid: number): void => {
    tree.set(pid, state.get(pid) ?? '?');
    for (const c of children.get(pid) ?? []) walk(c);
  };
  walk(root);
  return tree;
}

function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}

describe('issue 19: SIGTERM to the npx process of a check --driver run ends the whole tree', () => {
  it('npm, sh, node, the driver\'s sh and python3: none left 1 s after the signal', async () => {
    const dir = scratchDir();
    const child = spawn('npx', ['mcast-testbench', 'check', '--driver', `python3 ${ACCEPT_ALL} 0.04`, '--runs', '1000', '--seed', '1', '--fixtures', dir], {
      cwd: join(import.meta.dirname, '../..'),
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, MCAST_TESTBENCH_DEBUG: '' },
    });
    let output = '';
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    await new Promise<void>((resolve, reject) => {
      const look = (c: Buffer): void => {
        output += c.toString();
        if (/checking the filter contract/.test(output)) resolve();
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      void exited.then(() => reject(new Error(`npx exited before the contract check started:\n${output}`)));
    });
    const tree = processTree(child.pid as number);
    // npm, sh, node, sh, python3 (npm may add its own helpers; the driver must be among them).
    expect([...tree.values()].some((s) => s.includes('python3'))).toBe(true);
    expect(tree.size).toBeGreaterThanOrEqual(4);
    child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 1_000));
    const left = [...tree.entries()].filter(([pid]) => alive(pid)).map(([pid, s]) => `${pid} ${s}`);
    // Whatever the verdict, nothing of this test may outlive it.
    for (const pid of tree.keys()) if (alive(pid)) process.kill(pid, 'SIGKILL');
    expect(left).toEqual([]);
    await exited;
  });
});
