// The tests' CLI build (build.ts) is the CLI: for the same arguments it prints the same lines and
// exits with the same code as bin/mcast-testbench.js running src/ through tsx, a plug-in that
// imports the package by its name included (in the main thread and in check --jobs's workers),
// and a TypeScript plug-in (plugin-loader.cjs).
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.ts';
import { cliArgv, BIN } from './cli.ts';

const scratch: string[] = [];
afterAll(() => {
  for (const dir of scratch) rmSync(dir, { recursive: true, force: true });
});

describe('the CLI build of a test run', () => {
  it('runs the build, not bin/mcast-testbench.js, unless the sources are asked for; with the plug-in loader for a plug-in only', () => {
    expect(cliArgv(['profiles'])).not.toContain(BIN);
    expect(cliArgv(['profiles'])[0]).not.toBe('--require');
    expect(cliArgv(['profiles', '--profile-module', 'examples/library/hash32-profile.js'])[0]).toBe('--require');
    expect(cliArgv(['profiles'], { sources: true })[0]).toBe(BIN);
    expect(cliArgv(['check', '--profile-module', 'test/cli/plugins/hash32.ts'])).not.toContain(BIN);
    expect(cliArgv(['check', '--profile-module', 'test/cli/plugins/hash32.ts'])[0]).toBe('--require');
  });

  const commands: string[][] = [
    ['--version'],
    ['profiles'],
    ['check', '--profile', 'nonesuch'],
    // 20 runs: the model property passes and the scenario property fails (a shrunk counterexample).
    ['check', '--profile', 'ldd3-ff:4', '--inject-fault', 'sticky-allmulti', '--runs', '20', '--seed', '1'],
    ['check', '--profile-module', 'examples/library/hash32-profile.js', '--profile', 'hash32', '--runs', '5', '--seed', '1', '--jobs', '2'],
    // A TypeScript plug-in importing src/ (test/cli/plugins/), in check's worker threads: its
    // fault at creation fails the first run, with the same counterexamples, replay lines and fixtures.
    ['check', '--profile-module', 'test/cli/plugins/hash32-low-bits.ts', '--profile', 'hash32-low-bits', '--runs', '1', '--seed', '1'],
  ];
  it.each(commands.map((args) => [args.join(' '), args] as const))('%s: the same output and exit code as bin/mcast-testbench.js', async (_command, args) => {
    const runs = [];
    for (const sources of [false, true]) {
      const fixtures = mkdtempSync(join(tmpdir(), 'mtb-cli-build-'));
      scratch.push(fixtures);
      const r = await runCli(args[0] === 'check' ? [...args, '--fixtures', fixtures] : args, { sources });
      const out = (s: string): string => s.replaceAll(fixtures, 'FIXTURES');
      runs.push({ code: r.code, stdout: out(r.stdout), stderr: out(r.stderr), fixtures: readdirSync(fixtures) });
    }
    const [built, bin] = runs;
    expect(built).toEqual(bin);
    expect(`${bin?.stdout}${bin?.stderr}`).not.toBe('');
  });
});
