// saveFixture: stable schema-ordered JSON, atomic placement, never an overwrite.
import { execFile } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';
import { formatScenario, saveFixture } from '../../src/scenario/save.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const run = promisify(execFile);
const ROOT = join(import.meta.dirname, '../..');

// Keys deliberately out of schema order, at every level.
const scrambled = {
  steps: [{ port: 5000, bind: '0.0.0.0', family: 'ipv4', socket: 's1', op: 'open' }],
  meta: { seed: 7, profile: 'tun' },
  interfaces: [{ nic: 'tun', mac: '02:00:00:00:00:02', name: 'eth0' }],
  description: 'd',
  schema: 'mcast-testbench/scenario@1',
} as unknown as Scenario;

// Written by hand from the property order of src/scenario/schema.ts: schema, description,
// interfaces (name, mac, ..., nic), steps (op, socket, family, bind, port), then meta, whose
// free-form keys keep their own order.
const EXPECTED_TEXT = `{
  "schema": "mcast-testbench/scenario@1",
  "description": "d",
  "interfaces": [
    {
      "name": "eth0",
      "mac": "02:00:00:00:00:02",
      "nic": "tun"
    }
  ],
  "steps": [
    {
      "op": "open",
      "socket": "s1",
      "family": "ipv4",
      "bind": "0.0.0.0",
      "port": 5000
    }
  ],
  "meta": {
    "seed": 7,
    "profile": "tun"
  }
}
`;

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'mtb-save-'));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('formatScenario', () => {
  it('writes 2-space JSON with keys in schema order and a final newline', () => {
    expect(formatScenario(scrambled)).toBe(EXPECTED_TEXT);
  });

  it('orders a step by the schema of its own op, and expect by the result schema', () => {
    const s = {
      schema: 'mcast-testbench/scenario@1',
      interfaces: [{ mac: '02:00:00:00:00:02', name: 'eth0' }],
      steps: [{ dst: '224.1.1.1', src: '10.0.0.1', port: 1, iface: 'eth0', id: 'd', op: 'send' }],
      expect: { deliveries: { d: { sockets: [], nic: true } }, interfaces: {}, steps: [{ error: null, op: 'send' }] },
    } as unknown as Scenario;
    const parsed = JSON.parse(formatScenario(s)) as Record<string, Record<string, unknown>[]> & { expect: Record<string, unknown> };
    expect(Object.keys(parsed['steps']![0]!)).toEqual(['op', 'id', 'iface', 'src', 'dst', 'port']);
    expect(Object.keys(parsed.expect)).toEqual(['steps', 'interfaces', 'deliveries']);
    expect(Object.keys((parsed.expect['steps'] as Record<string, unknown>[])[0]!)).toEqual(['op', 'error']);
    expect(Object.keys((parsed.expect['deliveries'] as Record<string, Record<string, unknown>>)['d']!)).toEqual(['nic', 'sockets']);
  });
});

describe('saveFixture', () => {
  it('creates the directory and writes DIR/BASE.json that loads back unchanged', () => {
    const dir = join(tempDir(), 'a', 'b');
    const path = saveFixture(dir, 'check-tun-model', scrambled);
    expect(path).toBe(join(dir, 'check-tun-model.json'));
    const text = readFileSync(path, 'utf8');
    expect(text).toBe(EXPECTED_TEXT);
    expect(parseScenario(text, path)).toEqual(JSON.parse(EXPECTED_TEXT));
  });

  it('never overwrites: the next saves are BASE-2.json, BASE-3.json, and the first is untouched', () => {
    const dir = tempDir();
    const first = saveFixture(dir, 'x', scrambled);
    const other = { ...scrambled, description: 'second' } as Scenario;
    expect(saveFixture(dir, 'x', other)).toBe(join(dir, 'x-2.json'));
    expect(saveFixture(dir, 'x', other)).toBe(join(dir, 'x-3.json'));
    expect(readFileSync(first, 'utf8')).toBe(EXPECTED_TEXT);
    expect(readdirSync(dir).sort()).toEqual(['x-2.json', 'x-3.json', 'x.json']);
  });

  it('does not overwrite a file someone else wrote under the name', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'mine.json'), 'precious');
    expect(saveFixture(dir, 'mine', scrambled)).toBe(join(dir, 'mine-2.json'));
    expect(readFileSync(join(dir, 'mine.json'), 'utf8')).toBe('precious');
  });

  it('makes a safe file name from any base name', () => {
    const dir = tempDir();
    expect(saveFixture(dir, 'check-ldd3-ff:4-model', scrambled)).toBe(join(dir, 'check-ldd3-ff-4-model.json'));
    expect(saveFixture(dir, '../../escape', scrambled)).toBe(join(dir, 'escape.json'));
    expect(saveFixture(dir, 'given.json', scrambled)).toBe(join(dir, 'given.json'));
  });

  it('leaves no temporary file behind, and nothing at all when the scenario cannot be written', () => {
    const dir = tempDir();
    saveFixture(dir, 'ok', scrambled);
    const unwritable = { ...scrambled, meta: { n: 1n } } as unknown as Scenario;
    expect(() => saveFixture(dir, 'bad', unwritable)).toThrow(TypeError);
    expect(readdirSync(dir)).toEqual(['ok.json']);
  });

  it('gives concurrent writers distinct, complete files', async () => {
    const dir = tempDir();
    const input = join(tempDir(), 'in.json');
    writeFileSync(input, EXPECTED_TEXT);
    const worker = join(ROOT, 'test/scenario/save-worker.ts');
    const WRITERS = 3;
    const EACH = 4;
    const outputs = await Promise.all(
      Array.from({ length: WRITERS }, () => run(process.execPath, ['--import', 'tsx', worker, dir, input, String(EACH)], { cwd: ROOT })),
    );
    const paths = outputs.flatMap((o) => o.stdout.trim().split('\n'));
    expect(new Set(paths).size).toBe(WRITERS * EACH);
    const files = readdirSync(dir).sort();
    expect(files).toHaveLength(WRITERS * EACH);
    for (const f of files) expect(readFileSync(join(dir, f), 'utf8')).toBe(EXPECTED_TEXT);
  });
});
