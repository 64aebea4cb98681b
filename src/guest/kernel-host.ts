// The KernelHost of a QEMU guest (src/sys/kernel-host.ts): Debian's 6.1 kernel, which has
// IP_MROUTE, IPV6_MROUTE, 8021q and bonding where this machine's kernel may not. Every verb is one
// agent command (agent.c: exec, nsocket, sockopt, bindh, sendh, drain, close, nsread, nswrite,
// sleep); a batch is written at once and its answers read back in order, so a routing scenario
// costs one round trip. Namespaces are iproute2's (`ip netns add`, the host's `ip` in the
// initramfs: src/guest/iproute2.ts). One boot serves many scenarios.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { HostAnswer, HostCall, KernelHost } from '../sys/kernel-host.ts';
import { GUEST_KERNEL_RELEASE, findGuestKernel } from './cache.ts';
import { GuestError, GuestSetupError } from './errors.ts';
import { GUEST_IP, iproute2Files } from './iproute2.ts';
import { Guest } from './qemu.ts';
import { guestUnavailable } from './requirements.ts';

/**
 * Loaded by /init in this order (no modules.dep; dependencies from each module's `depends=`):
 * e1000 for the agent's NIC, veth, 8021q (needs garp, mrp; garp needs stp, llc), tls (bonding
 * needs it), macvlan. bonding is loaded after boot with max_bonds=0 (BONDING_MODULE): loaded at
 * boot it creates bond0, which /init would take for the NIC.
 */
const BOOT_MODULES = ['e1000', 'veth', 'llc', 'stp', 'garp', 'mrp', '8021q', 'tls', 'macvlan'] as const;
/** drivers/net/bonding/bond_main.c: max_bonds (default BOND_DEFAULT_MAX_BONDS = 1 creates bond0). */
const BONDING_MODULE = ['/bin/insmod', '/lib/modules/bonding.ko', 'max_bonds=0'] as const;
/** What the kernel-host guest needs in the module cache (scripts/guest-setup.sh keeps them). */
const NEEDED_MODULES = [...BOOT_MODULES, 'bonding'];
/** A batch is written in pieces of about this many bytes, each answered before the next is sent. */
const BATCH_BYTES = 16_384;
/** A batch may hold real-tick sleeps (10.5 s at most) and `ip` runs under TCG: a hang guard only. */
const CALL_TIMEOUT_MS = 60_000;
/** What the agent takes as a handle or a namespace name (agent.c find_sock: 64 characters). */
const NAME_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
/** An `ip` argument: one word of the agent's line. */
const ARG_PATTERN = /^\S+$/;

/** null when a kernel-host guest can boot here, else why not (one line, with the fix). */
export function kernelGuestUnavailable(): string | null {
  const reason = guestUnavailable();
  if (reason !== null) return reason;
  const kernel = findGuestKernel();
  const missing = NEEDED_MODULES.filter((m) => !existsSync(join(kernel.modulesDir, `${m}.ko`)));
  if (missing.length > 0) return new GuestSetupError(`the guest module cache lacks ${missing.join(', ')}`, 'sudo scripts/guest-setup.sh').message;
  try {
    iproute2Files();
  } catch (e) {
    if (e instanceof GuestSetupError) return e.message;
    throw e;
  }
  return null;
}

const hex = (b: Buffer): string => (b.length === 0 ? '-' : b.toString('hex'));

function name(kind: string, v: string): string {
  if (!NAME_PATTERN.test(v)) throw new GuestError(`${kind} ${JSON.stringify(v)}: the guest agent takes ${NAME_PATTERN.source}`);
  return v;
}

function word(v: string): string {
  if (!ARG_PATTERN.test(v)) throw new GuestError(`argument ${JSON.stringify(v)}: the guest agent's exec takes arguments without white space`);
  return v;
}

function path(v: string): string {
  if (!/^\/\S+$/.test(v)) throw new GuestError(`path ${JSON.stringify(v)}: the guest agent takes absolute paths without white space`);
  return v;
}

/** The agent command for one call. */
export function agentCommand(c: HostCall): string {
  switch (c.call) {
    case 'ip':
      return ['exec', GUEST_IP, ...c.args.map(word)].join(' ');
    case 'write':
      return `nswrite ${name('namespace', c.ns)} ${path(c.path)} ${hex(Buffer.from(c.value, 'latin1'))}`;
    case 'read':
      return `nsread ${name('namespace', c.ns)} ${path(c.path)}`;
    case 'socket':
      return `nsocket ${name('handle', c.handle)} ${name('namespace', c.ns)} ${c.domain} ${c.type} ${c.protocol}`;
    case 'setsockopt':
      return `sockopt ${name('handle', c.handle)} ${c.level} ${c.name} ${hex(c.value)}`;
    case 'getsockopt':
      return `getopt ${name('handle', c.handle)} ${c.level} ${c.name} ${c.len}`;
    case 'bind':
      return `bindh ${name('handle', c.handle)} ${hex(c.addr)}`;
    case 'sendto':
      return `sendh ${name('handle', c.handle)} ${hex(c.data)} ${hex(c.addr)}`;
    case 'drain':
      return `drain ${name('handle', c.handle)} ${c.max}`;
    case 'close':
      return `close ${name('handle', c.handle)}`;
    case 'sleep':
      return `sleep ${Math.max(0, Math.round(c.ms))}`;
  }
}

/** The agent's answer ("ok ..." stripped, with its "= HEX" data lines) as the call's HostAnswer. */
export function agentAnswer(c: HostCall, answer: string, data: readonly string[]): HostAnswer {
  const bytes = (): Buffer => Buffer.from(data.join(''), 'hex');
  if (c.call === 'ip') {
    const [status, ...err] = answer.split(' ');
    if (status === '0') return { ok: true, text: bytes().toString('utf8'), messages: [] };
    return { ok: false, errno: 'EXIT', message: `ip ${c.args.join(' ')}: exit ${status}: ${err.join(' ')}` };
  }
  if (answer !== '-') return { ok: false, errno: answer, message: '' };
  if (c.call === 'read') return { ok: true, text: bytes().toString('latin1'), messages: [] };
  if (c.call === 'getsockopt') return { ok: true, text: '', messages: [bytes()] };
  if (c.call === 'drain') {
    // Each message is its hex lines ended by an empty line.
    const messages: Buffer[] = [];
    let chunks: string[] = [];
    for (const d of data) {
      if (d === '') {
        messages.push(Buffer.from(chunks.join(''), 'hex'));
        chunks = [];
      } else chunks.push(d);
    }
    return { ok: true, text: '', messages };
  }
  return { ok: true, text: '', messages: [] };
}

export interface KernelGuestOptions {
  readonly log?: (line: string) => void;
  readonly accel?: 'kvm' | 'tcg';
}

export class GuestKernelHost implements KernelHost {
  readonly label: string;
  private namespaces = 0;
  private disposed = false;

  private constructor(
    readonly guest: Guest,
    readonly release: string,
    accel: string,
  ) {
    this.label = `guest (Linux ${release}, QEMU ${accel})`;
  }

  /**
   * Boots the guest (plain TCG, no icount: the guest's clock follows the wall clock, see
   * GuestOptions.icount) and loads bonding without devices.
   */
  static async boot(options: KernelGuestOptions = {}): Promise<GuestKernelHost> {
    const guest = await Guest.boot({ device: 'e1000', modules: BOOT_MODULES, mac: '52:54:00:12:34:56', iproute2: true, icount: false, ...options });
    try {
      const [bonding, uname] = await guest.commands([`exec ${BONDING_MODULE.join(' ')}`, 'exec /bin/uname -r']);
      if (!bonding!.answer.startsWith('0')) throw new GuestError(`guest: ${BONDING_MODULE.join(' ')}: exit ${bonding!.answer}`);
      const release = Buffer.from(uname!.data.join(''), 'hex').toString('utf8').trim() || GUEST_KERNEL_RELEASE;
      const accel = guest.accel === 'kvm' ? 'KVM' : 'TCG';
      return new GuestKernelHost(guest, release, accel);
    } catch (e) {
      await guest.dispose();
      throw e;
    }
  }

  async run(calls: readonly HostCall[]): Promise<HostAnswer[]> {
    if (this.disposed) throw new GuestError('guest kernel host already disposed');
    const cmds = calls.map(agentCommand);
    const out: HostAnswer[] = [];
    for (let start = 0; start < cmds.length; ) {
      let end = start;
      for (let bytes = 0; end < cmds.length && (end === start || bytes + cmds[end]!.length < BATCH_BYTES); end++) bytes += cmds[end]!.length + 1;
      const answers = await this.guest.commands(cmds.slice(start, end), CALL_TIMEOUT_MS);
      answers.forEach((a, i) => out.push(agentAnswer(calls[start + i]!, a.answer, a.data)));
      start = end;
    }
    return out;
  }

  async createNamespace(): Promise<string> {
    const ns = `mtb-g${this.namespaces++}`;
    const answers = await this.run([
      { call: 'ip', args: ['netns', 'add', ns] },
      { call: 'ip', args: ['-n', ns, 'link', 'set', 'lo', 'up'] },
    ]);
    const bad = answers.find((a) => !a.ok);
    if (bad && !bad.ok) throw new GuestError(`guest: creating namespace ${ns}: ${bad.message}`);
    return ns;
  }

  async deleteNamespace(ns: string): Promise<void> {
    const [a] = await this.run([{ call: 'ip', args: ['netns', 'del', ns] }]);
    if (a && !a.ok) throw new GuestError(`guest: deleting namespace ${ns}: ${a.message}`);
  }

  /** The guest has one CPU (-smp 1): every send is through the router before sendto returns. */
  pin(): { restore(): void } {
    return { restore: () => {} };
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.guest.dispose();
  }
}
