// Multicast routing: the model against the independent oracle and the queue, counter and /proc laws.
import fc from 'fast-check';
import { describe, it } from 'vitest';
import { countersProperty, oracleProperty, procProperty, queueProperty } from './properties.ts';

const RUNS = { numRuns: 300 };

describe('multicast routing properties', () => {
  it('forwarding sets, errors, upcalls, counters and queues equal the oracle', () => fc.assert(oracleProperty(), RUNS));
  it('the unresolved queue holds at most four, replays in arrival order, never after expiry', () => fc.assert(queueProperty(), RUNS));
  it('counters add up and every vif holds one allmulti count', () => fc.assert(countersProperty(), RUNS));
  it('/proc text parses back to the same table', () => fc.assert(procProperty(), RUNS));
});
