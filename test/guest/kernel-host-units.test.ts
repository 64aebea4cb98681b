// The guest KernelHost's parts that need no QEMU: each verb as the agent command it becomes
// (agent.c), each answer back as the verb's HostAnswer, and the refusals of what the agent's line
// protocol cannot carry (white space in an argument, a handle it cannot name).
import { describe, expect, it } from 'vitest';
import { agentAnswer, agentCommand } from '../../src/guest/kernel-host.ts';
import { GuestError } from '../../src/guest/errors.ts';
import { parentDirs } from '../../src/guest/iproute2.ts';
import type { HostCall } from '../../src/sys/kernel-host.ts';
import { mustAnswer } from '../../src/sys/kernel-host.ts';

describe('guest kernel host: calls as agent commands', () => {
  it('each verb becomes one line, bytes in hex ("-" for none)', () => {
    const calls: HostCall[] = [
      { call: 'ip', args: ['-n', 'mtb-g0', 'link', 'show'] },
      { call: 'write', ns: 'mtb-g0', path: '/proc/sys/net/ipv4/conf/all/rp_filter', value: '0' },
      { call: 'read', ns: 'mtb-g1', path: '/proc/thread-self/net/ip_mr_vif' },
      { call: 'socket', ns: 'mtb-g0', handle: 's-r4', domain: 2, type: 3, protocol: 2 },
      { call: 'setsockopt', handle: 's-r4', level: 0, name: 200, value: Buffer.from([1, 0, 0, 0]) },
      { call: 'setsockopt', handle: 's-r4', level: 0, name: 200, value: Buffer.alloc(0) },
      { call: 'bind', handle: 'tx', addr: Buffer.from([2, 0, 0x13, 0x88]) },
      { call: 'sendto', handle: 'tx', data: Buffer.from('d0'), addr: Buffer.from([0xab]) },
      { call: 'drain', handle: 'cap-eth0', max: 2048 },
      { call: 'close', handle: 'tx' },
      { call: 'sleep', ms: 700.4 },
    ];
    expect(calls.map(agentCommand)).toEqual([
      'exec /usr/sbin/ip -n mtb-g0 link show',
      'nswrite mtb-g0 /proc/sys/net/ipv4/conf/all/rp_filter 30',
      'nsread mtb-g1 /proc/thread-self/net/ip_mr_vif',
      'nsocket s-r4 mtb-g0 2 3 2',
      'sockopt s-r4 0 200 01000000',
      'sockopt s-r4 0 200 -',
      'bindh tx 02001388',
      'sendh tx 6430 ab',
      'drain cap-eth0 2048',
      'close tx',
      'sleep 700',
    ]);
  });

  it('refuses what one line of the agent cannot carry, naming it', () => {
    expect(() => agentCommand({ call: 'ip', args: ['link', 'set', 'a b'] })).toThrow(GuestError);
    expect(() => agentCommand({ call: 'ip', args: ['link', 'set', 'a b'] })).toThrow(/"a b"/);
    expect(() => agentCommand({ call: 'close', handle: 'has space' })).toThrow(/handle "has space"/);
    expect(() => agentCommand({ call: 'read', ns: 'x', path: 'relative' })).toThrow(/path "relative"/);
    expect(() => agentCommand({ call: 'socket', ns: 'n/s', handle: 'h', domain: 2, type: 2, protocol: 0 })).toThrow(/namespace "n\/s"/);
  });
});

describe('guest kernel host: answers', () => {
  const ip: HostCall = { call: 'ip', args: ['link', 'del', 'eth9'] };
  it('exec: exit 0 is the decoded output, another status names ip, the status and its first error line', () => {
    expect(agentAnswer(ip, '0', [Buffer.from('[{"ifindex":2}]\n').toString('hex')])).toEqual({ ok: true, text: '[{"ifindex":2}]\n', messages: [] });
    const bad = agentAnswer(ip, '1 Cannot find device "eth9"', []);
    expect(bad).toEqual({ ok: false, errno: 'EXIT', message: 'ip link del eth9: exit 1: Cannot find device "eth9"' });
    expect(() => mustAnswer(ip, bad)).toThrow(/ip link del eth9 failed: EXIT \(ip link del eth9: exit 1: Cannot find device "eth9"\)/);
  });

  it('errno answers stay errno names; "-" is success', () => {
    const opt: HostCall = { call: 'setsockopt', handle: 's-r4', level: 0, name: 202, value: Buffer.alloc(16) };
    expect(agentAnswer(opt, 'EADDRINUSE', [])).toEqual({ ok: false, errno: 'EADDRINUSE', message: '' });
    expect(agentAnswer(opt, '-', [])).toEqual({ ok: true, text: '', messages: [] });
  });

  it('drain: each message is its hex lines up to an empty line; chunks of one message are joined', () => {
    const d: HostCall = { call: 'drain', handle: 'cap-eth1', max: 4096 };
    const a = agentAnswer(d, '-', ['0102', '03', '', '', 'ff', '']);
    expect(a.ok && a.messages.map((m) => m.toString('hex'))).toEqual(['010203', '', 'ff']);
    expect(agentAnswer(d, 'EBADF', [])).toEqual({ ok: false, errno: 'EBADF', message: '' });
  });

  it('read: the file as text', () => {
    const r: HostCall = { call: 'read', ns: 'mtb-g0', path: '/proc/thread-self/net/dev_mcast' };
    const text = '2    eth0            1     0     333300000001\n';
    expect(agentAnswer(r, '-', [Buffer.from(text).toString('hex')])).toEqual({ ok: true, text, messages: [] });
  });
});

describe('iproute2 in the initramfs', () => {
  it('parent folders come before their children', () => {
    expect(parentDirs([{ name: 'usr/sbin/ip', data: Buffer.alloc(0) }, { name: 'lib/x86_64-linux-gnu/libc.so.6', data: Buffer.alloc(0) }, { name: 'lib64/ld.so', data: Buffer.alloc(0) }])).toEqual([
      'lib',
      'lib64',
      'usr',
      'lib/x86_64-linux-gnu',
      'usr/sbin',
    ]);
  });
});
