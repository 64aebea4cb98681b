// Bad paths and odd files end at once with exit 2 and one line naming the input (issue 11,
// cases 3 to 7 and 9).
import { mkdirSync, symlinkSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkLeftoversAfterAll, expectError, run, scratchDir } from './helpers.ts';

checkLeftoversAfterAll();

const FACT = 'fixtures/kernel-fact-disable-ipv6-device-list.json';

function scenario(ipv4: string): string {
  return JSON.stringify({
    schema: 'mcast-testbench/scenario@1',
    interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: [ipv4], nic: 'tun' }],
    steps: [{ op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 }],
  });
}

describe('case 3: an output folder that cannot be created is refused before any work', () => {
  // Before the fix each of these spun at 100% CPU in mkdirSync(recursive) when it came to save.
  it('check --fixtures under /proc', async () => {
    const r = await run(['check', '--profile', 'ldd3-ff:4', '--inject-fault', 'sticky-allmulti', '--seed', '1', '--runs', '50', '--fixtures', '/proc/mtb/fixtures']);
    expectError(r, 2, /^error: --fixtures: cannot create directory "\/proc\/mtb\/fixtures" \(at "\/proc\/mtb"\): ENOENT; give a directory/);
    expect(r.stdout).toBe('');
  });

  it('check --driver --fixtures under /proc', async () => {
    const r = await run(['check', '--driver', 'python3 examples/drivers/faults/sticky_allmulti.py', '--seed', '1', '--fixtures', '/proc/mtb']);
    expectError(r, 2, /^error: --fixtures: cannot create directory "\/proc\/mtb": ENOENT/);
  });

  it('kernel run --save under /proc', async () => {
    const r = await run(['kernel', 'run', FACT, '--save', '/proc/mtb']);
    expectError(r, 2, /^error: --save: cannot create directory "\/proc\/mtb": ENOENT/);
  });

  it('kernel diff --fixtures under /proc, and below a file', async () => {
    const r = await run(['kernel', 'diff', '--runs', '1', '--tap-programs', '0', '--fixtures', '/proc/mtb/x']);
    expectError(r, 2, /^error: --fixtures: cannot create directory "\/proc\/mtb\/x" \(at "\/proc\/mtb"\): ENOENT/);
    const f = await run(['kernel', 'diff', '--runs', '1', '--tap-programs', '0', '--fixtures', 'README.md/x']);
    expectError(f, 2, /^error: --fixtures: cannot create directory "README.md\/x": ENOTDIR/);
  });

  it('kernel tap --save into a folder under /proc', async () => {
    const r = await run(['kernel', 'tap', '--programs', '1', '--save', '/proc/mtb/vectors.json']);
    expectError(r, 2, /^error: --save: cannot create directory "\/proc\/mtb": ENOENT/);
  });

  it('a folder that can be created is not created by the check itself', async () => {
    const dir = join(scratchDir(), 'new', 'deeper');
    const r = await run(['check', '--profile', 'tun', '--runs', '1', '--seed', '1', '--fixtures', dir]);
    expect(r.code, r.stderr).toBe(0);
    expect(existsSync(join(dir, '..'))).toBe(false);
  });
});

describe('case 4: a scenario that is not a regular file', () => {
  it('a FIFO is refused by simulate and replay without opening it', async () => {
    const dir = scratchDir();
    const fifo = join(dir, 'pipe.json');
    execFileSync('mkfifo', [fifo]);
    expectError(await run(['simulate', fifo]), 2, new RegExp(`^error: ${fifo}: not a regular file \\(a FIFO\\); give a scenario file`));
    const r = await run(['replay', fifo]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/not a regular file \(a FIFO\)/);
  });

  it('a character device is refused; an oversized file names the limit', async () => {
    expectError(await run(['simulate', '/dev/zero']), 2, /^error: \/dev\/zero: not a regular file \(a character device\)/);
  });
});

describe('case 5: a broken symbolic link in a replay folder', () => {
  it('is named, with exit 2, and the other files are still replayed', async () => {
    const dir = scratchDir();
    writeFileSync(join(dir, 'a.json'), scenario('10.99.0.2/24'));
    symlinkSync(join(dir, 'nowhere.json'), join(dir, 'b.json'));
    const r = await run(['replay', dir]);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stdout).toContain(`ok ${join(dir, 'a.json')}`);
    expect(r.stdout).toContain(`FAIL ${join(dir, 'b.json')}`);
    expect(r.stderr).toMatch(new RegExp(`^error: ${join(dir, 'b.json')}: a broken symbolic link`));
    expect(r.stderr).not.toMatch(/internal error/);
  });
});

describe('case 6: check --path', () => {
  it('a malformed command replay path is exit 2 with the reason', async () => {
    const r = await run(['check', '--profile', 'tun', '--seed', '1', '--path', 'model~1:2~!!']);
    expectError(r, 2, /^error: --path: "model~1:2~!!": .*replay path "!!"/);
  });

  it('a path that selects no run is exit 2, not a success', async () => {
    const r = await run(['check', '--profile', 'tun', '--seed', '1', '--path', 'model~0:999999']);
    expectError(r, 2, /^error: --path: "model~0:999999": selects no case/);
  });

  it('a path replays exactly the one case it selects, and says so', async () => {
    const r = await run(['check', '--profile', 'tun', '--seed', '1', '--runs', '2', '--path', 'scenario~3:5']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^ok {3}tun scenario \(1 runs, seed 1, profile seed -?\d+\)$/m);
    expect(r.stdout).toMatch(/^ok: the case at --path scenario~3:5 holds \(tun\)$/m);
  });
});

describe('case 7: one validation at load time', () => {
  it('a prefix with a leading zero is exit 2 in simulate, replay and kernel run alike', async () => {
    const dir = scratchDir();
    const file = join(dir, 's.json');
    writeFileSync(file, scenario('10.99.0.2/024'));
    const pattern = new RegExp(`^error: ${file}: /interfaces/0/ipv4/0: invalid prefix length "024"`);
    expectError(await run(['simulate', file]), 2, pattern);
    const r = await run(['replay', file]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(pattern);
    expectError(await run(['kernel', 'run', file]), 2, pattern);
  });
});

describe('case 9: report --out', () => {
  it("an empty --out is a usage error and writes nothing", async () => {
    const dir = scratchDir();
    const r = await run(['report', '--profile', 'tun', '--probes', '10', '--out', ''], { cwd: dir });
    expectError(r, 2, /^error: --out: an empty directory name/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('an --out under /proc is exit 2 at once', async () => {
    expectError(await run(['report', '--profile', 'tun', '--probes', '10', '--out', '/proc/mtb']), 2, /^error: --out: .*\/proc\/mtb.*ENOENT/);
  });
});

describe('case 7: load-time validation refuses every interface address the oracle refuses', () => {
  const odd = ['10.99.0.2/024', '10.99.0.2/24', '10.99.0.2/0', '10.99.0.2/33', '010.99.0.2/24', '10.99.0.2/+24', '10.99.0.2/2e1', '10.99.0.2/ 24',
    'fd00::2/64', 'fd00::2/064', 'fd00::2/129', 'fd00::2%eth0/64', '10.1.1.1/24/24', '1.2.3/24', '::ffff:10.1.1.1/96'];
  it.each(odd)('%s', async (text) => {
    const { parseScenario } = await import('../../src/scenario/load.ts');
    const { parseInterfaceAddress } = await import('../../src/oracle/address.ts');
    const family = text.includes(':') ? 'ipv6' : 'ipv4';
    const loads = (): unknown => parseScenario(JSON.stringify({ schema: 'mcast-testbench/scenario@1', interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', [family]: [text] }], steps: [] }), 'f.json');
    let oracleRefuses = false;
    try {
      parseInterfaceAddress(text, 'x');
    } catch {
      oracleRefuses = true;
    }
    if (oracleRefuses) expect(loads).toThrow(/^f\.json: \/interfaces\/0\/ipv[46]\/0: /);
  });
});
