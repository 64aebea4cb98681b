// findScenarioFiles: directory walks find *.json scenarios and skip other formats.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { findScenarioFiles } from '../../src/scenario/files.ts';

const dir = mkdtempSync(join(tmpdir(), 'mtb-files-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('findScenarioFiles', () => {
  it('walks a directory: sorted, recursive, *.json only, dot names and other formats skipped', () => {
    mkdirSync(join(dir, 'sub', '.hidden'), { recursive: true });
    writeFileSync(join(dir, 'b.json'), '{"schema": "mcast-testbench/scenario@1"}');
    writeFileSync(join(dir, 'sub', 'a.json'), 'not even JSON');
    writeFileSync(join(dir, 'sub', 'vectors.json'), '{"schema": "mcast-testbench/tun-vectors@1"}');
    writeFileSync(join(dir, 'sub', '.tmp.json'), '{}');
    writeFileSync(join(dir, 'sub', '.hidden', 'c.json'), '{}');
    writeFileSync(join(dir, 'notes.txt'), '');
    expect(findScenarioFiles(dir)).toEqual([
      { path: join(dir, 'b.json') },
      // Invalid JSON is not skipped: loading it reports the error.
      { path: join(dir, 'sub', 'a.json') },
      { path: join(dir, 'sub', 'vectors.json'), skip: 'schema "mcast-testbench/tun-vectors@1" is not mcast-testbench/scenario@1' },
    ]);
  });

  it('returns a named file as is, whatever it holds', () => {
    expect(findScenarioFiles(join(dir, 'sub', 'vectors.json'))).toEqual([{ path: join(dir, 'sub', 'vectors.json') }]);
  });

  it('rejects a missing path and a directory without *.json', () => {
    expect(() => findScenarioFiles(join(dir, 'nope'))).toThrow(new InputError(join(dir, 'nope'), 'no such file or directory'));
    mkdirSync(join(dir, 'empty'));
    expect(() => findScenarioFiles(join(dir, 'empty'))).toThrow(/no \*\.json scenario files/);
  });
});
