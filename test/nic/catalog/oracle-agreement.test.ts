// Each catalog profile against its oracle spec (src/oracle/filters, written independently from the
// driver source with the oracle's own CRC): after any sequence of rx modes, a `must` frame is
// accepted, a `must-not` frame is dropped, and - because these specs are meant to be exactly as
// strict as the hardware - a `may` frame is accepted too.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../../src/faults.ts';
import type { RxMode } from '../../../src/nic/filter.ts';
import { CATALOG_FAMILIES } from '../../../src/nic/catalog/index.ts';
import { resolveProfile } from '../../../src/profiles/registry.ts';
import { classifyAcceptance, resolveSpec } from '../../../src/oracle/filters/index.ts';
import { BROADCAST_MAC, type Mac, macFromBytes } from '../../../src/wire/mac.ts';
import { OWN, mac } from './helpers.ts';

// Every catalog family (src/nic/catalog/, collected): a fixed one by name, a parameterised one at
// every N of a small range, else at its default and its largest N.
const NAMES = CATALOG_FAMILIES.flatMap((f) => {
  if (!f.parameter) return [f.base];
  const { min, max, default: def } = f.parameter;
  const ns = max - min <= 3 ? Array.from({ length: max - min + 1 }, (_, i) => min + i) : [def, max];
  return ns.map((n) => `${f.base}:${n}`);
});

it('collects the catalog (a family lost on the way would go unchecked)', () => {
  expect(NAMES).toEqual(expect.arrayContaining(['rtl8139', 'tulip', 'e1000:0', 'e1000:3', 'dpdk-vf:16', 'dpdk-vf:64']));
});

// A small MAC universe so that lists and probes collide (aliases, shared buckets, shared bytes 4..5).
const universe: Mac[] = [];
for (let i = 0; i < 160; i++) {
  universe.push(macFromBytes([0x01, 0x00, 0x5e, i % 3, (i * 7) & 0xff, (i * 13) & 0xff]));
  universe.push(macFromBytes([0x33, 0x33, i % 2 ? 0xff : 0x00, 0x00, (i * 7) & 0xff, (i * 13) & 0xff]));
}
const PROBES = [...new Set(universe)].concat([BROADCAST_MAC, OWN, mac('02:00:00:00:00:01')]);

const rxArb: fc.Arbitrary<RxMode> = fc.record({
  promisc: fc.integer({ min: 0, max: 9 }).map((v) => v === 0),
  allmulti: fc.boolean(),
  mc: fc.oneof(
    fc.uniqueArray(fc.constantFrom(...universe), { maxLength: 20 }),
    fc.uniqueArray(fc.constantFrom(...universe), { minLength: 60, maxLength: 140 }),
  ),
});

describe.each(NAMES)('%s agrees with its oracle spec', (name) => {
  it('must -> accepted, must-not -> dropped, may -> accepted', () => {
    const spec = resolveSpec(name);
    fc.assert(
      fc.property(fc.array(rxArb, { minLength: 1, maxLength: 4 }), (modes) => {
        const f = resolveProfile(name).create(OWN, NO_FAULTS);
        let programmed: readonly Mac[] = [];
        for (const m of modes) {
          f.program(m);
          if (spec.refusesBeyond === null || m.mc.length <= spec.refusesBeyond) programmed = m.mc;
        }
        const last = modes[modes.length - 1] as RxMode;
        const acceptance = spec.acceptance({ ownMac: OWN, promisc: last.promisc, allmulti: last.allmulti, deviceList: last.mc, programmed });
        for (const probe of [...PROBES, ...last.mc]) {
          const verdict = classifyAcceptance(acceptance, probe);
          expect({ probe, verdict, accepted: f.accept(probe) }).toEqual({ probe, verdict, accepted: verdict !== 'must-not' });
        }
      }),
      { numRuns: 40 },
    );
  });
});
