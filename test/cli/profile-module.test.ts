// --profile-module: a user's profile plug-in (model + oracle spec) checked like a built-in one,
// and every bad module refused as a usage error (exit 2) naming the file.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runCli } from './run.ts';

const PLUGINS = 'test/cli/plugins';
const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'mcast-profile-module-'));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('check --profile-module', () => {
  it('checks a plug-in profile against its own spec and lists it in `profiles`', async () => {
    const fixtures = tempDir();
    const run = await runCli(['check', '--profile-module', `${PLUGINS}/hash32.ts`, '--profile', 'hash32', '--runs', '10', '--seed', '1', '--fixtures', fixtures]);
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok: every property holds (hash32, 10 runs each)');
    const list = await runCli(['profiles', '--profile-module', `${PLUGINS}/hash32.ts`]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^hash32 +32-bucket hash test plug-in$/m);
  });

  it("the README's example plug-in, which imports the package by its name, runs from the sources in two worker threads", async () => {
    // In a clone without dist/ the name must reach src/ (src/self-reference.ts), here and in the workers.
    const fixtures = tempDir();
    const run = await runCli(['check', '--profile-module', 'examples/library/hash32-profile.js', '--profile', 'hash32', '--runs', '5', '--seed', '1', '--jobs', '2', '--fixtures', fixtures], { sources: true });
    expect(run.stderr).not.toContain('error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('ok: every property holds (hash32, 5 runs each)');
  });

  it('catches a plug-in model that disagrees with its spec, and saves the counterexample', async () => {
    const fixtures = tempDir();
    const run = await runCli(['check', '--profile-module', `${PLUGINS}/hash32-low-bits.ts`, '--profile', 'hash32-low-bits', '--runs', '100', '--seed', '1', '--fixtures', fixtures]);
    expect(run.code).toBe(1);
    expect(run.stdout).toMatch(/FAIL hash32-low-bits model .*(leak|loss)/);
    expect(readdirSync(fixtures).some((f) => f.startsWith('check-hash32-low-bits-'))).toBe(true);
  });

  it.each([
    ['a file that does not exist', 'test/cli/plugins/missing.js', /error: test\/cli\/plugins\/missing\.js: profile module .* does not exist/],
    ['a module without a profile', `${PLUGINS}/no-export.ts`, /error: test\/cli\/plugins\/no-export\.ts: profile module .* exports no profile/],
    ['a spec named unlike its model', `${PLUGINS}/mismatched.ts`, /error: test\/cli\/plugins\/mismatched\.ts: profile hash32: spec\.base must equal model\.base, got "hash33"/],
  ])('refuses %s with exit 2', async (_what, file, message) => {
    const run = await runCli(['check', '--profile-module', file, '--profile', 'hash32', '--runs', '1']);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('refuses a plug-in that takes a built-in profile name', async () => {
    const run = await runCli(['profiles', '--profile-module', `${PLUGINS}/hash32.ts`, '--profile-module', `${PLUGINS}/builtin-name.ts`]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/builtin-name\.ts: a NIC profile named "tulip" exists already/);
  });
});

describe('pluginCheckpoint (how a test file leaves no plug-in behind)', () => {
  it('removes the plug-ins registered after the mark, in-process and from a module, and a later load registers the module again', async () => {
    const { pluginCheckpoint, loadProfileModule, loadedProfileModules, pluginModulesForWorkers, registerProfile } = await import('../../src/profile-plugin.ts');
    const { hasProfileFamily, profileFamilies } = await import('../../src/profiles/registry.ts');
    const { oracleProfileNames } = await import('../../src/oracle/filters/index.ts');
    const { default: acme } = await import('./plugins/acme.ts');
    const families = profileFamilies().length;
    const specs = oracleProfileNames().length;
    const restore = pluginCheckpoint();
    registerProfile(acme);
    expect(await loadProfileModule(`${PLUGINS}/hash32-low-bits.ts`)).toEqual(['hash32-low-bits']);
    expect(hasProfileFamily('acme') && hasProfileFamily('hash32-low-bits')).toBe(true);
    expect(profileFamilies().length).toBe(families + 2);
    expect(pluginModulesForWorkers()).toBeNull();
    restore();
    expect(hasProfileFamily('acme') || hasProfileFamily('hash32-low-bits')).toBe(false);
    expect(profileFamilies().length).toBe(families);
    expect(oracleProfileNames().length).toBe(specs);
    expect(loadedProfileModules().some((m) => m.endsWith('hash32-low-bits.ts'))).toBe(false);
    expect(pluginModulesForWorkers()).not.toBeNull();
    // ESM keeps the module; loading it again registers its export again.
    const again = pluginCheckpoint();
    expect(await loadProfileModule(`${PLUGINS}/hash32-low-bits.ts`)).toEqual(['hash32-low-bits']);
    expect(hasProfileFamily('hash32-low-bits')).toBe(true);
    again();
    expect(hasProfileFamily('hash32-low-bits')).toBe(false);
  });
});
