// `node --require` of the test build's CLI children that load plug-ins (--profile-module; cli.ts).
// It gives the build what bin/mcast-testbench.js gives src/ through tsx (src/self-reference.ts):
// a plug-in that imports the package by its name ('mcast-testbench', as
// examples/library/hash32-profile.js does) gets the build's modules, the ones the CLI runs; and a
// TypeScript plug-in (test/cli/plugins/*.ts) loads: plugin-hooks.mjs transpiles it with esbuild,
// as tsx does, and sends its imports of src/**/*.ts to the build's .js files, so that it registers
// into the CLI's own registry as it does under tsx.
// A preload, not an `--import`: node 20 runs `--require` in worker threads too (check --jobs's
// workers load plug-ins), and `--import` only in the main thread.
'use strict';
const { register } = require('node:module');
const { pathToFileURL } = require('node:url');
const { isMainThread, workerData } = require('node:worker_threads');

const BUILD = 'MCAST_TESTBENCH_TEST_CLI_BUILD';
// node's own loader thread, which runs the preloads too, has workerData null (a Worker of the
// CLI has its data or undefined); registering there as well would only chain the hooks twice.
if (isMainThread || workerData !== null) {
  // The main script is the build's cli/bin.js; a worker thread has no argv, but the environment
  // of the thread that started it.
  if (isMainThread) process.env[BUILD] = new URL('../', pathToFileURL(process.argv[1] ?? '')).href;
  const build = process.env[BUILD];
  if (build === undefined) throw new Error(`plugin-loader.cjs: no ${BUILD} in a worker thread`);
  register(pathToFileURL(`${__dirname}/plugin-hooks.mjs`), { data: { build, src: pathToFileURL(`${__dirname}/../../src/`).href } });
}
