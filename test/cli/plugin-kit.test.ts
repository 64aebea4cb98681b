// Writing a plug-in (issue 22, point 5): definePlugin types a plain JavaScript plug-in, crcBucket
// and exactHashAllAcceptance state the common chip shape, and assertProfileHolds makes a failing
// plug-in property in a project's own test print a replay line and save a fixture as check does.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { crc32 } from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ProfileCheckFailed, assertProfileHolds, bucket64, crcBucket, macOctets } from '../../src/index.ts';
import { ROOT } from './run.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

/**
 * tsc --strict with checkJs on JavaScript files (paths relative to ROOT), in one tsc process (each
 * one type-checks the package's sources again): each file's diagnostics, '' when it type-checks.
 */
function tscCheckJs(files: readonly string[]): string[] {
  let out = '';
  try {
    execFileSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '--noEmit', '--strict', '--allowJs', '--checkJs', '--module', 'nodenext', '--moduleResolution', 'nodenext', '--target', 'es2022', '--allowImportingTsExtensions', '--skipLibCheck', ...files], { cwd: ROOT, encoding: 'utf8' });
  } catch (e) {
    out = String((e as { stdout?: string }).stdout ?? e);
  }
  // A diagnostic starts with its file's path at the start of a line; its further lines are indented.
  const diagnostics = out.split(/\n(?=\S)/);
  expect(diagnostics.every((d) => d.trim() === '' || files.some((f) => d.startsWith(`${f}(`))), out).toBe(true);
  return files.map((f) => diagnostics.filter((d) => d.startsWith(`${f}(`)).join('\n'));
}

describe('plug-in authoring', () => {
  it('crcBucket agrees with a CRC neither side wrote (zlib), and with the oracle\'s bucket64', () => {
    const bitrev = (x: number): number => Number.parseInt(x.toString(2).padStart(32, '0').split('').reverse().join(''), 2);
    const etherCrc = (mac: string): number => bitrev(~crc32(Buffer.from(macOctets(mac, mac))) >>> 0);
    const b9 = crcBucket('ether_crc', 23, 9);
    const b6 = crcBucket('ether_crc', 26, 6);
    for (const mac of ['01:00:5e:00:00:01', '01:00:5e:7f:ff:fa', '33:33:ff:12:34:56', '01:80:c2:00:00:0e']) {
      expect(b9(mac)).toBe(etherCrc(mac) >>> 23);
      expect(b6(mac)).toBe(bucket64(macOctets(mac, mac)));
    }
    expect(() => crcBucket('ether_crc', 30, 4)).toThrow(RangeError);
  });

  it('a plain JavaScript plug-in type-checks under tsc --strict through definePlugin; the same object without it does not', () => {
    // Written below the gitignored tmp/, three folders deep as test/cli/plugins/ is (the same
    // relative import of src/): a file in the tracked tree would show in the git status that the
    // README hygiene test (test/reliability/hygiene.test.ts) compares in the other worker.
    const scratch = `tmp/plugin-kit-${process.pid}`;
    const bare = `${scratch}/plugins/bare.js`;
    mkdirSync(join(ROOT, scratch, 'plugins'), { recursive: true });
    const text = readFileSync(join(ROOT, 'test/cli/plugins/acme-js.js'), 'utf8')
      .replace("import { crcBucket, definePlugin,", "import { crcBucket, registerProfile,")
      .replace('export default definePlugin({', 'const plugin = {')
      .replace(/\}\);\s*$/, '};\nregisterProfile(plugin);\nexport default plugin;\n');
    writeFileSync(join(ROOT, bare), text);
    try {
      const [typed, untyped] = tscCheckJs(['test/cli/plugins/acme-js.js', bare]);
      expect(typed).toBe('');
      expect(untyped).toMatch(/not assignable/);
    } finally {
      rmSync(join(ROOT, scratch), { recursive: true, force: true });
    }
  });

  it('assertProfileHolds: a faulty plug-in throws with the replay line (naming its module) and the fixture it saved', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-plugin-kit-'));
    dirs.push(dir);
    const err = await assertProfileHolds('acme-allmulti-100', { profileModule: 'test/cli/plugins/acme-allmulti-100.ts', seed: 1, fixturesDir: dir }).then(
      () => null,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(ProfileCheckFailed);
    const message = (err as Error).message;
    expect(message).toMatch(/replay: npx mcast-testbench check --profile-module test\/cli\/plugins\/acme-allmulti-100\.ts --profile acme-allmulti-100 --seed 1 --path /);
    const fixture = /fixture: (\S+)/.exec(message)?.[1];
    expect(fixture !== undefined && existsSync(fixture)).toBe(true);
    await expect(assertProfileHolds('hash64', { runs: 20, seed: 1, fixturesDir: dir })).resolves.toBeUndefined();
  });
});
