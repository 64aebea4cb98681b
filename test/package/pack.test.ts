// The package as another project gets it: `npm pack`, a fresh project installing the tarball
// offline, then examples/library/driver.property.test.ts run there by vitest against the
// installed package, its types checked by tsc, and `--profile-module` run through the installed
// bin with plain node (no tsx). One pack, one install; every temporary folder is removed.
//
// Offline: the fresh project gets a package-lock.json cut from this repository's lockfile (the
// tarball plus the closure of its dependencies and of vitest, typescript, @types/node), and
// `npm ci --offline` takes every package from npm's cache, which `npm ci` here filled.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { HANG_BOUND_MS } from '../bounds.ts';

const ROOT = join(import.meta.dirname, '../..');

interface LockEntry {
  version?: string;
  dependencies?: Record<string, string>;
  optionalDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  [key: string]: unknown;
}
interface Lockfile {
  name: string;
  version: string;
  lockfileVersion: number;
  requires: boolean;
  packages: Record<string, LockEntry>;
}
interface PackageJson {
  name: string;
  version: string;
  dependencies: Record<string, string>;
  devDependencies: Record<string, string>;
  bin: Record<string, string>;
  license: string;
  engines: Record<string, string>;
}

/** The lock key a package at `from` reaches `name` by (node's lookup: nearest node_modules up). */
function resolveKey(packages: Record<string, LockEntry>, from: string, name: string): string | null {
  let base = from;
  for (;;) {
    const key = `${base === '' ? '' : `${base}/`}node_modules/${name}`;
    if (packages[key]) return key;
    if (base === '') return null;
    const at = base.lastIndexOf('/node_modules/');
    base = at < 0 ? '' : base.slice(0, at);
  }
}

/** Every lock entry reachable from the given top-level names. */
function closure(packages: Record<string, LockEntry>, names: readonly string[]): Set<string> {
  const seen = new Set<string>();
  const queue = names.map((n) => `node_modules/${n}`);
  while (queue.length > 0) {
    const key = queue.pop() as string;
    if (seen.has(key) || !packages[key]) continue;
    seen.add(key);
    const entry = packages[key] as LockEntry;
    for (const deps of [entry.dependencies, entry.optionalDependencies, entry.peerDependencies]) {
      for (const dep of Object.keys(deps ?? {})) {
        const found = resolveKey(packages, key, dep);
        if (found) queue.push(found);
      }
    }
  }
  return seen;
}

const DEV_TOOLS = ['vitest', 'typescript', '@types/node'] as const;

function run(cmd: string, args: readonly string[], cwd: string, env: NodeJS.ProcessEnv): string {
  try {
    return execFileSync(cmd, args, { cwd, env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: HANG_BOUND_MS, maxBuffer: 64 * 1024 * 1024 });
  } catch (e) {
    const err = e as { status?: number; stdout?: string; stderr?: string };
    throw new Error(`${cmd} ${args.join(' ')} (in ${cwd}) exited ${err.status}:\n${err.stdout ?? ''}\n${err.stderr ?? ''}`);
  }
}

describe('the packed package in a fresh project (offline)', () => {
  let tmp = '';
  let project = '';
  let tarball = '';
  let env: NodeJS.ProcessEnv = {};
  const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as PackageJson;

  beforeAll(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mcast-pack-'));
    // The nested npm and vitest must not see this vitest's worker variables.
    env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('VITEST') && k !== 'NODE_OPTIONS'));
    const packDir = join(tmp, 'pack');
    mkdirSync(packDir);
    // prepack builds dist/ (tsconfig.build.json) first.
    const packed = JSON.parse(run('npm', ['pack', '--json', '--pack-destination', packDir], ROOT, env)) as { filename: string }[];
    tarball = join(packDir, (packed[0] as { filename: string }).filename);

    project = join(tmp, 'project');
    mkdirSync(join(project, 'test'), { recursive: true });
    const rootLock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as Lockfile;
    const devDependencies = Object.fromEntries(DEV_TOOLS.map((n) => [n, pkg.devDependencies[n] as string]));
    const spec = `file:../pack/${(packed[0] as { filename: string }).filename}`;
    const manifest = { name: 'user-project', version: '1.0.0', private: true, type: 'module', dependencies: { 'mcast-testbench': spec }, devDependencies };
    writeFileSync(join(project, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    const keys = closure(rootLock.packages, [...Object.keys(pkg.dependencies), ...DEV_TOOLS]);
    const packages: Record<string, LockEntry> = {
      '': { name: manifest.name, version: manifest.version, dependencies: manifest.dependencies, devDependencies },
      'node_modules/mcast-testbench': {
        version: pkg.version,
        resolved: spec,
        integrity: `sha512-${createHash('sha512').update(readFileSync(tarball)).digest('base64')}`,
        license: pkg.license,
        dependencies: pkg.dependencies,
        bin: pkg.bin,
        engines: pkg.engines,
      },
    };
    for (const key of [...keys].sort()) packages[key] = rootLock.packages[key] as LockEntry;
    const lock = { name: manifest.name, version: manifest.version, lockfileVersion: 3, requires: true, packages };
    writeFileSync(join(project, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({ compilerOptions: { target: 'ES2022', module: 'NodeNext', moduleResolution: 'NodeNext', strict: true, noEmit: true, allowJs: true, skipLibCheck: false, types: ['node'] }, include: ['test'] }),
    );
    for (const f of ['driver.property.test.ts', 'hash32-profile.js']) copyFileSync(join(ROOT, 'examples/library', f), join(project, 'test', f));
    run('npm', ['ci', '--offline', '--ignore-scripts', '--no-audit', '--no-fund'], project, env);
  });

  afterAll(() => {
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  it('the tarball holds dist/ with types and no TypeScript sources', () => {
    const installed = join(project, 'node_modules/mcast-testbench');
    expect(existsSync(join(installed, 'dist/index.js'))).toBe(true);
    expect(existsSync(join(installed, 'dist/index.d.ts'))).toBe(true);
    expect(existsSync(join(installed, 'src'))).toBe(false);
    expect(existsSync(join(project, 'node_modules/tsx'))).toBe(false);
    expect(readdirSync(join(installed, 'dist')).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))).toEqual([]);
  });

  it("the example property file passes with the project's vitest and type-checks against the package's types", () => {
    const colored = run(process.execPath, [join(project, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project, '--reporter', 'verbose'], project, env);
    const out = colored.replace(/\x1b\[[0-9;]*m/g, '');
    expect(out).toMatch(/Tests +4 passed \(4\)/);
    expect(out).toContain(`my driver against mcast-testbench ${pkg.version}`);
    run(process.execPath, [join(project, 'node_modules/typescript/bin/tsc'), '-p', project], project, env);
  });

  it('the installed bin runs with plain node: --version, and check with a --profile-module plug-in', () => {
    const bin = join(project, 'node_modules/.bin/mcast-testbench');
    expect(run(bin, ['--version'], project, env).trim()).toBe(pkg.version);
    const out = run(bin, ['check', '--profile-module', 'test/hash32-profile.js', '--profile', 'hash32', '--runs', '20', '--seed', '1', '--fixtures', join(tmp, 'fixtures')], project, env);
    expect(out).toContain('ok: every property holds (hash32, 20 runs each)');
  });

  it('the README shows the CI shard script exactly as examples/ci/check-shard.sh has it', () => {
    const script = readFileSync(join(ROOT, 'examples/ci/check-shard.sh'), 'utf8');
    expect(readFileSync(join(ROOT, 'README.md'), 'utf8')).toContain(`\n\`\`\`sh\n${script}\`\`\`\n`);
  });

  it('the README CI recipe runs as written: a correct driver passes, a faulty one fails its shard with artifacts', (ctx) => {
    const bin = join(project, 'node_modules/.bin/mcast-testbench');
    const help = run(bin, ['check', '--help'], project, env);
    const missing = ['--shard', '--junit', '--html'].filter((o) => !help.includes(o));
    if (missing.length > 0) {
      console.log(`SKIP README CI recipe: check has no ${missing.join(', ')} yet`);
      ctx.skip();
    }
    const script = join(project, 'ci/check-shard.sh');
    mkdirSync(join(project, 'ci'));
    copyFileSync(join(ROOT, 'examples/ci/check-shard.sh'), script);
    copyFileSync(join(ROOT, 'examples/drivers/tun_filter.py'), join(project, 'my_driver.py'));
    copyFileSync(join(ROOT, 'examples/drivers/faults/sticky_allmulti.py'), join(project, 'sticky_driver.py'));
    // The faulty example driver imports its serving loop from the file beside it.
    copyFileSync(join(ROOT, 'examples/drivers/faults/driverloop.py'), join(project, 'driverloop.py'));
    const shard = (n: number, driver: string, more: Record<string, string> = {}): number => {
      rmSync(join(project, 'results'), { recursive: true, force: true });
      try {
        execFileSync('sh', [script], { cwd: project, env: { ...env, SHARD: String(n), DRIVER: driver, ...more }, stdio: 'ignore', timeout: HANG_BOUND_MS });
        return 0;
      } catch (e) {
        return (e as { status: number }).status;
      }
    };
    expect(shard(1, 'python3 my_driver.py')).toBe(0);
    expect(existsSync(join(project, 'results/junit.xml'))).toBe(true);
    // PROFILE_MODULE passes --profile-module on (a missing file would be exit 2).
    copyFileSync(join(ROOT, 'examples/library/hash32-profile.js'), join(project, 'hash32-profile.js'));
    expect(shard(1, 'python3 my_driver.py', { PROFILE_MODULE: 'hash32-profile.js' })).toBe(0);
    expect(shard(1, 'python3 my_driver.py', { PROFILE_MODULE: 'no-such-plugin.js' })).toBe(2);
    const codes: number[] = [];
    for (const n of [1, 2, 3]) {
      codes.push(shard(n, 'python3 sticky_driver.py'));
      if (codes.at(-1) !== 0) break;
    }
    expect(codes.at(-1)).toBe(1);
    expect(readFileSync(join(project, 'results/junit.xml'), 'utf8')).toContain('<failure');
    expect(readdirSync(join(project, 'results/fixtures')).some((f) => f.endsWith('.transcript.jsonl'))).toBe(true);
  });
});
