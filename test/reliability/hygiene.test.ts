// Nothing the README's demo commands or the tests write is left in the working tree unignored or
// under a fixed name in /tmp (issue 11, case 11).
import { execFileSync } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT, checkLeftoversAfterAll } from './helpers.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

checkLeftoversAfterAll();

function ignored(path: string): boolean {
  try {
    execFileSync('git', ['check-ignore', '-q', path], { cwd: ROOT, stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function testSources(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

/** git status of the working tree, one line per changed or untracked (unignored) path. */
function gitStatus(): string[] {
  return execFileSync('git', ['status', '--porcelain', '--untracked-files=all'], { cwd: ROOT, encoding: 'utf8' }).split('\n').filter((l) => l !== '');
}

/**
 * The README's runnable commands: every `npx mcast-testbench ...` in it and every printed
 * `replay:` line, as a user pastes them. Left out: lines with placeholders (my_driver.py), the
 * plain `check` (the main job, a minute; it writes only a failure, which fails other tests too)
 * and the guest commands (a guest boot each; test/guest runs them, and they write only a
 * difference, under fixtures/guest/).
 */
function readmeCommands(readme: string): string[] {
  const cmds = new Set<string>();
  for (const m of readme.matchAll(/(?:^|`|\$ )(npx mcast-testbench [^`\n#]*)/gm)) cmds.add((m[1] as string).trim());
  for (const m of readme.matchAll(/replay: (?:npx )?(mcast-testbench [^\n`]*)/g)) cmds.add(`npx ${(m[1] as string).trim()}`);
  return [...cmds].filter((c) => !c.includes('my_driver') && c !== 'npx mcast-testbench check' && !c.startsWith('npx mcast-testbench guest '));
}

describe('issue 19: the README\'s commands leave the clone clean', () => {
  it('every runnable README command, run as written in the repository, leaves git status as it was', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    const commands = readmeCommands(readme);
    // The fault demo, its replay line and the plug-in example at least.
    expect(commands.length).toBeGreaterThanOrEqual(5);
    const before = gitStatus();
    for (const c of commands) {
      try {
        execFileSync('sh', ['-c', `${c} >/dev/null 2>&1`], { cwd: ROOT, timeout: HANG_BOUND_MS });
      } catch {
        // Demos of faults exit 1 by design; what matters here is what they leave behind.
      }
      expect(gitStatus(), c).toEqual(before);
    }
  });
});

describe('case 11: hygiene', () => {
  it('every README demo that injects a fault saves its counterexample outside the working tree', () => {
    const readme = readFileSync(join(ROOT, 'README.md'), 'utf8');
    // The demos as typed (`$ npx ...`), not the `replay:` lines they print: a counterexample of an
    // injected fault goes to a temporary folder anyway (the next test runs every command).
    const demos = readme.split('\n').filter((l) => /^(\$ )?npx mcast-testbench check .*--inject-fault/.test(l) || /Try one: `npx mcast-testbench check .*--inject-fault/.test(l));
    expect(demos.length).toBeGreaterThan(0);
    for (const line of demos) expect(line, line).toMatch(/--fixtures "\$\(mktemp -d\)"/);
  });

  it("what the other README demos write by default is ignored by git (report/, driver transcripts)", () => {
    expect(ignored('report/overview.svg')).toBe(true);
    expect(ignored('fixtures/driver-sticky-allmulti-history-independence-1.transcript.jsonl')).toBe(true);
    // Scenario fixtures saved by a real failure are evidence to commit: not ignored.
    expect(ignored('fixtures/check-tun-model.json')).toBe(false);
  });

  it('no test writes a fixed-name file into the temp folder', () => {
    const fixedName = /join\(tmpdir\(\), '[^']*\.[A-Za-z0-9]+'\)|['"`]\/tmp\/[A-Za-z0-9._-]+\.[A-Za-z0-9]+['"`]/;
    const offenders = [...testSources(join(ROOT, 'test')), ...testSources(join(ROOT, 'properties'))]
      .filter((f) => !f.endsWith('hygiene.test.ts'))
      .filter((f) => fixedName.test(readFileSync(f, 'utf8')));
    expect(offenders).toEqual([]);
  });
});
