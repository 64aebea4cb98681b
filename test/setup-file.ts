// Runs before every test file (vitest setupFiles). Test files of one worker share their modules
// (vitest.config.ts isolate: false), so a file that registers a profile plug-in, in-process or
// through an in-process `--profile-module` run, would leave it in the registry for the files
// after it, which then run more cases per profile. Each file's plug-ins are removed after it.
import { afterAll, beforeAll } from 'vitest';
import { pluginCheckpoint } from '../src/profile-plugin.ts';

let restore: (() => void) | undefined;
beforeAll(() => {
  restore = pluginCheckpoint();
});
afterAll(() => {
  restore?.();
  restore = undefined;
});
