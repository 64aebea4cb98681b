// Static validation of stacked interfaces and the link step: each refusal names its JSON pointer.
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../../src/scenario/load.ts';

const ETH0 = { name: 'eth0', mac: '02:00:00:00:00:01' };
const MV0 = { name: 'mv0', kind: 'macvlan', lower: 'eth0', mac: '02:00:00:10:00:01' };

function text(interfaces: unknown[], steps: unknown[] = []): string {
  return JSON.stringify({ schema: 'mcast-testbench/scenario@1', interfaces, steps });
}

function refusal(interfaces: unknown[], steps: unknown[] = []): string {
  try {
    parseScenario(text(interfaces, steps), 's.json');
  } catch (e) {
    return (e as Error).message;
  }
  return 'accepted';
}

describe('macvlan interfaces and link steps', () => {
  it('accepts a macvlan on a plain interface declared before it, and link up/down on it', () => {
    expect(refusal([ETH0, MV0], [{ op: 'link', iface: 'mv0', up: false }, { op: 'link', iface: 'mv0', up: true }])).toBe('accepted');
  });

  it.each([
    ['no lower', [ETH0, { ...MV0, lower: undefined }], 's.json: /interfaces/1/lower: a macvlan interface needs "lower"'],
    ['lower declared after', [MV0, ETH0], 's.json: /interfaces/0/lower: interface "eth0" is not declared before "mv0"'],
    ['lower is a macvlan', [ETH0, MV0, { ...MV0, name: 'mv1', lower: 'mv0', mac: '02:00:00:10:00:02' }], 's.json: /interfaces/2/lower: "mv0" is itself a macvlan'],
    ['a NIC on the macvlan', [ETH0, { ...MV0, nic: 'tulip' }], 's.json: /interfaces/1/nic: a macvlan has no NIC of its own'],
    ['the lower\'s MAC', [ETH0, { ...MV0, mac: ETH0.mac }], 's.json: /interfaces/1/mac: "02:00:00:00:00:01" is already used by "eth0"'],
    ['a sibling\'s MAC', [ETH0, MV0, { ...MV0, name: 'mv1' }], 's.json: /interfaces/2/mac: "02:00:00:10:00:01" is already used by "mv0"'],
    ['IPv6 addresses with disableIpv6', [ETH0, { ...MV0, disableIpv6: true, ipv6: ['2001:db8::5/64'] }], 's.json: /interfaces/1/ipv6: an interface with disableIpv6 has no IPv6 address'],
    ['a plain interface created down', [{ ...ETH0, up: false }], 's.json: /interfaces/0/up: only a macvlan can be created down; plain interfaces stay up'],
    ['lower without kind', [ETH0, { name: 'x', mac: '02:00:00:10:00:09', lower: 'eth0' }], 's.json: /interfaces/1/lower: only a stacked interface'],
  ])('refuses %s', (_what, interfaces, message) => {
    expect(refusal(interfaces)).toContain(message);
  });

  it('accepts a macvlan created down, and one created with IPv6 disabled', () => {
    expect(refusal([ETH0, { ...MV0, up: false }, { ...MV0, name: 'mv1', mac: '02:00:00:10:00:02', disableIpv6: true }], [{ op: 'link', iface: 'mv0', up: true }])).toBe('accepted');
  });

  it('refuses an unknown kind through the schema, naming the field', () => {
    expect(refusal([ETH0, { ...MV0, kind: 'vlan' }])).toContain('/interfaces/1/kind');
  });

  it('refuses link on a plain interface and a link step without `up`', () => {
    expect(refusal([ETH0, MV0], [{ op: 'link', iface: 'eth0', up: false }])).toContain('s.json: /steps/0/iface: "eth0" is a plain interface');
    expect(refusal([ETH0, MV0], [{ op: 'link', iface: 'mv0' }])).toContain('/steps/0');
  });
});

describe('link-del steps', () => {
  const ETH1 = { name: 'eth1', mac: '02:00:00:00:00:02' };
  const open6 = { op: 'open', socket: 's', family: 'ipv6', bind: '::', port: 5000 };

  it('accepts link-del of a plain interface and of a macvlan, then join, leave and vif-add naming them', () => {
    expect(
      refusal(
        [ETH0, ETH1, MV0],
        [
          open6,
          { op: 'link-del', iface: 'mv0' },
          { op: 'join', socket: 's', group: 'ff05::1', iface: 'mv0' },
          { op: 'link-del', iface: 'eth1' },
          { op: 'leave', socket: 's', group: 'ff05::1', iface: 'eth1' },
          { op: 'mrt-init', socket: 'r', family: 'ipv6' },
          { op: 'vif-add', socket: 'r', vif: 0, iface: 'eth1' },
        ],
      ),
    ).toBe('accepted');
  });

  it.each([
    ['a send on a deleted interface', [{ op: 'link-del', iface: 'eth1' }, { op: 'send', id: 'p', iface: 'eth1', src: '10.0.0.9', dst: '224.1.1.1', port: 5000 }], 's.json: /steps/1/iface: interface "eth1" was deleted by an earlier link-del step'],
    ['a second link-del', [{ op: 'link-del', iface: 'mv0' }, { op: 'link-del', iface: 'mv0' }], 's.json: /steps/1/iface: interface "mv0" was deleted'],
    ['a link step on the macvlan of a deleted lower', [{ op: 'link-del', iface: 'eth0' }, { op: 'link', iface: 'mv0', up: false }], 's.json: /steps/1/iface: interface "mv0" was deleted'],
    ['maddr on a deleted interface', [{ op: 'link-del', iface: 'eth0' }, { op: 'maddr', iface: 'eth0', mac: '01:00:5e:00:00:09', add: true }], 's.json: /steps/1/iface: interface "eth0" was deleted'],
    ['an undeclared interface', [{ op: 'link-del', iface: 'eth9' }], 's.json: /steps/0/iface: interface "eth9" is not declared'],
  ])('refuses %s', (_what, steps, message) => {
    expect(refusal([ETH0, ETH1, MV0], steps)).toContain(message);
  });

  it('refuses link-del without iface through the schema', () => {
    expect(refusal([ETH0], [{ op: 'link-del' }])).toContain('/steps/0');
  });
});
