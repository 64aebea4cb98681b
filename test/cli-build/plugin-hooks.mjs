// The module hooks plugin-loader.cjs registers (they run on node's loader thread): the package's
// name and src/**/*.ts resolve to the test build, and a TypeScript file outside it (a plug-in) is
// transpiled with esbuild, which tsx uses too, under the repository's tsconfig.json.
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** The build's folder and src/, as file: URLs ending in '/'. */
let build = '';
let src = '';
/** @type {Promise<typeof import('esbuild')> | undefined} */
let esbuild;
/** @type {Promise<unknown> | undefined} */
let tsconfig;

/** @param {{ build: string, src: string }} data */
export function initialize(data) {
  build = data.build;
  src = data.src;
}

export async function resolve(specifier, context, next) {
  if (specifier === 'mcast-testbench') return next(`${build}index.js`, context);
  const resolved = await next(specifier, context);
  if (resolved.url.startsWith(src) && resolved.url.endsWith('.ts')) return { url: `${build}${resolved.url.slice(src.length, -'.ts'.length)}.js`, format: 'module', shortCircuit: true };
  return resolved;
}

export async function load(url, context, next) {
  if (!url.startsWith('file:') || !/\.[mc]?ts$/.test(url)) return next(url, context);
  const file = fileURLToPath(url);
  esbuild ??= import('esbuild');
  tsconfig ??= readFile(new URL('tsconfig.json', new URL('../', src)), 'utf8').then((t) => JSON.parse(t));
  const { code } = await (await esbuild).transform(await readFile(file, 'utf8'), {
    loader: 'ts',
    format: 'esm',
    target: 'node20',
    sourcefile: file,
    sourcemap: 'inline',
    tsconfigRaw: /** @type {any} */ (await tsconfig),
  });
  return { format: 'module', source: code, shortCircuit: true };
}
