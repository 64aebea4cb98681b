// diffResults: what differs, in words; partial expectations compare only what they state.
import { describe, expect, it } from 'vitest';
import { diffResults } from '../../src/scenario/compare.ts';
import type { SimulateResult } from '../../src/scenario/types.ts';

function result(over: Partial<SimulateResult> = {}): SimulateResult {
  return {
    steps: [
      { op: 'open', error: null },
      { op: 'join', error: null },
      { op: 'send', error: null },
    ],
    interfaces: {
      eth0: {
        mc: [
          { mac: '01:00:5e:00:00:01', users: 1 },
          { mac: '01:00:5e:01:01:01', users: 2 },
        ],
        promisc: 0,
        allmulti: 0,
        nic: { table: ['01:00:5e:01:01:01'], mode: 'exact' },
      },
    },
    deliveries: { d1: { nic: true, sockets: ['s1', 's2'] } },
    ...over,
  };
}

describe('diffResults', () => {
  it('finds nothing between equal results', () => {
    expect(diffResults(result(), result())).toEqual([]);
  });

  it('names a step whose errno differs', () => {
    const actual = result({ steps: [{ op: 'open', error: null }, { op: 'join', error: 'ENOBUFS' }, { op: 'send', error: null }] });
    expect(diffResults(result(), actual)).toEqual(['step 1 (join): expected success, got ENOBUFS']);
  });

  it('names a missing step result', () => {
    const actual = result({ steps: [{ op: 'open', error: null }] });
    expect(diffResults(result(), actual)).toEqual(['steps: expected 3 results, got 1']);
  });

  it('names device-list refcount, missing and extra entries', () => {
    const actual = result({
      interfaces: {
        eth0: {
          mc: [
            { mac: '01:00:5e:01:01:01', users: 1 },
            { mac: '33:33:00:00:00:01', users: 1 },
          ],
          promisc: 1,
          allmulti: 0,
          nic: { table: ['01:00:5e:01:01:01'], mode: 'exact' },
        },
      },
    });
    expect(diffResults(result(), actual)).toEqual([
      'interface eth0: device list lacks 01:00:5e:00:00:01 (expected users 1)',
      'interface eth0: device list 01:00:5e:01:01:01: expected users 2, got 1',
      'interface eth0: device list has unexpected 33:33:00:00:00:01 (users 1)',
      'interface eth0: expected promiscuity 0, got 1',
    ]);
  });

  it('compares the device list regardless of its order and MAC case', () => {
    const e = result();
    const actual = result({
      interfaces: { eth0: { ...e.interfaces['eth0']!, mc: [{ mac: '01:00:5E:01:01:01', users: 2 }, { mac: '01:00:5e:00:00:01', users: 1 }] } },
    });
    expect(diffResults(e, actual)).toEqual([]);
  });

  it('compares nic state only when expected states it, and ignores its key order', () => {
    const e = result();
    const { nic: _dropped, ...withoutNic } = e.interfaces['eth0']!;
    const noNic = result({ interfaces: { eth0: withoutNic as typeof withoutNic & { nic: never } } });
    const otherNic = result({ interfaces: { eth0: { ...e.interfaces['eth0']!, nic: { mode: 'allmulti' } } } });
    expect(diffResults(noNic, otherNic)).toEqual([]);
    expect(diffResults(e, otherNic)).toHaveLength(1);
    expect(diffResults(e, otherNic)[0]).toMatch(/^interface eth0: nic state expected/);
    const reordered = result({ interfaces: { eth0: { ...e.interfaces['eth0']!, nic: { mode: 'exact', table: ['01:00:5e:01:01:01'] } } } });
    expect(diffResults(e, reordered)).toEqual([]);
  });

  it('compares deliveries for the ids expected names, sockets as a set', () => {
    const e = result({ deliveries: { d1: { nic: true, sockets: ['s2', 's1'] } } });
    const extra = result({ deliveries: { d1: { nic: true, sockets: ['s1', 's2'] }, d2: { nic: false, sockets: [] } } });
    expect(diffResults(e, extra)).toEqual([]);
    expect(diffResults(e, result({ deliveries: { d1: { nic: false, sockets: [] } } }))).toEqual([
      'delivery d1: expected the NIC to accept it, it dropped it',
      'delivery d1: expected sockets [s1, s2], got []',
    ]);
    expect(diffResults(e, result({ deliveries: {} }))).toEqual(['delivery d1: missing from the result']);
  });

  it('compares only the interfaces expected names', () => {
    const e = result({ interfaces: {} });
    expect(diffResults(e, result())).toEqual([]);
    expect(diffResults(result(), result({ interfaces: {} }))).toEqual(['interface eth0: missing from the result']);
  });
});
