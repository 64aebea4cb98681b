// One build of the CLI per test run, for the test files that run the CLI in child processes
// (test/cli/run.ts, test/reliability/helpers.ts, ...). Through bin/mcast-testbench.js a clone runs
// src/ with tsx's loader, 0.5 s (`profiles`) to 1.6 s (a short `check`) more CPU per process than
// plain JavaScript; the main phase starts some 160.
// global-setup.ts transpiles src/ to .test-cli-PID/ (gitignored; PID: the vitest process) at the
// start of every run, file by file with esbuild (what tsx itself transforms src/ with), and removes
// it at the end: a stale build cannot be used, and two runs in one clone never share one. The
// folder sits one level below the root, as dist/ does, so the paths the sources take relative to
// import.meta.url (package.json, the catalog folders) are the same.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';

export const ROOT = join(import.meta.dirname, '../..');

/** Transpiles every src/**\/*.ts to OUT/**\/*.js, relative `.ts` imports rewritten to `.js`. */
export async function buildCli(out: string): Promise<void> {
  rmSync(out, { recursive: true, force: true });
  const src = join(ROOT, 'src');
  const entryPoints = readdirSync(src, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map((f) => join(src, f));
  await build({
    entryPoints,
    outdir: out,
    outbase: src,
    // `bundle` only so that the plug-in below sees every import: each one stays external, so each
    // source file becomes one output file, as tsc -p tsconfig.build.json makes dist/.
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    tsconfig: join(ROOT, 'tsconfig.build.json'),
    logLevel: 'error',
    plugins: [
      {
        name: 'one-file-per-source',
        setup(b) {
          b.onResolve({ filter: /.*/ }, (a) => (a.kind === 'entry-point' ? undefined : { path: a.path.replace(/\.ts$/, '.js'), external: true }));
        },
      },
    ],
  });
}

export function removeCliBuild(out: string): void {
  rmSync(out, { recursive: true, force: true });
}
