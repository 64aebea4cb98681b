// `node --import` of the test build's CLI children that load plug-ins (--profile-module; cli.ts):
// a plug-in that imports the package by its name ('mcast-testbench', as
// examples/library/hash32-profile.js does) gets the build's modules, the ones the CLI runs, as
// src/self-reference.ts gives it src/ under tsx. A `--import` is in the process's execArgv, so
// check --jobs's worker threads load it too.
import { register } from 'node:module';
import { pathToFileURL } from 'node:url';

// The build's cli/bin.js is the process's main script (worker threads share the process's argv).
const index = new URL('../index.js', pathToFileURL(process.argv[1] ?? '')).href;
const hook = `export async function resolve(specifier, context, next) {
  return next(specifier === 'mcast-testbench' ? ${JSON.stringify(index)} : specifier, context);
}`;
register(`data:text/javascript,${encodeURIComponent(hook)}`);
