#!/usr/bin/env node
// In a clone (src/ present) the TypeScript CLI runs through tsx's loader, so there is no build
// step to go stale. The installed package has no src/: it runs the build in dist/ with plain node
// (as does a clone without its dev dependencies, once `npm run build` has made dist/).
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
const built = new URL('../dist/cli/bin.js', import.meta.url);
let tsx = null;
if (existsSync(source)) {
  try {
    tsx = await import('tsx/esm/api');
  } catch (e) {
    if (e?.code !== 'ERR_MODULE_NOT_FOUND' || !existsSync(built)) {
      process.stderr.write(`error: cannot load tsx to run src/ (a dev dependency: run \`npm ci\`, or \`npm run build\` for dist/): ${e?.message ?? e}\n`);
      process.exit(70);
    }
  }
}
if (tsx) {
  tsx.register();
  // A plug-in importing 'mcast-testbench' gets these sources, not a dist/ a clone has not built.
  const { registerSelfReference } = await import(new URL('../src/self-reference.ts', import.meta.url).href);
  registerSelfReference();
  const { main } = await import(source.href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  await import(built.href);
}
