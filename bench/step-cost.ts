// Benchmark 2b: cost per step as the device list grows (issue 11 case 8, issue 14). For each
// profile one host fills its device list with `ip maddr add` steps (untimed) up to each list
// size, then times 1,000 adds of new MACs followed by the 1,000 deletes of them (the list ends
// where it started). Flat means the time per 1,000 steps at 100,000 entries is that at 1,000.
import { Host } from '../src/host/host.ts';
import type { Step } from '../src/scenario/types.ts';
import { seconds } from './data.ts';

export const STEP_COST_PROFILES = ['tun', 'hash64', 'e1000:0', 'exact-strict:4', 'accept-all'] as const;
export const STEP_COST_SIZES = [1000, 10000, 20000, 100000] as const;
const BATCH = 1000;

export interface StepCostRow {
  readonly profile: string;
  /** Entries in dev->mc while the batch runs. */
  readonly listSize: number;
  /** Seconds per 1,000 steps (half the time of 1,000 adds and 1,000 deletes). */
  readonly secondsPer1000: number;
}

function maddr(i: number, add: boolean): Step {
  const octets = [(i >> 16) & 0x7f, (i >> 8) & 0xff, i & 0xff].map((b) => b.toString(16).padStart(2, '0'));
  return { op: 'maddr', iface: 'eth0', mac: `01:00:5e:${octets.join(':')}`, add };
}

function apply(host: Host, step: Step): void {
  const r = host.apply(step);
  if (r.error !== null) throw new Error(`step-cost: ${JSON.stringify(step)} failed: ${r.error}`);
}

export function runStepCost(log: (l: string) => void, sizes: readonly number[] = STEP_COST_SIZES): StepCostRow[] {
  const rows: StepCostRow[] = [];
  for (const profile of STEP_COST_PROFILES) {
    const host = new Host([{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], nic: profile }]);
    let filled = 0;
    // MACs past every list size for the timed batch (the fill never reaches them).
    const probeBase = 0x700000;
    for (const size of sizes) {
      for (; filled < size; filled++) apply(host, maddr(filled, true));
      const t0 = process.hrtime.bigint();
      for (let j = 0; j < BATCH; j++) apply(host, maddr(probeBase + j, true));
      for (let j = 0; j < BATCH; j++) apply(host, maddr(probeBase + j, false));
      const row = { profile, listSize: size, secondsPer1000: seconds(t0) / 2 };
      rows.push(row);
      log(`step cost ${profile} at ${size} entries: ${(row.secondsPer1000 * 1000).toFixed(1)} ms per 1,000 maddr steps`);
    }
  }
  return rows;
}
