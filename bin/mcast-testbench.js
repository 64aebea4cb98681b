#!/usr/bin/env node
// In a clone (src/ present) the TypeScript CLI runs through tsx's loader, so there is no build
// step to go stale. The installed package has no src/: it runs the build in dist/ with plain node.
import { existsSync } from 'node:fs';

const source = new URL('../src/cli/main.ts', import.meta.url);
if (existsSync(source)) {
  const { register } = await import('tsx/esm/api');
  register();
  const { main } = await import(source.href);
  process.exitCode = await main(process.argv.slice(2));
} else {
  await import('../dist/cli/bin.js');
}
