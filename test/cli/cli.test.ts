// The CLI contract (docs/cli.md), through the real executable: outputs, exit codes, and one
// stderr line without a stack trace for every class of bad input.
import { mkdtempSync, readdirSync, rmSync, writeFileSync, mkdirSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { profileFamilies } from '../../src/profiles/registry.ts';
import { ROOT, expectOneLineError, lines, runCli } from './run.ts';

const FIXTURES = join(ROOT, 'fixtures');
const ALIAS = join(FIXTURES, 'kernel-fact-ipv4-alias-refcount.json');
const ENOBUFS = join(FIXTURES, 'kernel-fact-ipv4-21st-membership-enobufs.json');

const tmp = mkdtempSync(join(tmpdir(), 'mtb-cli-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function file(name: string, text: string): string {
  const path = join(tmp, name);
  writeFileSync(path, text);
  return path;
}

const VALID = {
  schema: 'mcast-testbench/scenario@1',
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'] }],
  steps: [
    { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
    { op: 'join', socket: 's1', group: '224.1.1.1', iface: 'eth0' },
  ],
};
const withStep = (step: unknown): string => JSON.stringify({ ...VALID, steps: [...VALID.steps, step] }, null, 2);

/**
 * The registry's families less the plug-ins other test files of this worker registered in-process
 * (isolate: false; their sources are test/ or examples/ files): what a fresh CLI process lists.
 */
function builtinFamilies(): ReturnType<typeof profileFamilies> {
  return profileFamilies().filter((f) => !/^(test|examples)\//.test(f.source));
}

describe.concurrent('map', () => {
  it('prints the known mappings (RFC 1112 6.4 low 23 bits, RFC 2464 7 33:33 + low 32 bits)', async () => {
    const r = await runCli(['map', '224.1.1.1', '225.1.1.1', '239.0.0.1', '224.0.0.251', 'ff02::1', 'ff02::1:ff00:2', 'FF05::1:3']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(lines(r.stdout)).toEqual([
      // 224.1.1.1 = e0.01.01.01 -> 0x010101; 225.1.1.1 = e1.01.01.01 -> 0x010101 (same MAC)
      '224.1.1.1 01:00:5e:01:01:01',
      '225.1.1.1 01:00:5e:01:01:01',
      // 239.0.0.1 = ef.00.00.01 -> 0x000001, the MAC of 224.0.0.1
      '239.0.0.1 01:00:5e:00:00:01',
      // 224.0.0.251 (mDNS) -> 0x0000fb
      '224.0.0.251 01:00:5e:00:00:fb',
      'ff02::1 33:33:00:00:00:01',
      // ff02::1:ff00:2: low 32 bits ff 00 00 02
      'ff02::1:ff00:2 33:33:ff:00:00:02',
      // ff05::1:3: low 32 bits 00 01 00 03
      'FF05::1:3 33:33:00:01:00:03',
    ]);
  });

  it('rejects an invalid address with one line naming it, and prints nothing else', async () => {
    const r = await runCli(['map', '224.1.1.1', '224.1.1']);
    expectOneLineError(r, 2, /invalid IP address "224\.1\.1"/);
    expect(r.stdout).toBe('');
  });

  it('rejects a unicast address', async () => {
    expectOneLineError(await runCli(['map', '10.0.0.1']), 2, /"10\.0\.0\.1" is not a multicast address/);
  });

  it('needs at least one address', async () => {
    expectOneLineError(await runCli(['map']), 2, /missing required argument/);
  });
});

describe.concurrent('simulate', () => {
  it('prints the result as 2-space JSON and exits 0, errno results included', async () => {
    const r = await runCli(['simulate', ENOBUFS]);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^\{\n {2}"steps": \[\n {4}\{/);
    const out = JSON.parse(r.stdout) as { steps: { op: string; error: string | null }[] };
    // steps 0-1 open, 2-21 the 20 joins, 22 the 21st join: ENOBUFS (igmp_max_memberships 20)
    expect(out.steps[22]).toEqual({ op: 'join', error: 'ENOBUFS' });
  });

  it('--profile overrides the NIC of every interface', async () => {
    const plain = JSON.parse((await runCli(['simulate', ALIAS])).stdout) as { interfaces: { eth0: { nic: unknown } } };
    const r = await runCli(['simulate', '--profile', 'ldd3-ff:4', ALIAS]);
    expect(r.code).toBe(0);
    const over = JSON.parse(r.stdout) as { interfaces: { eth0: { nic: unknown } } };
    expect(over.interfaces.eth0.nic).not.toEqual(plain.interfaces.eth0.nic);
  });

  it.each([
    ['invalid JSON', () => file('bad-json.json', '{\n  "schema": "mcast-testbench/scenario@1",\n  "interfaces": [}\n'), /bad-json\.json: invalid JSON at line 3 column 18/],
    ['unknown op', () => file('unknown-op.json', withStep({ op: 'frobnicate' })), /unknown-op\.json: \/steps\/2\/op: unknown op "frobnicate"/],
    ['bad address', () => file('bad-addr.json', withStep({ op: 'join', socket: 's1', group: '224.1.1', iface: 'eth0' })), /bad-addr\.json: \/steps\/2\/group: invalid IP address "224\.1\.1"/],
    ['unknown field', () => file('unknown-field.json', withStep({ op: 'close', socket: 's1', colour: 'red' })), /\/steps\/2\/colour: unknown field "colour"/],
    [
      'unknown profile in the file',
      () => file('bad-nic.json', JSON.stringify({ ...VALID, interfaces: [{ ...VALID.interfaces[0], nic: 'e9999' }] })),
      /bad-nic\.json: \/interfaces\/0\/nic: unknown NIC profile "e9999"/,
    ],
    ['missing file', () => join(tmp, 'does-not-exist.json'), /does-not-exist\.json: no such file/],
  ])('%s: exit 2, one line naming the file and pointer', async (_name, make, pattern) => {
    const r = await runCli(['simulate', make()]);
    expectOneLineError(r, 2, pattern);
    expect(r.stdout).toBe('');
  });

  it('unknown --profile: exit 2 naming the option', async () => {
    expectOneLineError(await runCli(['simulate', '--profile', 'e9999', ALIAS]), 2, /--profile: unknown NIC profile "e9999"/);
  });

  it('unknown flag: exit 2', async () => {
    expectOneLineError(await runCli(['simulate', '--bogus', ALIAS]), 2, /unknown option '--bogus'/);
  });

  it('guest diff --nics takes 1 or 2: anything else is exit 2 naming the option, before any guest boots', async () => {
    expectOneLineError(await runCli(['guest', 'diff', '--nic', 'e1000', '--nics', '3']), 2, /--nics <n>' argument '3' is invalid\. must be 1 or 2\./);
  });

  it('too many arguments: exit 2', async () => {
    expectOneLineError(await runCli(['simulate', ALIAS, ALIAS]), 2, /too many arguments/);
  });
});

describe.concurrent('replay', () => {
  it('replays every fixture below a directory: one ok line each, exit 0', async () => {
    const r = await runCli(['replay', FIXTURES]);
    expect(r.code, r.stdout).toBe(0);
    const out = lines(r.stdout);
    expect(out.length).toBeGreaterThanOrEqual(readdirSync(FIXTURES).filter((f) => f.endsWith('.json')).length);
    for (const line of out) expect(line).toMatch(/^(ok|skip) .*\.json/);
    expect(out.filter((l) => l.startsWith('ok ')).length).toBeGreaterThanOrEqual(16);
  });

  it('a failing scenario: FAIL line, indented problems, exit 1; passing files still print ok', async () => {
    const dir = join(tmp, 'replay-mixed', 'nested');
    mkdirSync(dir, { recursive: true });
    copyFileSync(ALIAS, join(dir, 'a-good.json'));
    // The alias fixture expects refcount 2 on 01:00:5e:01:01:01; claim 3 instead.
    const wrong = JSON.parse(JSON.stringify(await import(ALIAS, { with: { type: 'json' } }).then((m) => m.default))) as {
      expect: { interfaces: { eth0: { mc: { mac: string; users: number }[] } } };
    };
    for (const e of wrong.expect.interfaces.eth0.mc) if (e.mac === '01:00:5e:01:01:01') e.users = 3;
    writeFileSync(join(dir, 'b-wrong.json'), JSON.stringify(wrong));
    const r = await runCli(['replay', join(tmp, 'replay-mixed')]);
    expect(r.code).toBe(1);
    expect(lines(r.stdout)).toEqual([
      `ok ${join(dir, 'a-good.json')}`,
      `FAIL ${join(dir, 'b-wrong.json')}`,
      '  expect: interface eth0: device list 01:00:5e:01:01:01: expected users 3, got 2',
    ]);
    expect(r.stderr).toBe('');
  });

  it('skips JSON of another format found in a directory, with a skip line', async () => {
    const dir = join(tmp, 'replay-skip');
    mkdirSync(dir, { recursive: true });
    copyFileSync(ALIAS, join(dir, 'a.json'));
    writeFileSync(join(dir, 'vectors.json'), '{"schema": "mcast-testbench/tun-vectors@1", "vectors": []}');
    const r = await runCli(['replay', dir]);
    expect(r.code).toBe(0);
    expect(lines(r.stdout)).toEqual([
      `ok ${join(dir, 'a.json')}`,
      `skip ${join(dir, 'vectors.json')} (schema "mcast-testbench/tun-vectors@1" is not mcast-testbench/scenario@1)`,
    ]);
  });

  it('an invalid file among valid ones: exit 2, one stderr line', async () => {
    const bad = file('replay-bad.json', withStep({ op: 'frobnicate' }));
    const r = await runCli(['replay', ALIAS, bad]);
    expectOneLineError(r, 2, /replay-bad\.json: \/steps\/2\/op: unknown op/);
    expect(lines(r.stdout)[0]).toBe(`ok ${ALIAS}`);
    expect(lines(r.stdout)[1]).toBe(`FAIL ${bad}`);
  });

  it('a missing path: exit 2 before anything runs', async () => {
    const r = await runCli(['replay', ALIAS, join(tmp, 'nope')]);
    expectOneLineError(r, 2, /nope: no such file or directory/);
    expect(r.stdout).toBe('');
  });

  it('a fault injected into the model makes a fixture fail (hidden --inject-fault)', async () => {
    const r = await runCli(['replay', '--inject-fault', 'ipv4-map-24bit', join(FIXTURES, 'kernel-fact-ipv4-mapping-drops-bit-23.json')]);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAIL /);
  });
});

describe.concurrent('profiles, help, usage', () => {
  it('profiles lists every family with its source', async () => {
    const r = await runCli(['profiles']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^accept-all +veth: /m);
    expect(r.stdout).toContain('source: drivers/net/veth.c');
    for (const f of builtinFamilies()) {
      expect(r.stdout).toContain(f.pattern);
      expect(r.stdout).toContain(`source: ${f.source}`);
    }
  });

  it('profiles --json is the registry list', async () => {
    const r = await runCli(['profiles', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toEqual(builtinFamilies());
  });

  it('--help exits 0 and lists the commands, without the hidden option', async () => {
    const r = await runCli(['--help']);
    expect(r.code).toBe(0);
    for (const c of ['map', 'simulate', 'replay', 'profiles', 'check']) expect(r.stdout).toContain(c);
    const check = await runCli(['check', '--help']);
    expect(check.code).toBe(0);
    expect(check.stdout).toContain('--runs');
    expect(check.stdout).not.toContain('inject-fault');
  });

  it('an unknown command: exit 2, one line', async () => {
    expectOneLineError(await runCli(['frobnicate']), 2, /unknown command 'frobnicate'/);
  });

  it('no command: exit 2 with the usage on stderr', async () => {
    const r = await runCli([]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('Usage: mcast-testbench');
    expect(r.stdout).toBe('');
  });
});

describe.concurrent('check', () => {
  it('a short clean run exits 0', async () => {
    const r = await runCli(['check', '--profile', 'accept-all', '--runs', '5', '--seed', '1', '--fixtures', join(tmp, 'check-clean')]);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(lines(r.stdout).at(-1)).toMatch(/^ok: every property holds/);
  });

  it('a fault it must catch: exit 1, a fixture saved and named', async () => {
    const dir = join(tmp, 'check-fault');
    const r = await runCli(['check', '--profile', 'ldd3-ff:4', '--inject-fault', 'sticky-allmulti', '--runs', '100', '--seed', '1', '--fixtures', dir]);
    expect(r.code, r.stdout + r.stderr).toBe(1);
    const saved = readdirSync(dir);
    expect(saved.length).toBeGreaterThan(0);
    for (const f of saved) expect(r.stdout).toContain(join(dir, f));
  });

  it.each([
    [['check', '--runs', '0'], /--runs <n>' argument '0' is invalid/],
    [['check', '--seed', '1.5'], /--seed <s>' argument '1\.5' is invalid/],
    [['check', '--profile', 'e9999'], /--profile: unknown NIC profile "e9999"/],
    [['check', '--inject-fault', 'no-such-fault'], /--inject-fault: unknown fault "no-such-fault"/],
  ])('%j: exit 2, one line', async (args, pattern) => {
    expectOneLineError(await runCli(args), 2, pattern);
  });
});
