// The exact sequence of ndo_set_rx_mode calls the NIC sees (net/core/dev.c __dev_set_rx_mode,
// called by dev_open, by dev_mc_add / dev_mc_del / dev_mc_add_global / dev_mc_del_global when the
// verb succeeded, and by every __dev_change_flags).
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/faults.ts';
import { Host } from '../../src/host/host.ts';
import type { NicFilter, NicProfile, RxMode } from '../../src/nic/filter.ts';
import { ETH0, join, leave, open } from './helpers.ts';

function recordingProfile(calls: RxMode[]): NicProfile {
  return {
    name: 'recorder',
    source: 'test',
    summary: 'records every program() call',
    thresholds: [],
    sharesUnicast: false,
    create: (): NicFilter => ({
      program: (mode) => {
        calls.push({ promisc: mode.promisc, allmulti: mode.allmulti, mc: [...mode.mc] });
        return { ok: true };
      },
      accept: () => true,
      state: () => null,
    }),
  };
}

const ALLNODES = '33:33:00:00:00:01';
const ALLHOSTS = '01:00:5e:00:00:01';
const SOLICITED = '33:33:ff:00:00:02';
const G = '01:00:5e:01:01:01';
const off = { promisc: false, allmulti: false };

describe('ndo_set_rx_mode calls', () => {
  it('creation: dev_open with ff02::1 only, then one call per new entry (224.0.0.1, solicited-node)', () => {
    const calls: RxMode[] = [];
    new Host([ETH0], { nicProfile: recordingProfile(calls), faults: NO_FAULTS });
    // The second solicited-node user (2001:db8::2 after the link-local) adds no entry and no call.
    expect(calls).toEqual([
      { ...off, mc: [ALLNODES] },
      { ...off, mc: [ALLNODES, ALLHOSTS] },
      { ...off, mc: [ALLNODES, ALLHOSTS, SOLICITED] },
    ]);
  });

  it('a second reference to an entry is still a successful dev_mc_add: one more call, same list', () => {
    const calls: RxMode[] = [];
    const h = new Host([ETH0], { nicProfile: recordingProfile(calls), faults: NO_FAULTS });
    calls.length = 0;
    h.apply(open('s'));
    h.apply(join('s', '224.1.1.1'));
    h.apply(join('s', '225.1.1.1'));
    h.apply(join('s', '225.1.1.1')); // EADDRINUSE: no group change, no call
    h.apply(leave('s', '224.1.1.1'));
    const base = [ALLNODES, ALLHOSTS, SOLICITED];
    expect(calls).toEqual([
      { ...off, mc: [...base, G] },
      { ...off, mc: [...base, G] },
      { ...off, mc: [...base, G] },
    ]);
  });

  it('every `ip link set` programs the NIC, also when the flag does not change', () => {
    const calls: RxMode[] = [];
    const h = new Host([ETH0], { nicProfile: recordingProfile(calls), faults: NO_FAULTS });
    calls.length = 0;
    h.apply({ op: 'promisc', iface: 'eth0', on: true });
    h.apply({ op: 'promisc', iface: 'eth0', on: true });
    h.apply({ op: 'allmulti', iface: 'eth0', on: true });
    const mc = [ALLNODES, ALLHOSTS, SOLICITED];
    expect(calls).toEqual([
      { promisc: true, allmulti: false, mc },
      { promisc: true, allmulti: false, mc },
      { promisc: true, allmulti: true, mc },
    ]);
  });

  it('maddr: a failed global delete (ENOENT) does not program; a repeated global add does', () => {
    const calls: RxMode[] = [];
    const h = new Host([ETH0], { nicProfile: recordingProfile(calls), faults: NO_FAULTS });
    calls.length = 0;
    expect(h.apply({ op: 'maddr', iface: 'eth0', mac: '01:00:5e:7f:00:01', add: false }).error).toBe('ENOENT');
    expect(calls).toHaveLength(0);
    h.apply({ op: 'maddr', iface: 'eth0', mac: '01:00:5e:7f:00:01', add: true });
    h.apply({ op: 'maddr', iface: 'eth0', mac: '01:00:5e:7f:00:01', add: true });
    expect(calls).toHaveLength(2);
    expect(calls[1]?.mc.at(-1)).toBe('01:00:5e:7f:00:01');
  });
});
