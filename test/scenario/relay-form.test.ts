// The exception-path interface form ({ "kind": "kni-mc", "lower": "port0" }, issue 12): loaded as
// one interface with nic "kni-mc+PORTNIC", and the rules that keep a DPDK port the PMD's.
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { parseScenario } from '../../src/scenario/load.ts';
import type { Scenario } from '../../src/scenario/types.ts';
import { simulate } from '../../src/simulate.ts';

const steps = (iface: string): Record<string, unknown>[] => [
  { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
  { op: 'join', socket: 's1', group: '239.1.1.1', iface: 'vEth0' },
  { op: 'send', id: 'd1', iface, src: '10.99.0.1', dst: '239.1.1.1', port: 5000 },
];
const stacked = (kind: string, portNic = 'mlx5-dpdk', extra: object = {}): { interfaces: Record<string, unknown>[]; steps: Record<string, unknown>[]; schema: string } => ({
  schema: 'mcast-testbench/scenario@1',
  interfaces: [
    { name: 'port0', mac: '02:00:00:00:00:0a', nic: portNic, ...extra },
    { name: 'vEth0', mac: '02:00:00:00:00:0a', ipv4: ['10.99.0.10/24'], kind, lower: 'port0' },
  ],
  steps: steps('port0'),
});
const merged = (nic: string): Scenario =>
  parseScenario(JSON.stringify({ schema: 'mcast-testbench/scenario@1', interfaces: [{ name: 'vEth0', mac: '02:00:00:00:00:0a', ipv4: ['10.99.0.10/24'], nic }], steps: steps('vEth0') }), 'merged');

function refusal(value: unknown): InputError {
  try {
    parseScenario(JSON.stringify(value), 'x.json');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('accepted');
}

describe('exception-path interfaces in the kind/lower form', () => {
  for (const [kind, delivered] of [['kni-stub', false], ['kni-flags', false], ['kni-mc', true], ['tap-stub', false], ['tap-relay', true]] as const) {
    it(`${kind} over mlx5-dpdk: the same result as nic "${kind}+mlx5-dpdk"; delivered: ${delivered}`, () => {
      const loaded = parseScenario(JSON.stringify(stacked(kind)), 'stacked.json');
      expect(loaded.interfaces.map((i) => [i.name, i.nic])).toEqual([['vEth0', `${kind}+mlx5-dpdk`]]);
      const out = simulate(loaded);
      expect(out).toEqual(simulate(merged(`${kind}+mlx5-dpdk`)));
      expect(out.deliveries['d1']?.sockets).toEqual(delivered ? ['s1'] : []);
    });
  }

  it('a port without nic is accept-all, as any interface', () => {
    const v = stacked('kni-mc');
    const { nic: _n, ...port } = v.interfaces[0]!;
    expect(parseScenario(JSON.stringify({ ...v, interfaces: [port, v.interfaces[1]] }), 's').interfaces[0]?.nic).toBe('kni-mc+accept-all');
  });

  it('refuses what a DPDK port cannot be: addresses, a kernel step, a second device, a nic on the KNI, link down', () => {
    expect(refusal(stacked('kni-mc', 'mlx5-dpdk', { ipv4: ['10.0.0.1/24'] })).message).toMatch(/\/interfaces\/1\/lower: "port0" is the DPDK port of a kni-mc: .*no kernel addresses/);
    const joinOnPort = stacked('kni-mc');
    joinOnPort.steps[1] = { ...joinOnPort.steps[1]!, iface: 'port0' };
    expect(refusal(joinOnPort).message).toMatch(/\/steps\/1\/iface: "port0" is a DPDK port .* join goes to "vEth0"/);
    const two = stacked('kni-mc');
    two.interfaces.push({ name: 'vEth1', mac: '02:00:00:00:00:0b', ipv4: [], kind: 'tap-relay', lower: 'port0' } as never);
    expect(refusal(two).message).toMatch(/\/interfaces\/2\/lower: "port0" is a DPDK port already used/);
    const withNic = stacked('kni-mc');
    (withNic.interfaces[1] as Record<string, unknown>).nic = 'e1000:0';
    expect(refusal(withNic).message).toMatch(/\/interfaces\/1\/nic: a kni-mc has no NIC of its own/);
    const link = stacked('kni-mc');
    link.steps.push({ op: 'link', iface: 'vEth0', up: false } as never);
    expect(refusal(link).message).toMatch(/\/steps\/3\/iface: "vEth0" is a kni-mc: exception-path interfaces stay up/);
    expect(refusal(stacked('kni-bogus')).message).toMatch(/\/interfaces\/1\/kind/);
  });
});
