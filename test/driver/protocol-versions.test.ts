// Protocol versions (docs/driver-protocol.md, Versioning): a driver gets a request key only if
// the version its hello answer names has it. A frozen adapter written to version 1, correct then,
// must keep passing; an adapter that names version 2 gets `uc` and is held to it.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { checkDriver, formatDriverReport } from '../../src/index.ts';
import { runEndToEnd } from '../../src/driver/end-to-end.ts';
import { startProcessDriver } from '../../src/driver/session.ts';
import { SCENARIO_SCHEMA_ID, type Scenario } from '../../src/scenario/types.ts';
import { requestForVersion, validateAnswer } from '../../src/driver/protocol.ts';
import { parseMac } from '../../src/wire/mac.ts';

const V1 = 'python3 test/driver/protocol1/e1000_v1.py';
const V2 = 'python3 test/driver/protocol1/e1000_v2.py';
const SEED = 20261206;
const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe('driver protocol versions', () => {
  it('the frozen protocol-1 e1000 adapter (no `uc`) still passes the contract and end to end against e1000:0', async () => {
    const report = await checkDriver({ command: V1 }, { runs: 100, seed: SEED });
    expect(report.ok, formatDriverReport(report)).toBe(true);
  });

  it('an adapter whose hello names protocol 2 gets `uc` in program requests and passes', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mtb-v2-'));
    dirs.push(dir);
    const log = join(dir, 'requests.jsonl');
    process.env['MTB_V2_LOG'] = log;
    try {
      const report = await checkDriver({ command: V2 }, { runs: 100, seed: SEED });
      expect(report.ok, formatDriverReport(report)).toBe(true);
    } finally {
      delete process.env['MTB_V2_LOG'];
    }
    const requests = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { op: string; uc?: string[]; versions?: number[]; protocol?: number });
    expect(requests[0]).toEqual({ op: 'hello', protocol: 1, versions: [1, 2] });
    expect(requests.some((r) => r.op === 'program' && (r.uc?.length ?? 0) > 0)).toBe(true);
  });

  // An up macvlan on an IFF_UNICAST_FLT model (e1000): a version-2 adapter is given the
  // macvlan's MAC in `uc` and stays out of promiscuous mode, so an unjoined group is dropped; a
  // version-1 adapter cannot take `uc`, so the host makes it promiscuous, as before `uc` existed. The
  // lists start with 33:33:00:00:00:01 (ff02::1 at register, also with disableIpv6: docs/semantics.md)
  // (drivers/net/macvlan.c macvlan_open: dev_uc_add, or dev_set_promiscuity without the flag).
  const MACVLAN: Scenario = {
    schema: SCENARIO_SCHEMA_ID,
    interfaces: [
      { name: 'eth0', mac: '02:00:00:00:00:01', disableIpv6: true },
      { name: 'mv0', kind: 'macvlan', lower: 'eth0', mac: '02:00:00:01:00:01', disableIpv6: true },
    ],
    steps: [
      { op: 'frame', id: 'f0', iface: 'eth0', dst: '01:00:5e:7f:ff:fa' },
      { op: 'frame', id: 'f1', iface: 'eth0', dst: '02:00:00:01:00:01' },
    ],
  };
  for (const [version, command, program] of [
    [1, V1, '{"op":"program","promisc":true,"allmulti":false,"mc":["33:33:00:00:00:01","01:00:5e:00:00:01"]}'],
    [2, V2, '{"op":"program","promisc":false,"allmulti":false,"mc":["33:33:00:00:00:01","01:00:5e:00:00:01"],"uc":["02:00:00:01:00:01"]}'],
  ] as const) {
    it(`end to end, a macvlan on e1000 gives a version-${version} adapter ${version === 1 ? 'promiscuity' : '`uc`'}, and the oracle judges it so`, async () => {
      const session = await startProcessDriver(command);
      try {
        expect(await runEndToEnd(session, MACVLAN)).toBeNull();
        const requests = session.transcript.map((x) => x.request);
        expect(requests.filter((r) => r.includes('"program"')).at(-1)).toBe(program);
      } finally {
        await session.close();
      }
    });
  }

  it('a version-1 driver never sees `uc`; a version-2 driver does', () => {
    const req = { op: 'program', promisc: false, allmulti: false, mc: [parseMac('01:00:5e:00:00:01')], uc: [parseMac('02:00:00:00:00:09')] } as const;
    expect(requestForVersion(req, 1)).toEqual({ op: 'program', promisc: false, allmulti: false, mc: ['01:00:5e:00:00:01'] });
    expect(requestForVersion(req, 2)).toEqual(req);
  });

  it('the hello answer picks one of the offered versions, or none (1); another is a protocol error naming it', () => {
    const hello = { op: 'hello', protocol: 1, versions: [1, 2] } as const;
    expect(validateAnswer(hello, { name: 'x', model: null })).toMatchObject({ protocol: 1 });
    expect(validateAnswer(hello, { name: 'x', model: null, protocol: 2 })).toMatchObject({ protocol: 2 });
    expect(validateAnswer(hello, { name: 'x', model: null, protocol: 3 })).toBe('hello answer "protocol" must be one of the offered versions [1,2] (or absent: 1), got 3');
  });
});
