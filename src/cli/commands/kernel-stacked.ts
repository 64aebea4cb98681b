// `kernel stacked`: the fixed VLAN and bond scripts (src/kernel/stacked-diff.ts) on a live kernel,
// compared with the model after every step. On this machine's kernel when it has 8021q / bonding,
// else (or with --guest) in the QEMU guest (docs/guest.md), saying so in one line.
import { Command, Option } from 'commander';
import { type Cli, CliExit, EXIT } from '../cli.ts';
import { toolCommand } from '../../command-line.ts';
import type { KernelFeature } from '../../kernel/features.ts';
import type { StackedKind } from '../../kernel/stacked-diff.ts';
import { onKernel } from './kernel-env.ts';

const FEATURE: Record<StackedKind, KernelFeature> = { vlan: '8021q', bond: 'bonding' };

export function registerKernelStacked(kernel: Command, cli: Cli): void {
  kernel
    .command('stacked')
    .description('the VLAN and bond scripts: list, flag and up/down changes on a VLAN over a veth and a balance-rr bond over two veths, compared with the model after every step. Runs in the QEMU guest when this kernel has no 8021q / bonding')
    .addOption(new Option('--kind <kind>', 'one script only').choices(['vlan', 'bond']))
    .option('--guest', "run in the QEMU guest (Debian's 6.1 kernel) even where this kernel could")
    .action(async (options: { kind?: StackedKind; guest?: boolean }) => {
      const kinds: StackedKind[] = options.kind ? [options.kind] : ['vlan', 'bond'];
      const features = kinds.map((k) => FEATURE[k]);
      const { kernelPlace, openKernelHost } = await import('../../guest/kernel-place.ts');
      const place = kernelPlace(features, { guest: options.guest === true });
      if (place.where === 'none') throw new CliExit(EXIT.unavailable, `error: cannot run here: ${place.reason}`);
      if (place.where === 'guest' && place.hostReason !== undefined) cli.err(`kernel stacked: ${place.hostReason}; running in the QEMU guest (reproduce with --guest)`);
      const { kernelStacked, modelStacked } = await import('../../kernel/stacked-diff.ts');
      let failed = false;
      await onKernel(async () => {
        const host = await openKernelHost(place, features, (l) => cli.err(l));
        try {
          for (const kind of kinds) {
            const kernelObs = await kernelStacked(host, kind);
            const model = modelStacked(kind);
            const at = kernelObs.findIndex((o, i) => JSON.stringify(o) !== JSON.stringify(model[i]));
            if (at < 0) {
              cli.out(`${kind}: ${host.label}: ${kernelObs.length} steps, 0 differences`);
              continue;
            }
            failed = true;
            cli.out(`${kind}: ${host.label}: step ${at} differs`);
            cli.out(`  model:  ${JSON.stringify(model[at]?.lowers)}`);
            cli.out(`  kernel: ${JSON.stringify(kernelObs[at]?.lowers)}`);
            cli.out(`reproduce: ${toolCommand(['kernel', 'stacked', '--kind', kind, ...(place.where === 'guest' ? ['--guest'] : [])])}`);
          }
        } finally {
          await host.dispose();
        }
      });
      cli.exitCode = failed ? EXIT.failure : EXIT.ok;
    });
}
