// The guest's initramfs: busybox, the agent (src/guest/agent/agent.c, compiled here with
// `cc -static -O2` at first use), the cached NIC modules and an /init that loads the modules
// named on the kernel command line (mtb.modules=a,b in dependency order: there is no
// modules.dep) and hands the serial port ttyS1 to the agent. Built once, cached by content.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BUSYBOX, REPO_ROOT, cacheDir, type GuestKernel } from './cache.ts';
import { DIR_MODE, FILE_MODE, cpioNewc } from './cpio.ts';
import { GuestError, GuestSetupError } from './errors.ts';
import { iproute2Files, parentDirs } from './iproute2.ts';

const AGENT_SOURCE = join(REPO_ROOT, 'src', 'guest', 'agent', 'agent.c');
/** Included by agent.c: the kernel-host verbs (src/guest/kernel-host.ts). */
const AGENT_INCLUDES = [join(REPO_ROOT, 'src', 'guest', 'agent', 'host-verbs.c')];
/** The serial port the agent answers on (the console is ttyS0). */
export const AGENT_TTY = '/dev/ttyS1';

/**
 * /init: mounts, loads the modules, waits for the NICs (mtb.nics=N, default 1; up to 5 s), turns off DAD and router
 * solicitations (as the kernel runner's namespaces: src/kernel/runner.ts), runs the agent.
 */
const INIT = `#!/bin/busybox sh
/bin/busybox mount -t proc proc /proc
/bin/busybox mount -t sysfs sys /sys
/bin/busybox mount -t devtmpfs dev /dev
/bin/busybox --install -s /bin
export PATH=/bin
mods=
want=1
for arg in $(cat /proc/cmdline); do case $arg in mtb.modules=*) mods=\${arg#mtb.modules=};; mtb.nics=*) want=\${arg#mtb.nics=};; esac; done
for m in $(echo $mods | tr , ' '); do insmod /lib/modules/$m.ko || echo "mtb-init: insmod $m failed"; done
for c in all default; do
  echo 0 > /proc/sys/net/ipv6/conf/$c/accept_dad
  echo 0 > /proc/sys/net/ipv6/conf/$c/router_solicitations
  echo 0 > /proc/sys/net/ipv4/conf/$c/rp_filter
done
ip link set lo up
nics=
for i in $(seq 50); do
  nics=
  for d in /sys/class/net/*; do n=\${d##*/}; [ "$n" != lo ] && nics="$nics $n"; done
  [ $(echo $nics | wc -w) -ge $want ] && break
  sleep 0.1
done
if [ $(echo $nics | wc -w) -lt $want ]; then
  echo "fail $want network interfaces wanted, found:$nics (after insmod $mods)" > ${AGENT_TTY}
else
  for n in $nics; do
    for c in accept_dad router_solicitations; do echo 0 > /proc/sys/net/ipv6/conf/$n/$c; done
    echo 0 > /proc/sys/net/ipv4/conf/$n/rp_filter
  done
  /agent ${AGENT_TTY} $nics
fi
poweroff -f
`;

function sha(parts: readonly (string | Buffer)[]): string {
  const h = createHash('sha256');
  for (const p of parts) h.update(p);
  return h.digest('hex').slice(0, 16);
}

/** The agent binary for the current agent.c, compiled once per source version. */
export function agentBinary(): string {
  const source = readFileSync(AGENT_SOURCE);
  const dir = join(cacheDir(), 'agent');
  const out = join(dir, `agent-${sha([source, ...AGENT_INCLUDES.map((f) => readFileSync(f))])}`);
  if (existsSync(out)) return out;
  mkdirSync(dir, { recursive: true });
  const tmp = `${out}.${process.pid}.tmp`;
  const r = spawnSync('cc', ['-static', '-O2', '-Wall', '-o', tmp, AGENT_SOURCE], { encoding: 'utf8', timeout: 120_000 });
  if (r.error) throw new GuestSetupError(`cc failed to run: ${r.error.message}`, 'apt-get install gcc libc6-dev');
  if (r.status !== 0) {
    const msg = r.stderr.trim().split('\n').slice(0, 3).join(' / ');
    if (/cannot find -lc|libc\.a/.test(r.stderr)) throw new GuestSetupError(`no static libc for the guest agent: ${msg}`, 'apt-get install libc6-dev');
    throw new GuestError(`compiling ${AGENT_SOURCE} failed: ${msg}`);
  }
  renameSync(tmp, out);
  return out;
}

/**
 * The initramfs for this kernel's modules and the current agent, built once per content; with
 * `iproute2`, also the host's `ip` and its libraries (src/guest/iproute2.ts) for the kernel-host
 * guest (src/guest/kernel-host.ts).
 */
export function initramfs(kernel: GuestKernel, options: { readonly iproute2?: boolean } = {}): string {
  const agent = readFileSync(agentBinary());
  const busybox = readFileSync(BUSYBOX);
  const modules = readdirSync(kernel.modulesDir).filter((f) => f.endsWith('.ko')).sort();
  const extra = options.iproute2 ? iproute2Files() : [];
  const dirs = ['bin', 'dev', 'proc', 'sys', 'tmp', 'run', 'lib', 'lib/modules'];
  const key = sha([INIT, dirs.join(' '), agent, busybox, kernel.version, ...modules, ...extra.flatMap((f) => [f.name, f.data])]);
  const out = join(cacheDir(), `initramfs-${key}.cpio`);
  if (existsSync(out)) return out;
  const cpio = cpioNewc([
    ...dirs.map((name) => ({ name, mode: DIR_MODE })),
    ...parentDirs(extra).filter((d) => d !== 'lib').map((name) => ({ name, mode: DIR_MODE })),
    ...extra.map((f) => ({ name: f.name, mode: FILE_MODE, data: f.data })),
    { name: 'init', mode: FILE_MODE, data: Buffer.from(INIT) },
    { name: 'bin/busybox', mode: FILE_MODE, data: busybox },
    { name: 'agent', mode: FILE_MODE, data: agent },
    ...modules.map((m) => ({ name: `lib/modules/${m}`, mode: FILE_MODE, data: readFileSync(join(kernel.modulesDir, m)) })),
  ]);
  const tmp = `${out}.${process.pid}.tmp`;
  writeFileSync(tmp, cpio);
  renameSync(tmp, out);
  return out;
}
