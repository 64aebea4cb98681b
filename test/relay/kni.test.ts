// The KNI and TAP variants step by step: what each relays, when, and what the physical NIC
// then admits. Expected acceptance comes from the profile's documented table (exact-strict:4
// holds 4 groups and refuses 5), never from running the relay.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { KniDevice } from '../../src/relay/kni.ts';
import { relayFilter, relayProfile } from '../../src/relay/relay-filter.ts';
import { TapDevice } from '../../src/relay/tap.ts';
import { EXACT_CAPACITY, OTHER_UNICAST, OWN, STRANGER, groups, mode, relay } from './helpers.ts';

const G = groups(8);
const physical = (name: string) => resolveProfile(name).create(OWN, new Set());

describe('kni-stub (kni_net_set_rx_mode was empty)', () => {
  it('loses every joined group on an exact table, whatever the flags', () => {
    fc.assert(
      fc.property(fc.subarray(G, { minLength: 1 }), fc.boolean(), (joined, allmulti) => {
        const dev = relay('kni-stub', 'exact-strict:4');
        dev.setRxMode(mode(joined, { allmulti }));
        dev.settle();
        for (const m of joined) expect(dev.accept(m)).toBe(false);
        expect(dev.accept(OWN)).toBe(true);
      }),
    );
  });
});

describe('kni-flags (DPDK 19.11+: PROMISC and ALLMULTI relayed, the list never)', () => {
  it('loses a joined group unless ALLMULTI (or PROMISC) is on', () => {
    fc.assert(
      fc.property(fc.subarray(G, { minLength: 1 }), fc.boolean(), fc.boolean(), (joined, allmulti, promisc) => {
        const dev = relay('kni-flags', 'exact-strict:4');
        dev.setRxMode(mode(joined, { allmulti, promisc }));
        dev.settle();
        for (const m of joined) expect(dev.accept(m)).toBe(allmulti || promisc);
      }),
    );
  });

  it('relays each changed flag as its own request, one at a time', () => {
    const dev = new KniDevice('kni-flags', physical('exact-strict:4'));
    dev.setRxMode(mode([G[0]!], { promisc: true, allmulti: true }));
    dev.kernelThreadPoll();
    expect(dev.state()).toMatchObject({ channel: { syncArea: { request: { id: 'CHANGE_PROMISC', on: true } } } });
    expect(dev.inFlight()).toBe(1);
    dev.kernelThreadPoll(); // still waiting: nothing new posted
    expect(dev.inFlight()).toBe(1);
    dev.userLoopPoll();
    expect(dev.accept(OTHER_UNICAST)).toBe(true);
    dev.kernelThreadPoll(); // collects the answer and posts ALLMULTI
    expect(dev.state()).toMatchObject({ channel: { syncArea: { request: { id: 'CHANGE_ALLMULTI', on: true } } } });
    dev.userLoopPoll();
    dev.kernelThreadPoll();
    expect(dev.quiet()).toBe(true);
    expect(dev.port().wants()).toEqual({ promisc: true, allmulti: true, mc: [] });
  });
});

describe('kni-mc (seed 000: the list through the kernel thread and the sync area)', () => {
  it('ndo_set_rx_mode only marks the list; the kernel thread posts it; the handler programs it', () => {
    const dev = new KniDevice('kni-mc', physical('exact-strict:4'));
    dev.setRxMode(mode(G.slice(0, 2)));
    expect(dev.inFlight()).toBe(0);
    expect(dev.accept(G[0]!)).toBe(false);
    dev.kernelThreadPoll();
    expect(dev.inFlight()).toBe(1);
    expect(dev.state()).toMatchObject({
      listDirty: false,
      channel: { syncArea: { used: 22 + 12, request: { id: 'SET_MC_LIST', generation: 1, list: G.slice(0, 2) } } },
    });
    dev.userLoopPoll();
    expect(dev.accept(G[0]!)).toBe(true);
    expect(dev.accept(G[1]!)).toBe(true);
    expect(dev.accept(G[2]!)).toBe(false);
    dev.kernelThreadPoll();
    expect(dev.quiet()).toBe(true);
    expect(dev.state()).toMatchObject({ lastOutcome: { result: 0 }, channel: { counters: { posted: 1, handled: 1, responses: 1 } } });
  });

  it('a list the table refuses (ENOSPC) goes all-multicast, and the exact list returns when one fits', () => {
    const dev = new KniDevice('kni-mc', physical('exact-strict:4'));
    dev.setRxMode(mode(G.slice(0, 5)));
    dev.settle();
    for (const m of G.slice(0, 5)) expect(dev.accept(m)).toBe(true);
    expect(dev.accept(STRANGER)).toBe(true);
    expect(dev.port().fallbackReason()).toBe('ENOSPC');
    expect(dev.state()).toMatchObject({ lastOutcome: { result: -28 } });

    dev.setRxMode(mode(G.slice(2, 5)));
    dev.settle();
    expect(dev.port().fallbackReason()).toBeNull();
    expect(dev.accept(STRANGER)).toBe(false);
    expect(dev.accept(G[0]!)).toBe(false);
    for (const m of G.slice(2, 5)) expect(dev.accept(m)).toBe(true);

    dev.setRxMode(mode([]));
    dev.settle();
    for (const m of G) expect(dev.accept(m)).toBe(false);
  });

  it('a list that does not fit the sync area is never cut: all-multicast until it fits again', () => {
    const dev = new KniDevice('kni-mc', physical('exact-strict:8'), { syncBytes: 22 + 6 * 3 });
    dev.setRxMode(mode(G.slice(0, 4)));
    dev.kernelThreadPoll();
    expect(dev.state()).toMatchObject({ channel: { syncArea: { used: 22, request: { list: 'overflow' } } } });
    dev.settle();
    expect(dev.port().fallbackReason()).toBe('sync-area');
    for (const m of G.slice(0, 4)) expect(dev.accept(m)).toBe(true);
    expect(dev.accept(STRANGER)).toBe(true);
    dev.setRxMode(mode(G.slice(0, 3)));
    dev.settle();
    expect(dev.port().fallbackReason()).toBeNull();
    expect(dev.accept(STRANGER)).toBe(false);
    expect(dev.accept(G[3]!)).toBe(false);
  });

  it('a request nobody answers for 300 ticks times out; the list is posted again and the newest one wins', () => {
    const dev = new KniDevice('kni-mc', physical('exact-strict:4'));
    dev.setRxMode(mode([G[0]!]));
    dev.kernelThreadPoll();
    for (let i = 0; i < 299; i++) dev.tick();
    expect(dev.state()).toMatchObject({ listDirty: false, channel: { counters: { timeouts: 0 } } });
    dev.tick();
    expect(dev.state()).toMatchObject({ listDirty: true, lastOutcome: { error: 'ETIME' }, channel: { counters: { timeouts: 1 } } });
    dev.setRxMode(mode([G[1]!]));
    dev.kernelThreadPoll(); // the old request is still on req_q: nothing new may be posted
    expect(dev.inFlight()).toBe(1);
    dev.settle();
    expect(dev.appliedGenerations()).toEqual([1, 2]);
    expect(dev.accept(G[1]!)).toBe(true);
    expect(dev.accept(G[0]!)).toBe(false);
    expect(dev.state()).toMatchObject({ channel: { counters: { staleResponses: 1, responses: 1 } } });
  });

  it('over mlx5-dpdk, 127 groups stay exact and 128 go all-multicast (mlx5_set_mc_addr_list >= 128)', () => {
    expect(EXACT_CAPACITY['mlx5-dpdk']).toBe(127);
    const many = groups(128);
    const dev = relay('kni-mc', 'mlx5-dpdk');
    dev.setRxMode(mode(many.slice(0, 127)));
    dev.settle();
    expect(dev.accept(many[127]!)).toBe(false);
    dev.setRxMode(mode(many));
    dev.settle();
    expect(dev.accept(many[127]!)).toBe(true);
    expect(dev.accept(STRANGER)).toBe(true);
  });
});

describe('tap', () => {
  it('tap-stub: nothing reaches the PMD (tun_net_mclist is empty)', () => {
    const dev = new TapDevice('tap-stub', physical('dpdk-vf:16'));
    dev.setRxMode(mode(G.slice(0, 2), { allmulti: true }));
    dev.settle();
    expect(dev.accept(G[0]!)).toBe(false);
    expect(dev.port().wants()).toEqual({ promisc: false, allmulti: false, mc: [] });
  });

  it('tap-relay: the application mirrors flags and list; a refused list goes all-multicast', () => {
    const dev = new TapDevice('tap-relay', physical('exact-strict:4'));
    dev.setRxMode(mode(G.slice(0, 3)));
    expect(dev.quiet()).toBe(false);
    dev.userLoopPoll();
    expect(dev.quiet()).toBe(true);
    for (const m of G.slice(0, 3)) expect(dev.accept(m)).toBe(true);
    expect(dev.accept(G[3]!)).toBe(false);
    dev.setRxMode(mode(G.slice(0, 6)));
    dev.settle();
    expect(dev.port().fallbackReason()).toBe('ENOSPC');
    expect(dev.accept(STRANGER)).toBe(true);
  });
});

describe('relayFilter / relayProfile', () => {
  it('program() relays and settles, accept() is the physical NIC', () => {
    const nic = relayFilter('kni-mc', physical('dpdk-vf:16'));
    expect(nic.program(mode(G.slice(0, 3)))).toEqual({ ok: true });
    expect(nic.accept(G[0]!)).toBe(true);
    expect(nic.accept(G[5]!)).toBe(false);
    expect(nic.state()).toMatchObject({ kind: 'kni-mc', pmd: { wants: { mc: G.slice(0, 3) } } });
    const stub = relayFilter('kni-stub', physical('dpdk-vf:16'));
    stub.program(mode(G.slice(0, 3)));
    expect(stub.accept(G[0]!)).toBe(false);
  });

  it('relayProfile names kind+physical and creates a working filter', () => {
    const p = relayProfile('kni-mc', resolveProfile('mlx5-dpdk'));
    expect(p.name).toBe('kni-mc+mlx5-dpdk');
    const nic = p.create(OWN, new Set());
    nic.program(mode([G[0]!]));
    expect(nic.accept(G[0]!)).toBe(true);
  });
});
