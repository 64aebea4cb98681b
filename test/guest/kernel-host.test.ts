// One bench, two places: the same batch of KernelHost verbs answers the same on this machine
// (koffi, netns) and in the QEMU guest (the agent), so a difference the routing or stacked
// differential finds in the guest is the kernel's, not the plumbing's. The guest part needs QEMU
// and the guest cache (else `SKIP kernel host contract (guest): <reason>`); this machine's part
// needs kernel mode (root, iproute2).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GuestKernelHost, kernelGuestUnavailable } from '../../src/guest/kernel-host.ts';
import { kernelModeUnavailable } from '../../src/kernel/requirements.ts';
import { AF_INET, IPPROTO_IP, SOCK_DGRAM, SOCK_NONBLOCK } from '../../src/sys/ffi.ts';
import type { HostAnswer, HostCall, KernelHost } from '../../src/sys/kernel-host.ts';
import { LocalKernelHost } from '../../src/sys/local-host.ts';
import { sockaddr } from '../../src/sys/sockaddr.ts';
import { parseIp } from '../../src/wire/index.ts';
import { HANG_BOUND_MS } from '../bounds.ts';

const IP_MULTICAST_TTL = 33; // include/uapi/linux/in.h
const PORT = 5001;

const guestReason = kernelGuestUnavailable();
const localReason = kernelModeUnavailable();
if (guestReason !== null) console.log(`SKIP kernel host contract (guest): ${guestReason}`);
if (localReason !== null) console.log(`SKIP kernel host contract (this machine): ${localReason}`);

/** Every verb, its successes and its failures (errno names), in one namespace of `host`. */
function contract(ns: string): HostCall[] {
  const loop = sockaddr(parseIp('127.0.0.1'), PORT);
  return [
    { call: 'socket', ns, handle: 'u', domain: AF_INET, type: SOCK_DGRAM | SOCK_NONBLOCK, protocol: 0 },
    { call: 'setsockopt', handle: 'u', level: IPPROTO_IP, name: IP_MULTICAST_TTL, value: Buffer.from([4, 0, 0, 0]) },
    { call: 'setsockopt', handle: 'u', level: IPPROTO_IP, name: IP_MULTICAST_TTL, value: Buffer.from([0, 1, 0, 0]) },
    { call: 'setsockopt', handle: 'nosuch', level: IPPROTO_IP, name: IP_MULTICAST_TTL, value: Buffer.from([4, 0, 0, 0]) },
    { call: 'bind', handle: 'u', addr: loop },
    { call: 'bind', handle: 'u', addr: loop },
    { call: 'drain', handle: 'u', max: 2048 },
    { call: 'sendto', handle: 'u', data: Buffer.from('one'), addr: loop },
    { call: 'sendto', handle: 'u', data: Buffer.alloc(0), addr: loop },
    { call: 'sendto', handle: 'u', data: Buffer.from('three'), addr: loop },
    { call: 'drain', handle: 'u', max: 4 },
    { call: 'drain', handle: 'nosuch', max: 2048 },
    { call: 'write', ns, path: '/proc/sys/net/ipv4/ip_forward', value: '1' },
    { call: 'read', ns, path: '/proc/sys/net/ipv4/ip_forward' },
    { call: 'read', ns, path: '/proc/sys/net/ipv4/no_such_sysctl' },
    { call: 'ip', args: ['-n', ns, '-j', 'link', 'show', 'dev', 'lo'] },
    { call: 'ip', args: ['-n', ns, 'link', 'del', 'nosuch0'] },
    { call: 'sleep', ms: 1 },
    { call: 'close', handle: 'u' },
    { call: 'close', handle: 'u' },
  ];
}

/** What must be equal across hosts: ok or the errno name, texts that are the kernel's, messages. */
function shape(answers: readonly HostAnswer[]): unknown[] {
  return answers.map((a, i) => {
    if (!a.ok) return a.errno;
    if (i === 15) return (JSON.parse(a.text) as { ifname: string; flags: string[] }[]).map((l) => [l.ifname, l.flags]);
    return { text: a.text, messages: a.messages.map((m) => m.toString('latin1')) };
  });
}

async function runContract(host: KernelHost): Promise<unknown[]> {
  const ns = await host.createNamespace();
  try {
    return shape(await host.run(contract(ns)));
  } finally {
    await host.deleteNamespace(ns);
  }
}

/** What the verbs answer, as Linux says (the same on every kernel since long before 6.1). */
const EXPECTED = [
  { text: '', messages: [] },
  { text: '', messages: [] },
  'EINVAL', // ip_setsockopt IP_MULTICAST_TTL: a value over 255
  'EBADF',
  { text: '', messages: [] },
  'EINVAL', // inet_bind: already bound
  { text: '', messages: [] },
  { text: '', messages: [] },
  { text: '', messages: [] },
  { text: '', messages: [] },
  { text: '', messages: ['one', '', 'thre'] }, // truncated to max: recv without MSG_TRUNC
  'EBADF',
  { text: '', messages: [] },
  { text: '1\n', messages: [] },
  'ENOENT',
  [['lo', ['LOOPBACK', 'UP', 'LOWER_UP']]],
  'EXIT',
  { text: '', messages: [] },
  { text: '', messages: [] },
  'EBADF',
];

describe.skipIf(localReason !== null)('kernel host contract: this machine', () => {
  it('every verb answers as Linux says', async () => {
    const host = new LocalKernelHost();
    try {
      expect(await runContract(host)).toEqual(EXPECTED);
    } finally {
      await host.dispose();
    }
  });
});

describe.skipIf(guestReason !== null).sequential('kernel host contract: the QEMU guest', () => {
  let host: GuestKernelHost;
  beforeAll(async () => {
    host = await GuestKernelHost.boot();
  }, HANG_BOUND_MS);
  afterAll(async () => {
    await host?.dispose();
  }, HANG_BOUND_MS);

  it('every verb answers as on this machine, through the agent', async () => {
    expect(host.release).toMatch(/^6\.1\./);
    expect(await runContract(host)).toEqual(EXPECTED);
  }, HANG_BOUND_MS);

  it('namespaces are the guest\'s own and go away', async () => {
    const ns = await host.createNamespace();
    const [list] = await host.run([{ call: 'ip', args: ['netns', 'list'] }]);
    expect(list?.ok && list.text).toContain(ns);
    await host.deleteNamespace(ns);
    const [after] = await host.run([{ call: 'ip', args: ['netns', 'list'] }]);
    expect(after?.ok && after.text).not.toContain(ns);
  }, HANG_BOUND_MS);
});
