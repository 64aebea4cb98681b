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
    ['disableIpv6', [ETH0, { ...MV0, disableIpv6: true }], 's.json: /interfaces/1/disableIpv6: disableIpv6 on a macvlan is not modelled'],
    ['lower without kind', [ETH0, { name: 'x', mac: '02:00:00:10:00:09', lower: 'eth0' }], 's.json: /interfaces/1/lower: only a stacked interface'],
  ])('refuses %s', (_what, interfaces, message) => {
    expect(refusal(interfaces)).toContain(message);
  });

  it('refuses an unknown kind through the schema, naming the field', () => {
    expect(refusal([ETH0, { ...MV0, kind: 'vlan' }])).toContain('/interfaces/1/kind');
  });

  it('refuses link on a plain interface and a link step without `up`', () => {
    expect(refusal([ETH0, MV0], [{ op: 'link', iface: 'eth0', up: false }])).toContain('s.json: /steps/0/iface: "eth0" is a plain interface');
    expect(refusal([ETH0, MV0], [{ op: 'link', iface: 'mv0' }])).toContain('/steps/0');
  });
});
