// Issue 24: a burst of datagrams through the KNI data path (a send with `burst`): rx_q holds
// KNI_FIFO_COUNT_MAX - 1 = 1023 frames before the kernel thread runs, the rest are 'fifo-drop'
// (their own verdict, never a filter loss). Numbers worked by hand from the DPDK constants.
import { describe, expect, it } from 'vitest';
import { burstViolations, checkScenario } from '../../src/check/compare.ts';
import { owedBurst } from '../../src/oracle/kni-burst.ts';
import { kniIngressBurst } from '../../src/relay/burst.ts';
import { loadScenarioFile } from '../../src/scenario/load.ts';
import { validateScenario } from '../../src/scenario/validate.ts';
import { parseMac } from '../../src/wire/mac.ts';

const GROUP = parseMac('01:00:5e:01:01:01');
const FIXTURE = new URL('../../fixtures/kni-mc-burst-fifo-drop.json', import.meta.url).pathname;

describe('the KNI data path under a burst', () => {
  it.each([
    [1, 0, 1],
    [1023, 0, 1023],
    [1024, 1, 1023],
    [1500, 477, 1023],
  ])('%i frames the port accepts: %i fifo-drop, %i delivered', (frames, fifoDrop, delivered) => {
    const r = kniIngressBurst({ accept: () => true }, GROUP, frames);
    expect(r).toEqual({ frames, filtered: 0, noMbuf: 0, fifoDrop, delivered });
  });

  it('a port that refuses the group filters every frame; nothing reaches rx_q', () => {
    expect(kniIngressBurst({ accept: () => false }, GROUP, 100)).toEqual({ frames: 100, filtered: 100, noMbuf: 0, fifoDrop: 0, delivered: 0 });
  });

  it('a small mempool runs out before rx_q does: no-mbuf, not fifo-drop', () => {
    const r = kniIngressBurst({ accept: () => true }, GROUP, 100, { mbufs: 40 });
    expect(r.noMbuf).toBeGreaterThan(0);
    expect(r.fifoDrop).toBe(0);
    expect(r.delivered + r.noMbuf).toBe(100);
  });
});

describe('the oracle owes the drop, the filter owes every frame', () => {
  it('owedBurst: 1500 frames a KNI port must accept owe 477 fifo-drop; no burst verdict off KNI', () => {
    expect(owedBurst('kni-mc+mlx5-dpdk', 'must', 1500)).toEqual({ frames: 1500, filtered: 0, fifoDrop: 477, delivered: 1023 });
    expect(owedBurst('kni-mc+mlx5-dpdk', 'must-not', 10)).toEqual({ frames: 10, filtered: 10, fifoDrop: 0, delivered: 10 });
    expect(owedBurst('tap-relay+mlx5-dpdk', 'must', 1500)).toBeNull();
  });

  it('a filter that drops frames it owed the FIFO is a loss even when rx_q would have dropped as many', () => {
    const owed = owedBurst('kni-mc+mlx5-dpdk', 'must', 1500)!;
    const v = burstViolations({ frames: 1500, filtered: 477, noMbuf: 0, fifoDrop: 0, delivered: 1023 }, owed, { stepIndex: 2, iface: 'vEth0' }, 'vEth0: d1', 'at step 2');
    expect(v.map((x) => x.kind)).toEqual(['loss']);
    const wrongDrop = burstViolations({ frames: 1500, filtered: 0, noMbuf: 0, fifoDrop: 476, delivered: 1024 }, owed, { stepIndex: 2, iface: 'vEth0' }, 'vEth0: d1', 'at step 2');
    expect(wrongDrop.map((x) => x.kind)).toEqual(['fifo-drop']);
    expect(burstViolations({ frames: 1500, filtered: 0, noMbuf: 0, fifoDrop: 477, delivered: 1023 }, owed, { stepIndex: 2, iface: 'vEth0' }, 'x', 'y')).toEqual([]);
  });

  it('the burst fixture reaches fifo-drop and agrees with the oracle', () => {
    const scenario = loadScenarioFile(FIXTURE);
    expect(scenario.steps[2]).toMatchObject({ op: 'send', burst: 1500 });
    expect(scenario.expect?.deliveries['d1']?.burst?.fifoDrop).toBe(477);
    expect(checkScenario(scenario)).toEqual([]);
  });

  it('a burst is refused off the KNI data path, naming the field', () => {
    const scenario = loadScenarioFile(FIXTURE);
    const onTap = { ...scenario, interfaces: scenario.interfaces.map((i) => ({ ...i, nic: 'tap-relay+mlx5-dpdk' })) };
    expect(() => validateScenario(onTap)).toThrow(/\/steps\/2\/burst: a burst travels the KNI data path/);
  });
});
