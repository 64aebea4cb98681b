// `--profile-module FILE` (repeatable, any command): loads profile plug-ins (src/profile-plugin.ts)
// before the command runs, so `check --profile NAME`, `simulate`, `replay` and a driver's `model`
// know them. A missing file or one without a valid plug-in is a usage error (exit 2).
import type { Command } from 'commander';
import { loadProfileModule } from '../profile-plugin.ts';
import { collect } from './options.ts';

export function addProfileModuleOption(program: Command): void {
  program
    .option('--profile-module <file>', 'load NIC profile plug-ins from this ES module (repeatable; see docs/library.md)', collect)
    .hook('preAction', async (root) => {
      const files = root.opts<{ profileModule?: string[] }>().profileModule ?? [];
      for (const file of files) await loadProfileModule(file);
    });
}
