// The contract checker on hand-written exchanges: each rule fires at the answer that breaks it
// and nowhere else. Expected outcomes come from the rules in docs/driver-protocol.md, not from
// running a driver.
import { describe, expect, it } from 'vitest';
import { ContractChecker, ContractError, buildScript, effectiveOrder } from '../../src/driver/contract.ts';
import type { DriverRequest, HelloAnswer } from '../../src/driver/protocol.ts';
import { validateAnswer } from '../../src/driver/protocol.ts';
import { type Mac, parseMac } from '../../src/wire/mac.ts';

const OWN = parseMac('02:00:00:00:00:02');
const OTHER = parseMac('02:00:00:00:00:03');
const BCAST = parseMac('ff:ff:ff:ff:ff:ff');
const G1 = parseMac('01:00:5e:00:00:01');
const G2 = parseMac('01:00:5e:00:00:02');
const G3 = parseMac('33:33:00:00:00:01');

const GENERIC: HelloAnswer = { name: 't', model: null, order: 'set', protocol: 1 };

type Step = [DriverRequest, unknown];
const reset = (): Step => [{ op: 'reset', mac: OWN }, { ok: true }];
const program = (mc: Mac[], answer: unknown = { ok: true }, flags = { promisc: false, allmulti: false }): Step => [
  { op: 'program', ...flags, mc },
  answer,
];
const rx = (dst: Mac, accept: boolean): Step => [{ op: 'rx', dst }, { accept }];

/** Feeds the steps; returns null when they keep the contract, else [rule, index]. */
function verdict(steps: Step[], hello: HelloAnswer = GENERIC): [string, number] | null {
  const checker = new ContractChecker(hello);
  try {
    steps.forEach(([req, answer], i) => checker.observe(i, req, answer));
    return null;
  } catch (e) {
    if (e instanceof ContractError) return [e.violation.rule, e.violation.at];
    throw e;
  }
}

describe('generic rules', () => {
  it('an exact filter that follows the list keeps the contract', () => {
    expect(
      verdict([reset(), rx(OWN, true), rx(G1, false), program([G1, G2]), rx(G1, true), rx(G2, true), rx(G3, false), rx(OTHER, false), rx(BCAST, true)]),
    ).toBeNull();
  });

  it('station: own MAC or broadcast dropped, even right after reset', () => {
    expect(verdict([reset(), rx(OWN, false)])).toEqual(['station', 1]);
    expect(verdict([reset(), program([]), rx(BCAST, false)])).toEqual(['station', 2]);
  });

  it('no loss: a listed group dropped after an accepted program', () => {
    expect(verdict([reset(), program([G1, G2]), rx(G1, true), rx(G2, false)])).toEqual(['no loss', 3]);
  });

  it('promisc: foreign unicast dropped under PROMISC; allmulti: multicast dropped under ALLMULTI, unicast may be', () => {
    expect(verdict([reset(), program([], { ok: true }, { promisc: true, allmulti: true }), rx(OTHER, false)])).toEqual(['promisc', 2]);
    expect(verdict([reset(), program([], { ok: true }, { promisc: false, allmulti: true }), rx(OTHER, false), rx(G3, false)])).toEqual(['allmulti', 3]);
  });

  it('history independence: the same set in another order after reset answers differently', () => {
    // G3 accepted (a stale or hashed neighbour) after [G1, G2] the first time, dropped after [G2, G1].
    const steps = [reset(), program([G3]), program([G1, G2]), rx(G3, true), reset(), program([G2, G1]), rx(G3, false)];
    expect(verdict(steps)).toEqual(['history independence', 6]);
    // A driver that declares "order":"list" may answer differently for another order ...
    expect(verdict(steps, { ...GENERIC, order: 'list', protocol: 1 })).toBeNull();
    // ... but not for the same order.
    const same = [reset(), program([G3]), program([G1, G2]), rx(G3, true), reset(), program([G1, G2]), rx(G3, false)];
    expect(verdict(same, { ...GENERIC, order: 'list', protocol: 1 })).toEqual(['history independence', 6]);
  });

  it('history independence of refusals: the same request accepted once and refused later', () => {
    expect(verdict([reset(), program([G1, G2, G3]), reset(), program([G1, G2, G3], { ok: false, error: 'ENOSPC' })])).toEqual([
      'history independence',
      3,
    ]);
  });

  it('refusal keeps state: same flags, answers must not move; other flags leave unlisted MACs free', () => {
    expect(verdict([reset(), program([G1]), rx(G2, false), program([G1, G2, G3], { ok: false, error: 'ENOSPC' }), rx(G2, true)])).toEqual([
      'refusal keeps state',
      4,
    ]);
    expect(verdict([reset(), program([G1]), program([G1, G2, G3], { ok: false, error: 'ENOSPC' }), rx(G1, false)])).toEqual([
      'refusal keeps state',
      3,
    ]);
    expect(
      verdict([
        reset(),
        program([G1]),
        rx(G2, false),
        program([G1, G2, G3], { ok: false, error: 'ENOSPC' }, { promisc: false, allmulti: true }),
        rx(G2, true),
      ]),
    ).toBeNull();
  });

  it('refusal keeps state with other flags too: the previous list stays accepted, a flag only where both set it', () => {
    const refusedAllmulti = program([G1, G2, G3], { ok: false, error: 'ENOSPC' }, { promisc: false, allmulti: true });
    // The table wiped by a refusal that also asked for ALLMULTI: G1 was listed and accepted.
    expect(verdict([reset(), program([G1]), refusedAllmulti, rx(G1, false)])).toEqual(['refusal keeps state', 3]);
    // ALLMULTI before and in the refused request: multicast is still owed.
    const allmulti = { promisc: false, allmulti: true };
    const refusedPromisc = program([G1, G2, G3], { ok: false, error: 'ENOSPC' }, { promisc: true, allmulti: true });
    expect(verdict([reset(), program([G1], { ok: true }, allmulti), refusedPromisc, rx(G3, false)])).toEqual(['allmulti', 3]);
    // PROMISC only in the refused request: foreign unicast may still be dropped.
    expect(verdict([reset(), program([G1], { ok: true }, allmulti), refusedPromisc, rx(OTHER, false), rx(G1, true)])).toBeNull();
    // ALLMULTI only before: the refusal may have dropped it, the listed G1 may not be.
    expect(verdict([reset(), program([G1], { ok: true }, allmulti), program([G1, G2, G3], { ok: false, error: 'ENOSPC' }), rx(G3, false), rx(G1, true)])).toBeNull();
  });

  it('reset: two resets that answer differently', () => {
    expect(verdict([reset(), rx(G1, true), program([G2]), reset(), rx(G1, false)])).toEqual(['reset', 4]);
  });

  it('determinism: the same program sent twice in a row, then a different answer', () => {
    expect(verdict([reset(), program([G1]), rx(G2, false), program([G1]), rx(G2, true)])).toEqual(['determinism', 4]);
    expect(verdict([reset(), program([G1]), rx(G2, false), rx(G2, true)])).toEqual(['determinism', 3]);
  });
});

describe('model', () => {
  const TUN: HelloAnswer = { name: 't', model: 'tun', order: 'list', protocol: 1 };

  it('tun after reset accepts every frame (tun_set_iff leaves the filter disabled, count 0)', () => {
    expect(verdict([reset(), rx(G1, true), rx(OTHER, true)], TUN)).toBeNull();
    expect(verdict([reset(), rx(OTHER, false)], TUN)).toEqual(['model', 1]);
  });

  it('tun with a short list: exact matches only, foreign unicast dropped', () => {
    // own, broadcast, G1: 3 addresses, all exact (FLT_EXACT_COUNT 8), empty hash.
    expect(verdict([reset(), program([G1]), rx(G1, true), rx(OTHER, false), rx(G2, false)], TUN)).toBeNull();
    expect(verdict([reset(), program([G1]), rx(G2, true)], TUN)).toEqual(['model', 2]);
  });

  it('a driver equal to its model is not held to set semantics the model does not have', () => {
    // tun, own + broadcast + 7 groups = 9 addresses: the first 8 exact, the 9th hashed, so the
    // order decides which group is hashed. With model tun the revisit keeps the order.
    expect(effectiveOrder({ name: 't', model: 'tun', order: 'set', protocol: 1 })).toBe('list');
    expect(effectiveOrder({ name: 't', model: null, order: 'set', protocol: 1 })).toBe('set');
  });

  it('exact-strict:1 refuses a list of 2: the driver that accepts it breaks the model', () => {
    const strict: HelloAnswer = { name: 't', model: 'exact-strict:1', order: 'set', protocol: 1 };
    expect(verdict([reset(), program([G1, G2], { ok: false, error: 'ENOSPC' })], strict)).toBeNull();
    expect(verdict([reset(), program([G1, G2])], strict)).toEqual(['model', 1]);
  });
});

describe('buildScript', () => {
  it('reset and probes, the program and probes, then the revisit with the list reversed', () => {
    const script = buildScript({ pool: [G1, G2], extraProbes: [], steps: [{ promisc: false, allmulti: true, mc: [0, 1], twice: false }] }, 'set');
    // probes: own, broadcast, other unicast, G1, G2 = 5. 1 reset + 5 + 1 program + 5 + 1 reset + 1 program + 5 = 19.
    expect(script).toHaveLength(19);
    expect(script[6]).toEqual({ op: 'program', promisc: false, allmulti: true, mc: [G1, G2] });
    expect(script[12]).toEqual({ op: 'reset', mac: OWN });
    expect(script[13]).toEqual({ op: 'program', promisc: false, allmulti: true, mc: [G2, G1] });
    expect(script.slice(1, 6)).toEqual([OWN, BCAST, OTHER, G1, G2].map((dst) => ({ op: 'rx', dst })));
  });

  it('a run resets with its own station MAC and probes that one', () => {
    const QEMU = parseMac('52:54:00:12:34:56');
    const script = buildScript({ own: QEMU, pool: [G1], extraProbes: [], steps: [{ promisc: false, allmulti: false, mc: [0], twice: false }] }, 'set');
    expect(script.filter((r) => r.op === 'reset')).toEqual([{ op: 'reset', mac: QEMU }, { op: 'reset', mac: QEMU }]);
    expect(script[1]).toEqual({ op: 'rx', dst: QEMU });
    // A driver that kept 02:00:00:00:00:02 as its address drops its real one: the station rule.
    expect(verdict([[{ op: 'reset', mac: QEMU }, { ok: true }], rx(QEMU, false)])).toEqual(['station', 1]);
  });

  it('"list" drivers are revisited with the same order', () => {
    const script = buildScript({ pool: [G1, G2], extraProbes: [], steps: [{ promisc: false, allmulti: false, mc: [1, 0], twice: false }] }, 'list');
    expect(script[13]).toEqual({ op: 'program', promisc: false, allmulti: false, mc: [G2, G1] });
  });
});

describe('answer validation', () => {
  it('accepts the documented answers and names what is wrong with others', () => {
    expect(validateAnswer({ op: 'hello', protocol: 1 }, { name: 'x', model: null })).toEqual({ name: 'x', model: null, order: 'set', protocol: 1 });
    expect(validateAnswer({ op: 'hello', protocol: 1 }, { name: '' })).toBe('hello answer needs "name", a non-empty string');
    expect(validateAnswer({ op: 'program', promisc: false, allmulti: false, mc: [] }, { ok: false, error: 'ENOSPC' })).toEqual({ ok: false, error: 'ENOSPC' });
    expect(validateAnswer({ op: 'program', promisc: false, allmulti: false, mc: [] }, { ok: false })).toBe(
      'a refusal needs "error", an errno name such as "ENOSPC"',
    );
    expect(validateAnswer({ op: 'rx', dst: G1 }, { accept: 1 })).toBe('rx answer must be {"accept":true|false}');
    expect(validateAnswer({ op: 'reset', mac: OWN }, { error: 'EIO' })).toBe('the driver reported an error: EIO');
    expect(validateAnswer({ op: 'rx', dst: G1 }, [true])).toBe('expected a JSON object, got [true]');
  });
});
