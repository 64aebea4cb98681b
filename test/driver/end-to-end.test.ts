// End to end: the host model with the driver under test as its NIC (src/driver/end-to-end.ts).
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDriverEndToEnd, runEndToEnd } from '../../src/driver/end-to-end.ts';
import { type DriverSession, startModuleDriver, startProcessDriver } from '../../src/driver/session.ts';
import { SCENARIO_SCHEMA_ID, type Scenario } from '../../src/scenario/types.ts';

const examples = fileURLToPath(new URL('../../examples/drivers/', import.meta.url));

let session: DriverSession | null = null;
afterEach(async () => {
  await session?.close();
  session = null;
});

/** One interface, one socket joining 224.1.1.1 (MAC 01:00:5e:01:01:01), one datagram to it. */
const JOIN_AND_SEND: Scenario = {
  schema: SCENARIO_SCHEMA_ID,
  interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.0.0.2/24'], disableIpv6: true }],
  steps: [
    { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
    { op: 'join', socket: 's1', group: '224.1.1.1', iface: 'eth0' },
    { op: 'send', id: 'd1', iface: 'eth0', src: '10.0.0.9', dst: '224.1.1.1', port: 5000 },
  ],
};

describe('end to end', () => {
  it('a correct driver delivers the joined group: no failure', async () => {
    session = await startModuleDriver(`${examples}module/ldd3-ff.mjs`);
    expect(await runEndToEnd(session, JOIN_AND_SEND)).toBeNull();
  });

  it('a driver whose hash bits are wrong loses a listed group, shown as the NIC transcript', async () => {
    session = await startProcessDriver(`python3 ${examples}faults/wrong_crc_bit_order.py`);
    const failure = await runEndToEnd(session, JOIN_AND_SEND);
    expect(failure?.rule).toBe('no loss');
    // docs/semantics.md: the device list first gets 33:33:00:00:00:01 (ff02::1, at register, also
    // with disableIpv6). A list of 1 is within one of a threshold (allmulti-only's 0), so that
    // program is probed at once: station, broadcast, then the entry, which the driver drops.
    const requests = failure?.transcript.map((x) => x.request) ?? [];
    expect(requests[0]).toBe('{"op":"reset","mac":"02:00:00:00:00:02"}');
    expect(requests.slice(1)).toEqual([
      '{"op":"program","promisc":false,"allmulti":false,"mc":["33:33:00:00:00:01"]}',
      '{"op":"rx","dst":"02:00:00:00:00:02"}',
      '{"op":"rx","dst":"ff:ff:ff:ff:ff:ff"}',
      '{"op":"rx","dst":"33:33:00:00:00:01"}',
    ]);
    expect(failure?.transcript.at(-1)?.answer).toBe('{"accept": false}');
  });

  it('random scenarios against the tun example agree with the oracle', async () => {
    session = await startProcessDriver(`python3 ${examples}tun_filter.py`);
    const result = await checkDriverEndToEnd(session, { numRuns: 30, seed: 11 });
    expect(result.ok ? 'ok' : result.failure.message).toBe('ok');
  });
});
