// Running from the sources (a clone, through tsx), a profile plug-in that imports the package by
// its name ('mcast-testbench', as examples/library/hash32-profile.js does) would resolve to
// dist/, which a clone does not build. This resolve hook sends the name to src/index.ts instead,
// the same modules the CLI runs, so a plug-in registers into the CLI's own registry. The
// installed package needs no hook: its `exports` point at dist/.
import { register } from 'node:module';

const PACKAGE_NAME = 'mcast-testbench';

let registered = false;

export function registerSelfReference(): void {
  if (registered || !import.meta.url.endsWith('.ts')) return;
  registered = true;
  const index = new URL('./index.ts', import.meta.url).href;
  const hook = `export async function resolve(specifier, context, next) {
  return next(specifier === ${JSON.stringify(PACKAGE_NAME)} ? ${JSON.stringify(index)} : specifier, context);
}`;
  register(`data:text/javascript,${encodeURIComponent(hook)}`);
}
