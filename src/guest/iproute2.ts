// The host's iproute2 `ip` for the guest's initramfs: busybox `ip` has no `netns` and no veth
// peers, so the routing and stacked benches (src/kernel/route-bench.ts, stacked-diff.ts) run the
// host's binary in the guest, with the shared libraries `ldd` names, at the same paths.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { GuestSetupError } from './errors.ts';

/** Where the guest finds iproute2's `ip` (the agent's `exec` takes absolute paths). */
export const GUEST_IP = '/usr/sbin/ip';

export interface GuestFile {
  /** The path in the guest, without the leading slash. */
  readonly name: string;
  readonly data: Buffer;
}

let found: readonly GuestFile[] | undefined;

/** `ip` and every library it loads (ldd), read from the host; a GuestSetupError naming what is missing. */
export function iproute2Files(): readonly GuestFile[] {
  if (found) return found;
  const which = spawnSync('sh', ['-c', 'command -v ip'], { encoding: 'utf8' });
  const ip = which.stdout.trim();
  if (which.status !== 0 || ip === '') throw new GuestSetupError('iproute2 `ip` not found on the host (the guest runs it)', 'apt-get install iproute2');
  const ldd = spawnSync('ldd', [ip], { encoding: 'utf8', timeout: 60_000 });
  if (ldd.error || ldd.status !== 0) throw new GuestSetupError(`ldd ${ip} failed: ${(ldd.error?.message ?? ldd.stderr).trim()}`, 'apt-get install libc-bin');
  // "libbpf.so.1 => /lib/x86_64-linux-gnu/libbpf.so.1 (0x...)" or "/lib64/ld-linux-x86-64.so.2 (0x...)".
  const libs = ldd.stdout
    .split('\n')
    .map((l) => /(?:=>\s*)?(\/\S+)\s+\(0x/.exec(l)?.[1])
    .filter((p): p is string => p !== undefined);
  for (const l of libs) if (!existsSync(l)) throw new GuestSetupError(`${l} (needed by ${ip}) is missing`, 'apt-get install --reinstall iproute2');
  found = [
    { name: GUEST_IP.slice(1), data: readFileSync(realpathSync(ip)) },
    ...libs.map((l) => ({ name: l.slice(1), data: readFileSync(realpathSync(l)) })),
  ];
  return found;
}

/** The folders the files need, parents first (cpio has no mkdir -p). */
export function parentDirs(files: readonly GuestFile[]): string[] {
  const dirs = new Set<string>();
  for (const f of files) {
    const parts = f.name.split('/').slice(0, -1);
    for (let i = 1; i <= parts.length; i++) dirs.add(parts.slice(0, i).join('/'));
  }
  return [...dirs].sort((a, b) => a.split('/').length - b.split('/').length || a.localeCompare(b));
}
