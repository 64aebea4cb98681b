// The layering of docs/architecture.md, enforced: every relative import of src/**/*.ts (static,
// type-only, re-export and dynamic) is read with the TypeScript scanner, and the test fails on an
// import circle, a file over MAX_LINES, an oracle that reads the model's modules, or an import
// that points up the layer table below.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const SRC = join(ROOT, 'src');

/** About 400 lines is the sign to split (developers' guide). */
const MAX_LINES = 400;

/** Files allowed over MAX_LINES for now, each with the reason. */
const TEMPORARILY_LONG: Readonly<Record<string, string>> = {
};

/**
 * Layers, lowest first (docs/architecture.md, "Layers"). A unit is a folder of src/ or a file
 * directly in src/. A file may import its own unit's files and units of LOWER layers only; two
 * units of one layer do not import each other.
 */
const LAYERS: readonly (readonly string[])[] = [
  ['json.ts', 'errors.ts', 'version.ts', 'shutdown.ts', 'self-reference.ts'],
  ['faults.ts', 'wire'],
  ['nic', 'route', 'sys'],
  ['netdev'],
  ['relay'],
  ['profiles'],
  ['scenario'],
  ['host', 'oracle'],
  ['simulate.ts', 'profile-plugin.ts'],
  ['command-line.ts'],
  ['check'],
  ['live', 'driver', 'report', 'results', 'progress'],
  ['kernel', 'html'],
  ['guest'],
  ['cli', 'index.ts'],
];

/** The independent reference must not read the model it judges (docs/architecture.md, Oracle). */
const ORACLE_MUST_NOT_IMPORT = ['host', 'nic', 'wire', 'route', 'netdev', 'profiles', 'relay'];

interface Import {
  readonly from: string;
  readonly to: string;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const p = join(dir, e.name);
    if (e.isDirectory()) return sourceFiles(p);
    return e.name.endsWith('.ts') ? [p] : [];
  });
}

/** The repository-relative paths a file imports (relative specifiers only: packages are outside the layering). */
function importsOf(file: string, text: string): Import[] {
  const from = relative(ROOT, file);
  return ts
    .preProcessFile(text, true, true)
    .importedFiles.map((f) => f.fileName)
    .filter((spec) => spec.startsWith('.'))
    .map((spec) => ({ from, to: normalize(join(dirname(from), spec)) }));
}

/** `src/check/runner.ts` -> `check`; `src/simulate.ts` -> `simulate.ts`. */
function unitOf(path: string): string {
  const parts = relative('src', path).split('/');
  return parts[0] as string;
}

function layerOf(unit: string, layers: readonly (readonly string[])[] = LAYERS): number {
  return layers.findIndex((l) => l.includes(unit));
}

/** Imports that point up the table or sideways within a layer, each as one line naming both files. */
function upwardImports(imports: readonly Import[], layers: readonly (readonly string[])[] = LAYERS): string[] {
  const out: string[] = [];
  for (const { from, to } of imports) {
    if (!to.startsWith('src/')) continue;
    const a = unitOf(from);
    const b = unitOf(to);
    if (a === b) continue;
    const la = layerOf(a, layers);
    const lb = layerOf(b, layers);
    if (la < 0 || lb < 0) continue;
    if (lb >= la) out.push(`${from} imports ${to}: ${a} (layer ${la}) -> ${b} (layer ${lb}) does not point down`);
  }
  return out;
}

/** Every import circle among files, as the sorted files of each strongly connected component (Tarjan). */
function importCircles(imports: readonly Import[]): string[] {
  const edges = new Map<string, string[]>();
  for (const { from, to } of imports) edges.set(from, [...(edges.get(from) ?? []), to]);
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const circles: string[] = [];
  let next = 0;
  const visit = (v: string): void => {
    index.set(v, next);
    low.set(v, next);
    next++;
    stack.push(v);
    onStack.add(v);
    for (const w of edges.get(v) ?? []) {
      if (!index.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (onStack.has(w)) low.set(v, Math.min(low.get(v)!, index.get(w)!));
    }
    if (low.get(v) !== index.get(v)) return;
    const component: string[] = [];
    let w: string;
    do {
      w = stack.pop()!;
      onStack.delete(w);
      component.push(w);
    } while (w !== v);
    const self = (edges.get(v) ?? []).includes(v);
    if (component.length > 1 || self) circles.push(`circle through ${component.sort().join(', ')}`);
  };
  for (const v of [...edges.keys()].sort()) if (!index.has(v)) visit(v);
  return circles;
}

const files = sourceFiles(SRC).sort();
const texts = new Map(files.map((f) => [relative(ROOT, f), readFileSync(f, 'utf8')]));
const imports = files.flatMap((f) => importsOf(f, texts.get(relative(ROOT, f))!));

describe('architecture (docs/architecture.md)', () => {
  it('reads the imports of every source file', () => {
    expect(files.length).toBeGreaterThan(100);
    // A static, a dynamic and a re-export seen: the scanner is not silently reading nothing.
    expect(imports).toContainEqual({ from: 'src/cli/commands/kernel.ts', to: 'src/live/diff.ts' });
    expect(imports).toContainEqual({ from: 'src/check/runner.ts', to: 'src/check/units.ts' });
    expect(imports).toContainEqual({ from: 'src/index.ts', to: 'src/check/units.ts' });
  });

  it('no import circle', () => {
    expect(importCircles(imports)).toEqual([]);
  });

  it(`no file over ${MAX_LINES} lines (besides the listed temporary exceptions)`, () => {
    const long = [...texts]
      .map(([path, text]) => ({ path, lines: text.split('\n').length - (text.endsWith('\n') ? 1 : 0) }))
      .filter((f) => f.lines > MAX_LINES && !(f.path in TEMPORARILY_LONG))
      .map((f) => `${f.path}: ${f.lines} lines`);
    expect(long).toEqual([]);
  });

  it('the oracle imports nothing of the model (host, nic, wire, route and what they stand on)', () => {
    const bad = imports
      .filter((i) => unitOf(i.from) === 'oracle' && i.to.startsWith('src/') && ORACLE_MUST_NOT_IMPORT.includes(unitOf(i.to)))
      .map((i) => `${i.from} imports ${i.to}`);
    expect(bad).toEqual([]);
  });

  it('every unit of src/ has a layer, and every import points down', () => {
    const units = [...new Set(files.map((f) => unitOf(relative(ROOT, f))))].sort();
    expect(units.filter((u) => layerOf(u) < 0)).toEqual([]);
    expect(upwardImports(imports)).toEqual([]);
  });

  it('the checks fail where they should (an upward import, a circle, a sideways import)', () => {
    const up = [{ from: 'src/nic/registry.ts', to: 'src/relay/families.ts' }];
    expect(upwardImports(up)).toEqual(['src/nic/registry.ts imports src/relay/families.ts: nic (layer 2) -> relay (layer 4) does not point down']);
    expect(upwardImports([{ from: 'src/host/host.ts', to: 'src/oracle/index.ts' }])).toHaveLength(1);
    expect(upwardImports([{ from: 'src/relay/x.ts', to: 'src/nic/filter.ts' }])).toEqual([]);
    const circle = [
      { from: 'src/check/parallel.ts', to: 'src/check/runner.ts' },
      { from: 'src/check/runner.ts', to: 'src/check/parallel.ts' },
    ];
    expect(importCircles(circle)).toEqual(['circle through src/check/parallel.ts, src/check/runner.ts']);
  });
});
