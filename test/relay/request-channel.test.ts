// The KNI request channel and its sync area (rte_kni_common.h struct rte_kni_request,
// kni_net.c kni_net_process_request, rte_kni.c rte_kni_handle_request).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { ERRNO, KNI_WAIT_RESPONSE_TICKS, RequestChannel } from '../../src/relay/request-channel.ts';
import {
  type KniRequest,
  SYNC_AREA_BYTES,
  createSyncArea,
  mcListCapacity,
  readRequest,
  writeRequest,
} from '../../src/relay/sync-area.ts';
import { type Mac, macFromBytes } from '../../src/wire/mac.ts';

const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => macFromBytes(b));
const requestArb: fc.Arbitrary<KniRequest> = fc.oneof(
  fc.record({ id: fc.constant('CHANGE_MTU' as const), newMtu: fc.nat({ max: 0xffffffff }) }),
  fc.record({ id: fc.constant('CFG_NETWORK_IF' as const), ifUp: fc.boolean() }),
  fc.record({ id: fc.constant('CHANGE_MAC_ADDR' as const), mac: macArb }),
  fc.record({ id: fc.constant('CHANGE_PROMISC' as const), on: fc.boolean() }),
  fc.record({ id: fc.constant('CHANGE_ALLMULTI' as const), on: fc.boolean() }),
  fc.record({
    id: fc.constant('SET_MC_LIST' as const),
    generation: fc.nat({ max: 0xffffffff }),
    list: fc.oneof(fc.array(macArb, { maxLength: 40 }), fc.constant('overflow' as const)),
  }),
);

const hex = (a: Uint8Array, n: number): string => Buffer.from(a.subarray(0, n)).toString('hex');

describe('sync area', () => {
  it('every request reads back as written, over a dirty area', () => {
    fc.assert(
      fc.property(requestArb, requestArb, (first, second) => {
        const area = createSyncArea(512);
        writeRequest(area, first);
        writeRequest(area, second);
        expect(readRequest(area)).toEqual(second);
      }),
    );
  });

  it('lays CHANGE_PROMISC out as packed struct rte_kni_request: req_id 4 LE, promiscusity at 4, result at 10', () => {
    const area = createSyncArea(64);
    expect(writeRequest(area, { id: 'CHANGE_PROMISC', on: true })).toBe(14);
    expect(hex(area, 14)).toBe('04000000' + '010000000000' + '00000000');
  });

  it('lays SET_MC_LIST out as header, generation, count, 6 bytes per MAC', () => {
    const area = createSyncArea(64);
    const list = ['01:00:5e:00:00:01', '33:33:ff:00:00:02'] as Mac[];
    expect(writeRequest(area, { id: 'SET_MC_LIST', generation: 7, list })).toBe(22 + 12);
    expect(hex(area, 34)).toBe(
      '00010000' + '000000000000' + '00000000' + '07000000' + '02000000' + '01005e000001' + '3333ff000002',
    );
  });

  it('a 64 KiB area carries (65536 - 22) / 6 = 10919 MACs; a longer list is refused, never cut', () => {
    expect(SYNC_AREA_BYTES).toBe(65536);
    expect(mcListCapacity(SYNC_AREA_BYTES)).toBe(10919);
    const area = createSyncArea(22 + 6 * 3);
    const four = ['01:00:5e:00:00:01', '01:00:5e:00:00:02', '01:00:5e:00:00:03', '01:00:5e:00:00:04'] as Mac[];
    expect(() => writeRequest(area, { id: 'SET_MC_LIST', generation: 1, list: four })).toThrow(RangeError);
    expect(writeRequest(area, { id: 'SET_MC_LIST', generation: 1, list: four.slice(0, 3) })).toBe(40);
  });

  it('refuses an area smaller than the request header, naming bytes', () => {
    expect(() => createSyncArea(10)).toThrow(InputError);
    expect(() => createSyncArea(10)).toThrow(/bytes/);
  });
});

describe('RequestChannel', () => {
  it('post -> user handler -> response: the kernel gets the handler result', () => {
    const ch = new RequestChannel({ syncBytes: 256 });
    expect(ch.post({ id: 'CHANGE_ALLMULTI', on: true })).toEqual({ ok: true });
    expect(ch.inFlight()).toBe(1);
    expect(ch.kernelPoll()).toBeNull();
    const seen: KniRequest[] = [];
    expect(ch.userPoll((r) => (seen.push(r), -ERRNO.ENOSPC))).toEqual({ id: 'CHANGE_ALLMULTI', on: true });
    expect(seen).toEqual([{ id: 'CHANGE_ALLMULTI', on: true }]);
    expect(ch.kernelPoll()).toEqual({ request: { id: 'CHANGE_ALLMULTI', on: true }, result: -28 });
    expect(ch.idle()).toBe(true);
    expect(ch.userPoll(() => 0)).toBeNull();
  });

  it('at most one request on the rings: a second post is EBUSY until the answer is collected', () => {
    const ch = new RequestChannel({ syncBytes: 256 });
    expect(ch.post({ id: 'CHANGE_PROMISC', on: true })).toEqual({ ok: true });
    expect(ch.post({ id: 'CHANGE_PROMISC', on: false })).toEqual({ ok: false, error: 'EBUSY' });
    ch.userPoll(() => 0);
    expect(ch.post({ id: 'CHANGE_PROMISC', on: false })).toEqual({ ok: false, error: 'EBUSY' });
    ch.kernelPoll();
    expect(ch.post({ id: 'CHANGE_PROMISC', on: false })).toEqual({ ok: true });
  });

  it('gives up after exactly 300 ticks with ETIME; the late answer is dropped, not taken for the next request', () => {
    expect(KNI_WAIT_RESPONSE_TICKS).toBe(300);
    const ch = new RequestChannel({ syncBytes: 256 });
    ch.post({ id: 'CHANGE_MTU', newMtu: 9000 });
    for (let i = 1; i < 300; i++) expect(ch.tick()).toBeNull();
    expect(ch.tick()).toEqual({ request: { id: 'CHANGE_MTU', newMtu: 9000 }, error: 'ETIME' });
    // The request is still on req_q: no new post until it is answered and the answer drained.
    expect(ch.post({ id: 'CHANGE_MTU', newMtu: 1500 })).toEqual({ ok: false, error: 'EBUSY' });
    expect(ch.userPoll(() => 0)).toEqual({ id: 'CHANGE_MTU', newMtu: 9000 });
    expect(ch.kernelPoll()).toBeNull();
    expect(ch.state()).toMatchObject({ counters: { timeouts: 1, staleResponses: 1, responses: 0 } });
    expect(ch.post({ id: 'CHANGE_MTU', newMtu: 1500 })).toEqual({ ok: true });
    expect(ch.userPoll(() => 0)).toEqual({ id: 'CHANGE_MTU', newMtu: 1500 });
    expect(ch.kernelPoll()).toEqual({ request: { id: 'CHANGE_MTU', newMtu: 1500 }, result: 0 });
  });

  it('an unknown request id is answered -EINVAL without calling the handler (rte_kni_handle_request default case)', () => {
    const ch = new RequestChannel({ syncBytes: 256 });
    ch.post({ id: 'UNKNOWN', reqId: 99 });
    let called = false;
    ch.userPoll(() => ((called = true), 0));
    expect(called).toBe(false);
    expect(ch.kernelPoll()).toEqual({ request: { id: 'UNKNOWN', reqId: 99 }, result: -22 });
  });

  it('state shows the rings, the traffic and the sync area', () => {
    const ch = new RequestChannel({ syncBytes: 256 });
    ch.post({ id: 'SET_MC_LIST', generation: 3, list: ['01:00:5e:00:00:fb' as Mac] });
    expect(ch.state()).toMatchObject({
      waiting: { id: 'SET_MC_LIST', deadline: 300 },
      reqQ: { write: 1, read: 0 },
      traffic: [{ tick: 0, event: 'req', id: 'SET_MC_LIST' }],
      syncArea: { bytes: 256, used: 28, request: { id: 'SET_MC_LIST', generation: 3, list: ['01:00:5e:00:00:fb'] } },
    });
  });
});
