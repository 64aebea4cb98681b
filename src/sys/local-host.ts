// The KernelHost of this machine (kernel-host.ts): `ip` through netns.ts, sockets through koffi
// (ffi.ts) created inside the namespace by setns, files read and written inside it the same way.
import { readFileSync, writeFileSync } from 'node:fs';
import { release } from 'node:os';
import { bind, close, getsockopt, pinToOneCpu, recvNow, sendto, setsockopt, socket } from './ffi.ts';
import type { HostAnswer, HostCall, KernelHost } from './kernel-host.ts';
import { KernelEnvError, createNamespace, deleteNamespace, inNamespace, ip } from './netns.ts';

const done = (text = '', messages: readonly Buffer[] = []): HostAnswer => ({ ok: true, text, messages });
const failed = (errno: string, message = ''): HostAnswer => ({ ok: false, errno, message });
const errnoOf = (e: unknown): string => (e as NodeJS.ErrnoException | null)?.code ?? 'EIO';

export class LocalKernelHost implements KernelHost {
  readonly label = `this machine (Linux ${release()})`;
  readonly release = release();
  private readonly fds = new Map<string, number>();

  async run(calls: readonly HostCall[]): Promise<HostAnswer[]> {
    return calls.map((c) => this.one(c));
  }

  private fd(handle: string): number {
    return this.fds.get(handle) ?? -1;
  }

  private one(c: HostCall): HostAnswer {
    const sys = (r: { ok: true } | { ok: false; errno: string }): HostAnswer => (r.ok ? done() : failed(r.errno));
    switch (c.call) {
      case 'ip':
        try {
          return done(ip(c.args));
        } catch (e) {
          if (e instanceof KernelEnvError) return failed('EXIT', e.message);
          throw e;
        }
      case 'write':
        try {
          inNamespace(c.ns, () => writeFileSync(c.path, c.value));
          return done();
        } catch (e) {
          return failed(errnoOf(e), `${c.path}: ${(e as Error).message}`);
        }
      case 'read':
        try {
          return done(inNamespace(c.ns, () => readFileSync(c.path, 'latin1')));
        } catch (e) {
          return failed(errnoOf(e), `${c.path}: ${(e as Error).message}`);
        }
      case 'socket': {
        if (this.fds.has(c.handle)) return failed('EEXIST', `socket handle ${c.handle} is open`);
        const r = inNamespace(c.ns, () => socket(c.domain, c.type, c.protocol));
        if (!r.ok) return failed(r.errno);
        this.fds.set(c.handle, r.value);
        return done();
      }
      case 'setsockopt':
        return sys(setsockopt(this.fd(c.handle), c.level, c.name, c.value));
      case 'getsockopt': {
        const r = getsockopt(this.fd(c.handle), c.level, c.name, c.len);
        return r.ok ? done('', [r.value]) : failed(r.errno);
      }
      case 'bind':
        return sys(bind(this.fd(c.handle), c.addr));
      case 'sendto':
        return sys(sendto(this.fd(c.handle), c.data, c.addr));
      case 'drain': {
        const fd = this.fd(c.handle);
        if (fd < 0) return failed('EBADF');
        const out: Buffer[] = [];
        for (let m = recvNow(fd, c.max); m; m = recvNow(fd, c.max)) out.push(Buffer.from(m));
        return done('', out);
      }
      case 'close': {
        const fd = this.fd(c.handle);
        if (fd < 0) return failed('EBADF');
        close(fd);
        this.fds.delete(c.handle);
        return done();
      }
      case 'sleep':
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, c.ms);
        return done();
    }
  }

  async createNamespace(): Promise<string> {
    return createNamespace();
  }

  async deleteNamespace(name: string): Promise<void> {
    deleteNamespace(name);
  }

  pin(): { restore(): void } {
    return pinToOneCpu();
  }

  async dispose(): Promise<void> {
    for (const fd of this.fds.values()) close(fd);
    this.fds.clear();
  }
}
