// One QEMU guest: the kernel, the initramfs and one or two NICs of one model, its agent on a serial port (ttyS1 on
// QEMU's stdio; the console ttyS0 goes to a log file) and each NIC's wire on a UDP socket of this
// process (QEMU 7.2 `-netdev dgram` over 127.0.0.1: one Ethernet frame per datagram, net/dgram.c).
// Every wait is bounded and names what did not answer; QEMU is killed on dispose and on exit.
import { type ChildProcess, spawn } from 'node:child_process';
import { createSocket, type Socket } from 'node:dgram';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { onShutdown } from '../shutdown.ts';
import { QEMU_BINARY, cacheDir, findGuestKernel, type GuestKernel } from './cache.ts';
import { GuestError } from './errors.ts';
import { initramfs } from './initramfs.ts';

/** The agent's protocol: its first line is "mtb-agent/2 IFNAME..." (src/guest/agent/agent.c). */
export const AGENT_PROTOCOL = 'mtb-agent/2';
/** NICs a guest can have: one, or two of the same model (two interfaces of one host). */
export const MAX_GUEST_NICS = 2;
/** A TCG boot takes 7-11 s idle and was seen at 83 s with both cores busy: a hang guard only. */
const BOOT_TIMEOUT_MS = 300_000;
/** A KVM probe boot: a KVM guest that hangs is given this long before TCG is used. */
const KVM_PROBE_TIMEOUT_MS = 20_000;
/** One agent command (a `sh` of busybox `ip`, or a fill of 10,923 groups, included); a hang guard only. */
export const COMMAND_TIMEOUT_MS = 120_000;

export interface GuestOptions {
  /** QEMU's -device model: e1000, i82559er, tulip, pcnet, ... */
  readonly device: string;
  /** Modules the guest's /init loads, in dependency order. */
  readonly modules: readonly string[];
  /** The first NIC's MAC; a second NIC's is this one with its last octet plus one. */
  readonly mac: string;
  /** NICs of model `device`, each on its own wire (default 1, at most MAX_GUEST_NICS). */
  readonly nics?: number;
  /** 'kvm' | 'tcg'; absent: $MCAST_TESTBENCH_GUEST_ACCEL, else the cached KVM probe's result. */
  readonly accel?: 'kvm' | 'tcg';
  readonly log?: (line: string) => void;
  /** Put the host's iproute2 `ip` and its libraries in the initramfs (src/guest/iproute2.ts). */
  readonly iproute2?: boolean;
  /**
   * TCG with `-icount shift=auto,sleep=off` (default true). Off for the kernel-host guest: an idle
   * guest's clock jumps to its next timer there, so the routing code's 10 s expiry of unresolved
   * entries and 3 s assert limit would pass while the guest waits for the next command.
   */
  readonly icount?: boolean;
}

interface Waiter {
  resolve(line: string): void;
}

function freeUdpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4');
    s.once('error', reject);
    s.bind(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

export class Guest {
  readonly kernel: GuestKernel;
  /** The first NIC's name in the guest (the agent's hello line). */
  ifname = '';
  /** Every NIC's name at boot, in QEMU's -device order (the agent's hello line). */
  ifnames: readonly string[] = [];
  /** How long the boot took, to the agent's hello line. */
  bootMs = 0;
  /** The accelerator this guest runs under. */
  accel: 'kvm' | 'tcg' = 'tcg';
  private proc: ChildProcess | null = null;
  private wire: Socket | null = null;
  /** Each NIC's UDP port on the guest's side of its wire. */
  private guestPorts: number[] = [];
  private lines: string[] = [];
  private waiters: Waiter[] = [];
  private pending = '';
  private exited: string | null = null;
  private broken: string | null = null;
  private readonly dir: string;
  private unregister: (() => void) | null = null;

  private constructor(kernel: GuestKernel) {
    this.kernel = kernel;
    this.dir = mkdtempSync(join(tmpdir(), 'mtb-guest-'));
  }

  /** Boots a guest; its agent has said hello when this resolves. */
  static async boot(options: GuestOptions): Promise<Guest> {
    const kernel = findGuestKernel();
    const accel = options.accel ?? chosenAccel();
    if (accel === undefined) {
      // Probe KVM once (a KVM guest hangs at boot on some hosts) and remember the answer.
      if (existsSync('/dev/kvm')) {
        const g = new Guest(kernel);
        try {
          await g.start(options, 'kvm', KVM_PROBE_TIMEOUT_MS);
          rememberAccel('kvm', 'a KVM guest booted');
          return g;
        } catch (e) {
          await g.dispose();
          rememberAccel('tcg', `KVM probe: ${(e as Error).message}`);
          options.log?.(`guest: KVM did not boot (${(e as Error).message}); using TCG`);
        }
      } else rememberAccel('tcg', 'no /dev/kvm');
      return Guest.boot({ ...options, accel: 'tcg' });
    }
    const g = new Guest(kernel);
    try {
      await g.start(options, accel, BOOT_TIMEOUT_MS);
    } catch (e) {
      await g.dispose();
      throw e;
    }
    return g;
  }

  get consoleLog(): string {
    const f = join(this.dir, 'console.log');
    return existsSync(f) ? readFileSync(f, 'utf8') : '';
  }

  private async start(options: GuestOptions, accel: 'kvm' | 'tcg', timeoutMs: number): Promise<void> {
    const started = Date.now();
    this.accel = accel;
    const rd = initramfs(this.kernel, { iproute2: options.iproute2 === true });
    this.wire = createSocket('udp4');
    const wire = this.wire;
    wire.on('message', () => {
      // What the guest sends (reports, solicitations) is not observed: the agent reports receptions.
    });
    wire.on('error', () => {});
    await new Promise<void>((resolve) => wire.bind(0, '127.0.0.1', resolve));
    const nics = options.nics ?? 1;
    if (!Number.isInteger(nics) || nics < 1 || nics > MAX_GUEST_NICS) throw new GuestError(`a guest has 1 to ${MAX_GUEST_NICS} NICs, not ${nics}`);
    this.guestPorts = [];
    for (let k = 0; k < nics; k++) this.guestPorts.push(await freeUdpPort());
    const macs = this.guestPorts.map((_, k) => nicMac(options.mac, k));
    const args = [
      '-accel', accel,
      // TCG with instruction counting and sleep=off: an idle guest's virtual clock jumps to the
      // next timer (qemu-options.hx -icount), so QEMU's e1000 holds frames for 1000 virtual ms
      // after each RCTL write (hw/net/e1000.c set_rx_control, flush_queue_timer) without the
      // wall clock waiting for it: 40 times faster per scenario here.
      ...(accel === 'tcg' && options.icount !== false ? ['-icount', 'shift=auto,sleep=off'] : []),
      '-m', '256', '-smp', '1', '-nodefaults', '-no-user-config', '-display', 'none', '-no-reboot',
      '-kernel', this.kernel.vmlinuz, '-initrd', rd,
      // no_timer_check: the IO-APIC timer check at boot counts jiffies across a 10-tick mdelay and
      // panics when too few arrived (arch/x86/kernel/apic/io_apic.c timer_irq_works, check_timer:
      // "IO-APIC + timer doesn't work!"); a TCG guest without icount on busy host cores can miss
      // it, and the emulated timer is known to work.
      '-append', `console=ttyS0 panic=-1 quiet no_timer_check mtb.modules=${options.modules.join(',')} mtb.nics=${nics}`,
      '-serial', `file:${join(this.dir, 'console.log')}`,
      '-chardev', 'stdio,id=agent,signal=off', '-serial', 'chardev:agent',
      // qemu-options.hx (QEMU 7.2): -netdev dgram,id=str,remote.type=inet,remote.host=addr,remote.port=port[,local...]
      ...this.guestPorts.flatMap((port, k) => [
        '-netdev', `dgram,id=n${k},local.type=inet,local.host=127.0.0.1,local.port=${port},remote.type=inet,remote.host=127.0.0.1,remote.port=${wire.address().port}`,
        '-device', `${options.device},netdev=n${k},mac=${macs[k]!}`,
      ]),
      ...(process.env.MCAST_TESTBENCH_QEMU_ARGS ?? '').split(' ').filter((a) => a !== ''),
    ];
    writeFileSync(join(this.dir, 'qemu.args'), args.join(' '));
    const proc = spawn(QEMU_BINARY, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc = proc;
    this.unregister = onShutdown(() => this.killNow());
    let stderr = '';
    proc.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.stdout?.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    proc.on('exit', (code, signal) => {
      this.exited = `QEMU exited (${signal ?? `status ${code}`})${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-2).join(' / ')}` : ''}`;
      for (const w of this.waiters.splice(0)) w.resolve('');
    });
    proc.on('error', (e) => {
      this.exited = `QEMU failed to start: ${e.message}`;
      for (const w of this.waiters.splice(0)) w.resolve('');
    });
    const hello = await this.nextLine(timeoutMs, `the agent's hello after boot (${accel}, ${options.device})`);
    if (!hello.startsWith(`${AGENT_PROTOCOL} `)) {
      throw new GuestError(`guest ${options.device}: expected "${AGENT_PROTOCOL} IFNAME..." from the agent, got ${JSON.stringify(hello.slice(0, 200))}`);
    }
    this.ifnames = hello.slice(AGENT_PROTOCOL.length + 1).trim().split(' ').filter((n) => n !== '');
    if (this.ifnames.length !== nics) throw new GuestError(`guest ${options.device}: ${nics} NICs booted, the agent names ${this.ifnames.length}: ${hello}`);
    this.ifname = this.ifnames[0]!;
    this.bootMs = Date.now() - started;
    options.log?.(`guest ${options.device}: booted (${accel}) in ${this.bootMs} ms, NIC${nics > 1 ? 's' : ''} ${this.ifnames.join(', ')}`);
  }

  private onData(text: string): void {
    this.pending += text;
    for (let nl = this.pending.indexOf('\n'); nl >= 0; nl = this.pending.indexOf('\n')) {
      const line = this.pending.slice(0, nl).replace(/\r$/, '');
      this.pending = this.pending.slice(nl + 1);
      const w = this.waiters.shift();
      if (w) w.resolve(line);
      else this.lines.push(line);
    }
  }

  /** The agent's next line, or a GuestError naming `what` after `timeoutMs`. */
  nextLine(timeoutMs: number, what: string): Promise<string> {
    const queued = this.lines.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.exited) return Promise.reject(new GuestError(`${what}: ${this.exited}${this.consoleTail()}`));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const i = this.waiters.indexOf(waiter);
        if (i >= 0) this.waiters.splice(i, 1);
        reject(new GuestError(`${what}: no answer from the guest in ${timeoutMs} ms${this.consoleTail()}`));
      }, timeoutMs);
      const waiter: Waiter = {
        resolve: (line) => {
          clearTimeout(timer);
          if (this.exited && line === '') reject(new GuestError(`${what}: ${this.exited}${this.consoleTail()}`));
          else resolve(line);
        },
      };
      this.waiters.push(waiter);
    });
  }

  private consoleTail(): string {
    const tail = this.consoleLog.trim().split('\n').slice(-3).join(' / ');
    return tail ? ` (console: ${tail})` : '';
  }

  /**
   * Sends commands in one write and reads one answer each (`cat` answers "= LINE" lines first,
   * collected into `data`). A "fail ..." answer is a GuestError: the agent refused a command.
   */
  async commands(cmds: readonly string[], timeoutMs = COMMAND_TIMEOUT_MS): Promise<{ answer: string; data: string[] }[]> {
    if (!this.proc?.stdin || this.exited) throw new GuestError(`guest: ${this.exited ?? 'not running'}`);
    // A command that timed out may still answer: every later answer would be read as the wrong one.
    if (this.broken) throw new GuestError(`guest out of step with its agent since: ${this.broken}`);
    for (const c of cmds) if (c.includes('\n')) throw new GuestError(`agent command with a newline: ${JSON.stringify(c)}`);
    this.proc.stdin.write(cmds.map((c) => `${c}\n`).join(''));
    const out: { answer: string; data: string[] }[] = [];
    for (const c of cmds) {
      const data: string[] = [];
      for (;;) {
        let line: string;
        try {
          line = await this.nextLine(timeoutMs, `agent command ${JSON.stringify(c.slice(0, 80))}`);
        } catch (e) {
          this.broken = (e as Error).message;
          throw e;
        }
        if (line.startsWith('= ')) data.push(line.slice(2));
        else if (line === '=') data.push('');
        else if (line.startsWith('ok')) {
          out.push({ answer: line.slice(2).trim(), data });
          break;
        } else throw new GuestError(`agent command ${JSON.stringify(c.slice(0, 80))}: ${line}`);
      }
    }
    return out;
  }

  async command(cmd: string, timeoutMs = COMMAND_TIMEOUT_MS): Promise<string> {
    return (await this.commands([cmd], timeoutMs))[0]!.answer;
  }

  /** Puts one Ethernet frame on the wire of NIC `nic` (its index in -device order). */
  inject(frame: Buffer, nic = 0): Promise<void> {
    const wire = this.wire;
    if (!wire) return Promise.reject(new GuestError('guest: no wire'));
    const port = this.guestPorts[nic];
    if (port === undefined) return Promise.reject(new GuestError(`guest: no NIC ${nic} (it has ${this.guestPorts.length})`));
    return new Promise((resolve, reject) => wire.send(frame, port, '127.0.0.1', (e) => (e ? reject(new GuestError(`inject: ${e.message}`)) : resolve())));
  }

  private killNow(): void {
    if (this.proc && this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }

  /** Kills QEMU, closes the wire, removes the log folder. Idempotent. */
  async dispose(): Promise<void> {
    this.unregister?.();
    this.unregister = null;
    const proc = this.proc;
    this.proc = null;
    if (proc && proc.exitCode === null && proc.signalCode === null) {
      const gone = new Promise<void>((resolve) => proc.once('exit', () => resolve()));
      proc.kill('SIGKILL');
      await Promise.race([gone, new Promise<void>((resolve) => setTimeout(resolve, 5_000))]);
    }
    if (this.wire) {
      try {
        this.wire.close();
      } catch {
        // already closed
      }
      this.wire = null;
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** NIC k's MAC: `mac` with k added to its last octet. */
export function nicMac(mac: string, k: number): string {
  const octets = mac.split(':');
  const last = (parseInt(octets[5] ?? '0', 16) + k) & 0xff;
  return [...octets.slice(0, 5), last.toString(16).padStart(2, '0')].join(':');
}

function accelFile(): string {
  return join(cacheDir(), 'accel');
}

function chosenAccel(): 'kvm' | 'tcg' | undefined {
  const env = process.env.MCAST_TESTBENCH_GUEST_ACCEL;
  if (env === 'kvm' || env === 'tcg') return env;
  if (!existsSync(accelFile())) return undefined;
  const first = readFileSync(accelFile(), 'utf8').split(/\s/)[0];
  return first === 'kvm' || first === 'tcg' ? first : undefined;
}

function rememberAccel(accel: 'kvm' | 'tcg', why: string): void {
  try {
    writeFileSync(accelFile(), `${accel} ${why}\n`);
  } catch {
    // an unwritable cache only means probing again next time
  }
}
