// Where the guest's kernel, modules, agent and initramfs are cached (scripts/guest-setup.sh
// fills it): $MCAST_TESTBENCH_CACHE, default .cache/guest in the repository.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GuestSetupError } from './errors.ts';

/** Debian bookworm's 6.1 kernel package the guest boots (scripts/guest-setup.sh downloads it). */
export const GUEST_KERNEL_RELEASE = '6.1.0-57-amd64';
export const QEMU_BINARY = 'qemu-system-x86_64';
export const BUSYBOX = '/bin/busybox';
const SETUP = 'scripts/guest-setup.sh';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');

export function cacheDir(): string {
  return process.env.MCAST_TESTBENCH_CACHE ?? join(REPO_ROOT, '.cache', 'guest');
}

export interface GuestKernel {
  readonly release: string;
  /** "linux-image-6.1.0-57-amd64 6.1.192-3": the package and its Debian version. */
  readonly version: string;
  readonly vmlinuz: string;
  readonly modulesDir: string;
}

function onPath(cmd: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${cmd}`], { stdio: 'ignore' }).status === 0;
}

/**
 * The cached kernel and the tools the guest needs, or a GuestSetupError naming the first thing
 * missing and the command that provides it.
 */
export function findGuestKernel(): GuestKernel {
  const fix = `sudo ${join(REPO_ROOT, SETUP)}`;
  if (!onPath(QEMU_BINARY)) throw new GuestSetupError(`${QEMU_BINARY} not found`, fix);
  if (!existsSync(BUSYBOX)) throw new GuestSetupError(`${BUSYBOX} (busybox-static) not found`, fix);
  if (!onPath('cc')) throw new GuestSetupError('no C compiler (cc) for the guest agent', fix);
  const dir = join(cacheDir(), `linux-${GUEST_KERNEL_RELEASE}`);
  if (!existsSync(join(dir, '.complete'))) throw new GuestSetupError(`guest kernel ${GUEST_KERNEL_RELEASE} not cached in ${dir}`, fix);
  return {
    release: GUEST_KERNEL_RELEASE,
    version: readFileSync(join(dir, 'VERSION'), 'utf8').trim(),
    vmlinuz: join(dir, 'vmlinuz'),
    modulesDir: join(dir, 'modules'),
  };
}
