// The guest runner's parts that need no QEMU: the initramfs format, the agent's probe answers,
// the scenarios the guest refuses (with the pointer of the offending input), and a clear
// setup error when the cache is missing.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { guestInterface } from '../../src/guest/backend.ts';
import { findGuestKernel } from '../../src/guest/cache.ts';
import { DIR_MODE, FILE_MODE, cpioNewc } from '../../src/guest/cpio.ts';
import { GuestSetupError } from '../../src/guest/errors.ts';
import { GUEST_NICS } from '../../src/guest/nics.ts';
import { type GuestPort, guestInterfaces, resetScript } from '../../src/guest/ports.ts';
import { type Wire, parseProbeAnswer } from '../../src/guest/probe.ts';
import type { Scenario } from '../../src/scenario/types.ts';

const one: Scenario = {
  schema: 'mcast-testbench/scenario@1',
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'] }],
  steps: [],
};

function pointerOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof InputError) return e.where;
    throw e;
  }
  return '(no error)';
}

describe('guest runner units', () => {
  it('cpio newc: headers, names and data padded to 4 bytes, a trailer', () => {
    const out = cpioNewc([
      { name: 'bin', mode: DIR_MODE },
      { name: 'init', mode: FILE_MODE, data: Buffer.from('#!/bin/sh\n') },
    ]);
    const text = out.toString('latin1');
    expect(text.startsWith('070701')).toBe(true);
    expect(text).toContain('init\0');
    expect(text).toContain('TRAILER!!!\0');
    expect(out.length % 4).toBe(0);
    // The second entry's header: mode 0o100755 = 0x81ed, file size 10.
    const at = text.indexOf('070701', 6);
    expect(text.slice(at + 14, at + 22)).toBe('000081ed');
    expect(text.slice(at + 54, at + 62)).toBe('0000000a');
  });

  it('probe answers: the marker, frames seen on the tap, datagrams per socket', () => {
    expect(parseProbeAnswer('1 f:p1 s:s0/p1 s:s2/p1 m:7')).toEqual({
      marked: true,
      frames: ['p1'],
      datagrams: [
        { socket: 's0', id: 'p1' },
        { socket: 's2', id: 'p1' },
      ],
    });
    expect(parseProbeAnswer('0')).toEqual({ marked: false, frames: [], datagrams: [] });
  });

  it('refuses what one guest NIC cannot hold, naming the input', () => {
    expect(pointerOf(() => guestInterface({ ...one, interfaces: [...one.interfaces, { name: 'eth1', mac: '02:00:00:00:00:03' }] }))).toBe('/interfaces');
    expect(pointerOf(() => guestInterface({ ...one, interfaces: [{ name: 'mv0', mac: '02:00:00:00:00:03', kind: 'macvlan', lower: 'eth0' }] }))).toBe('/interfaces/0/kind');
    expect(pointerOf(() => guestInterface({ ...one, interfaces: [{ name: 'lo', mac: '02:00:00:00:00:03' }] }))).toBe('/interfaces/0/name');
    expect(pointerOf(() => guestInterface({ ...one, steps: [{ op: 'open', socket: 'a b', family: 'ipv4', bind: '0.0.0.0', port: 1 }] }))).toBe('/steps/0/socket');
    expect(pointerOf(() => guestInterface({ ...one, steps: [{ op: 'mrt-init', socket: 'r', family: 'ipv4' }] }))).toBe('/steps/0');
    expect(guestInterface(one).name).toBe('eth0');
  });

  it('a guest of two NICs holds two plain interfaces, not three, and not its spare names', () => {
    const two: Scenario = { ...one, interfaces: [...one.interfaces, { name: 'eth1', mac: '02:00:00:01:00:03' }] };
    expect(guestInterfaces(two, 2).map((i) => i.name)).toEqual(['eth0', 'eth1']);
    expect(guestInterfaces(one, 2).map((i) => i.name)).toEqual(['eth0']);
    const three: Scenario = { ...two, interfaces: [...two.interfaces, { name: 'eth2', mac: '02:00:00:02:00:03' }] };
    expect(pointerOf(() => guestInterfaces(three, 2))).toBe('/interfaces');
    expect(pointerOf(() => guestInterfaces({ ...one, interfaces: [{ name: 'mtbnic1', mac: '02:00:00:00:00:03' }] }, 2))).toBe('/interfaces/0/name');
  });

  describe('the reset script between scenarios', () => {
    const port = (index: number, ifname: string): GuestPort => ({
      index,
      device: `/sys/devices/pci0000:00/0000:00:0${3 + index}.0`,
      ifname,
      ipv6Disabled: false,
      maddrs: new Set(),
      wire: null as unknown as Wire,
    });

    it('swaps two names through the spare names, and gives each interface its MAC', () => {
      const ports = [port(0, 'eth0'), port(1, 'eth1')];
      const plan = resetScript(ports, [
        { name: 'eth1', mac: '02:00:00:00:00:0a' },
        { name: 'eth0', mac: '02:00:00:00:00:0b' },
      ]);
      const at = (text: string): number => {
        const i = plan.script.indexOf(text);
        expect(i, text).toBeGreaterThanOrEqual(0);
        return i;
      };
      // Both leave their names before either takes the other's.
      expect(at('ip link set dev eth0 name mtbnic0')).toBeLessThan(at('ip link set dev mtbnic0 name eth1'));
      expect(at('ip link set dev eth1 name mtbnic1')).toBeLessThan(at('ip link set dev mtbnic0 name eth1'));
      expect(at('ip link set dev eth1 name mtbnic1')).toBeLessThan(at('ip link set dev mtbnic1 name eth0'));
      at('ip link set dev mtbnic0 address 02:00:00:00:00:0a');
      at('ip link set dev mtbnic1 address 02:00:00:00:00:0b');
      expect(plan.script).not.toContain('unbind');
      expect(ports.map((p) => p.ifname)).toEqual(['eth0', 'eth1']);
      plan.commit();
      expect(ports.map((p) => p.ifname)).toEqual(['eth1', 'eth0']);
    });

    it('leaves an unused NIC down under its spare name, and keeps a name that stays', () => {
      const ports = [port(0, 'eth0'), port(1, 'eth1')];
      const plan = resetScript(ports, [{ name: 'eth0', mac: '02:00:00:00:00:0a' }]);
      expect(plan.script).not.toContain('dev eth0 name');
      expect(plan.script).toContain('ip link set dev eth1 name mtbnic1');
      expect(plan.script).not.toContain('mtbnic1 address');
      plan.commit();
      expect(ports.map((p) => p.ifname)).toEqual(['eth0', 'mtbnic1']);
    });

    it('rebinds the driver of a NIC whose disable_ipv6 changes, and names the failure of each step', () => {
      const ports = [port(0, 'eth0'), port(1, 'eth1')];
      const plan = resetScript(ports, [
        { name: 'eth0', mac: '02:00:00:00:00:0a' },
        { name: 'eth1', mac: '02:00:00:00:00:0b', disableIpv6: true },
      ]);
      expect(plan.script).toContain('echo 1 > /proc/sys/net/ipv6/conf/default/disable_ipv6');
      expect(plan.script).toContain('echo 0000:00:04.0 > $drv/unbind');
      expect(plan.script).not.toContain('0000:00:03.0 > $drv/unbind');
      expect([...plan.failures.values()]).toContain('rebinding the driver of 0000:00:04.0');
      for (const code of plan.failures.keys()) expect(plan.script).toContain(`exit ${code}`);
      plan.commit();
      expect(ports.map((p) => p.ipv6Disabled)).toEqual([false, true]);
      expect(ports[1]!.ifname).toBe('eth1');
    });
  });

  it('an empty cache is a GuestSetupError naming the setup script', () => {
    const saved = process.env['MCAST_TESTBENCH_CACHE'];
    process.env['MCAST_TESTBENCH_CACHE'] = mkdtempSync(join(tmpdir(), 'mtb-empty-cache-'));
    try {
      let err: unknown;
      try {
        findGuestKernel();
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(GuestSetupError);
      expect((err as GuestSetupError).fix).toMatch(/scripts\/guest-setup\.sh$/);
    } finally {
      if (saved === undefined) delete process.env['MCAST_TESTBENCH_CACHE'];
      else process.env['MCAST_TESTBENCH_CACHE'] = saved;
    }
  });

  it('every guest NIC names its QEMU device and modules; every profile it names exists', async () => {
    const { resolveProfile } = await import('../../src/profiles/registry.ts');
    for (const n of GUEST_NICS) {
      expect(n.modules.length).toBeGreaterThan(0);
      if (n.profile !== null) expect(() => resolveProfile(n.profile!)).not.toThrow();
    }
  });
});
