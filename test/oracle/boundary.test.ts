// The oracle must stay independent of the model: no file under src/oracle may import from
// src/host, src/nic, src/wire or src/simulate.ts (docs/architecture.md). It may use ip-address,
// src/errors.ts, types from src/scenario/types.ts and its own files; and src/oracle/filters/index.ts
// node:fs, to list the spec files it collects from its own folder.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const ORACLE = join(ROOT, 'src/oracle');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

// `import … from 'x'`, `export … from 'x'`, `import 'x'`, `import('x')`, `require('x')`.
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)(['"])([^'"]+)\1/g;

/** The import specifiers of one source text that break the oracle's boundary. */
function boundaryViolations(file: string, text: string): string[] {
  const bad: string[] = [];
  for (const match of text.matchAll(SPECIFIER)) {
    const spec = match[2] as string;
    if (!spec.startsWith('.')) {
      const collector = spec === 'node:fs' && relative(ROOT, file).split('\\').join('/') === 'src/oracle/filters/index.ts';
      if (spec !== 'ip-address' && !collector) bad.push(spec);
      continue;
    }
    const target = relative(ROOT, resolve(dirname(file), spec)).split('\\').join('/');
    const inOracle = target.startsWith('src/oracle/');
    const allowed = inOracle || target === 'src/errors.ts' || target === 'src/scenario/types.ts';
    if (!allowed) bad.push(spec);
  }
  return bad;
}

describe('oracle import boundary', () => {
  it('finds files to check', () => {
    expect(filesUnder(ORACLE).filter((f) => f.endsWith('.ts')).length).toBeGreaterThan(5);
  });

  it('no file under src/oracle imports the model, the NIC profiles or src/wire', () => {
    const violations = filesUnder(ORACLE).flatMap((file) =>
      boundaryViolations(file, readFileSync(file, 'utf8')).map((spec) => `${relative(ROOT, file)}: ${spec}`),
    );
    expect(violations).toEqual([]);
  });

  it('imports from src/scenario/types.ts are type-only', () => {
    const valueImports = filesUnder(ORACLE).filter((file) =>
      /^\s*import\s+(?!type\b)[^;]*from\s*['"][./]+scenario\/types\.ts['"]/m.test(readFileSync(file, 'utf8')),
    );
    expect(valueImports.map((f) => relative(ROOT, f))).toEqual([]);
  });

  it('the checker itself flags each forbidden place', () => {
    const file = join(ORACLE, 'x.ts');
    const text = [
      "import { parseMac } from '../wire/mac.ts';",
      "import type { NicFilter } from '../nic/filter.ts';",
      "export { Host } from '../host/host.ts';",
      "const m = await import('../simulate.ts');",
      "import { crc32 } from 'node:zlib';",
      "import { Address4 } from 'ip-address';",
      "import type { Errno } from '../errors.ts';",
      "import { station } from './filters/spec.ts';",
    ].join('\n');
    expect(boundaryViolations(file, text)).toEqual([
      '../wire/mac.ts',
      '../nic/filter.ts',
      '../host/host.ts',
      '../simulate.ts',
      'node:zlib',
    ]);
  });
});
