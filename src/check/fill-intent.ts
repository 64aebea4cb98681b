// The steps of a fill intent: the device list grown past one of the interface's thresholds in
// one `fill` step (n `ip maddr add`s), or walked across it one add at a time.
import { FILL_COUNT_MAX, type Step } from '../scenario/types.ts';
import { fillMacs } from '../scenario/fill.ts';
import type { Intent } from './intents.ts';

/** A walk across a threshold starts this many entries under it (automatic entries: 3-6)... */
const WALK_BELOW = 6;
/** ...and ends this many past it. */
const WALK_ABOVE = 2;

function at<T>(list: readonly T[], n: number): T {
  return list[n % list.length] as T;
}

/**
 * One `fill` step until the device list of `iface` passes one of `thresholds` (NicProfile.thresholds:
 * table full, hash mode, all-multicast, refusal), whatever its size, then, half the time, 1-3
 * deletes back across it; or, one time in four, a walk across it. With `maxList`, a threshold at or
 * above it becomes a fill to about maxList entries.
 */
export function fillIntentSteps(iface: string, thresholds: readonly number[], maxList: number | undefined, p: Intent['p']): Step[] {
  const all = thresholds.filter((t) => t > 0 && t < FILL_COUNT_MAX);
  const sizes = maxList === undefined ? all : [...new Set(all.map((t) => Math.min(t, maxList)))];
  if (sizes.length === 0) return [];
  const limit = at(sizes, p[5]) + 1;
  const first = (p[2] & 0x3f) << 16;
  if (p[3] % 4 === 3 && limit > WALK_BELOW) {
    // A walk across the threshold: a fill to WALK_BELOW under it, then one `maddr` add at a time,
    // so that with any 3-6 automatic entries the list stands at exactly threshold + 1 for a step
    // (an off-by-one at the threshold shows only there: tulip's 15th perfect entry, QEMU's 65th
    // table slot).
    const count = limit - WALK_BELOW;
    const walk = fillMacs({ count: limit + WALK_ABOVE, first }).slice(count);
    return [{ op: 'fill', iface, count, first }, ...walk.map((mac): Step => ({ op: 'maddr', iface, mac, add: true }))];
  }
  // The list already holds 3-6 automatic entries: this crosses limit for any of them.
  const count = Math.max(1, limit + 2 - (p[1] % 6));
  const steps: Step[] = [{ op: 'fill', iface, count, first }];
  if (p[3] % 2 === 0) {
    for (const mac of fillMacs({ count, first }).slice(-(1 + (p[4] % 3)))) steps.push({ op: 'maddr', iface, mac, add: false });
  }
  return steps;
}
