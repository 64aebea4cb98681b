// Tap filter differential: random rx modes are turned into the TUNSETTXFILTER request the `tun`
// profile models (own MAC, broadcast, then the device list; TUN_FLT_ALLMULTI under ALLMULTI;
// count 0 under PROMISC), programmed into a live tap, and probed with destination MACs. Every
// probe's kernel answer is compared with the profile's accept().
import { release } from 'node:os';
import fc from 'fast-check';
import type { RxMode } from '../nic/filter.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { NO_FAULTS } from '../faults.ts';
import { BROADCAST_MAC, type Mac, macFromBytes } from '../wire/mac.ts';
import { TUN_FLT_ALLMULTI, TapBench } from './tap.ts';

export const TUN_VECTORS_SCHEMA = 'mcast-testbench/tun-filter-vectors@1';

export interface TunProbe {
  readonly mac: string;
  readonly accepted: boolean;
}

export interface TunVector {
  readonly ownMac: string;
  readonly rxMode: { readonly promisc: boolean; readonly allmulti: boolean; readonly mc: readonly string[] };
  /** What was passed to TUNSETTXFILTER (struct tun_filter). */
  readonly request: { readonly flags: number; readonly addr: readonly string[] };
  readonly probes: readonly TunProbe[];
}

export interface TunVectorFile {
  readonly schema: typeof TUN_VECTORS_SCHEMA;
  readonly description: string;
  readonly meta: Record<string, unknown>;
  readonly vectors: readonly TunVector[];
}

export interface TunProgramCase {
  readonly ownMac: Mac;
  readonly rxMode: RxMode;
  readonly probes: readonly Mac[];
}

/** The request the tun profile's program() makes (src/nic/tun.ts); repeated here to drive the tap. */
export function tunRequest(ownMac: Mac, rx: RxMode): { flags: number; addr: Mac[] } {
  if (rx.promisc) return { flags: 0, addr: [] };
  return { flags: rx.allmulti ? TUN_FLT_ALLMULTI : 0, addr: [ownMac, BROADCAST_MAC, ...rx.mc] };
}

const byte = fc.integer({ min: 0, max: 255 });
const macArb = (first: fc.Arbitrary<number>): fc.Arbitrary<Mac> =>
  fc.tuple(first, byte, byte, byte, byte, byte).map((b) => macFromBytes(b));
const unicastMac = macArb(byte.map((b) => b & 0xfe));
const multicastMac = fc.oneof(
  macArb(byte.map((b) => b | 1)),
  fc.tuple(byte, byte, byte).map(([a, b, c]) => macFromBytes([0x01, 0x00, 0x5e, a & 0x7f, b, c])),
  fc.tuple(byte, byte, byte, byte).map(([a, b, c, d]) => macFromBytes([0x33, 0x33, a, b, c, d])),
);
const anyMac = fc.oneof({ weight: 6, arbitrary: multicastMac }, { weight: 1, arbitrary: unicastMac });
/** Device-list entries: multicast, and one time in 25 a unicast MAC (hashed, it disables the filter in update_filter). */
const listMac = fc.oneof({ weight: 24, arbitrary: multicastMac }, { weight: 1, arbitrary: unicastMac });
/** Lengths spread evenly over 0..38, not biased towards short lists. */
const deviceList = fc.integer({ min: 0, max: 38 }).chain((n) => fc.array(listMac, { minLength: n, maxLength: n }));

/**
 * The aliasing classics, probed in every program and listed (after the random list, so past the
 * 8 exact slots when it is long) in one program in four: 224.0.0.1, 239.255.255.250, ff02::1,
 * ff02::1:ff00:1.
 */
const CLASSIC_MACS: readonly Mac[] = [
  macFromBytes([0x01, 0x00, 0x5e, 0x00, 0x00, 0x01]),
  macFromBytes([0x01, 0x00, 0x5e, 0x7f, 0xff, 0xfa]),
  macFromBytes([0x33, 0x33, 0x00, 0x00, 0x00, 0x01]),
  macFromBytes([0x33, 0x33, 0xff, 0x00, 0x00, 0x01]),
];

/**
 * Tap programs: device lists of 0 to 38 random addresses, plus the 4 classics in one in four
 * (requests of 2 to 44), with and without ALLMULTI, rarely PROMISC.
 */
export function tunProgramArbitrary(): fc.Arbitrary<TunProgramCase> {
  return fc
    .record({
      ownMac: unicastMac,
      // One program in ten under PROMISC (a request of count 0: the filter disabled).
      pick: fc.integer({ min: 0, max: 9 }),
      allmulti: fc.boolean(),
      mc: deviceList,
      extra: fc.array(anyMac, { minLength: 8, maxLength: 16 }),
      fromList: fc.array(fc.nat(), { maxLength: 8 }),
      // Last, so the fields above draw the same values for a seed as before it was added.
      classics: fc.integer({ min: 0, max: 3 }),
    })
    .map(({ ownMac, pick, allmulti, mc, extra, fromList, classics }) => {
      const rxMode: RxMode = { promisc: pick === 0, allmulti, mc: classics === 0 ? [...mc, ...CLASSIC_MACS.filter((c) => !mc.includes(c))] : mc };
      const listed = fromList.map((i) => mc[i % Math.max(1, mc.length)]).filter((m): m is Mac => m !== undefined);
      const probes = [...new Set<Mac>([ownMac, BROADCAST_MAC, ...listed, ...extra, ...CLASSIC_MACS])];
      return { ownMac, rxMode, probes };
    });
}

/** The tun profile's answers for one case: a fresh filter, programmed once. */
export function modelAnswers(c: TunProgramCase): boolean[] {
  const filter = resolveProfile('tun').create(c.ownMac, NO_FAULTS);
  filter.program(c.rxMode);
  return c.probes.map((p) => filter.accept(p));
}

export interface TapDiffReport {
  readonly programs: number;
  readonly probes: number;
  readonly seed: number;
  readonly vectors: TunVector[];
  /** Probes where the kernel and the profile disagree. */
  readonly mismatches: { readonly vector: TunVector; readonly mac: string; readonly kernel: boolean; readonly model: boolean }[];
}

/** Programs `programs` random filters into a live tap and compares every probe with the model. */
export async function runTapDiff(options: { programs: number; seed?: number; log?: (line: string) => void; onProgram?: () => void }): Promise<TapDiffReport> {
  const seed = options.seed ?? Date.now() % 0x7fffffff;
  const tap = new TapBench();
  options.log?.(`kernel tap: tap ready, running ${options.programs} filter programs (seed ${seed})`);
  const vectors: TunVector[] = [];
  const mismatches: TapDiffReport['mismatches'][number][] = [];
  let probes = 0;
  let programs = 0;
  let failure: unknown;
  try {
    // Programs are generated one at a time (the same values fc.sample gives for the seed), so a
    // signal is seen between two programs, not after generating all of them.
    await fc.check(
      fc.asyncProperty(tunProgramArbitrary(), async (c) => {
        // Signal handlers (src/shutdown.ts) run between two programs.
        await new Promise((resolve) => setImmediate(resolve));
        if (failure !== undefined) return true;
        try {
          const request = tunRequest(c.ownMac, c.rxMode);
          const err = tap.program(request.flags, request.addr);
          if (err) throw new Error(`TUNSETTXFILTER with ${request.addr.length} addresses failed: ${err}`);
          const model = modelAnswers(c);
          const answers = c.probes.map((p) => tap.probe(p));
          probes += answers.length;
          programs++;
          options.onProgram?.();
          const vector: TunVector = {
            ownMac: c.ownMac,
            rxMode: { promisc: c.rxMode.promisc, allmulti: c.rxMode.allmulti, mc: [...c.rxMode.mc] },
            request,
            probes: c.probes.map((mac, i) => ({ mac, accepted: answers[i] as boolean })),
          };
          vectors.push(vector);
          answers.forEach((k, i) => {
            if (k !== model[i]) mismatches.push({ vector, mac: c.probes[i] as string, kernel: k, model: model[i] as boolean });
          });
        } catch (e) {
          // Not a property failure to shrink: stop and rethrow below.
          failure = e;
        }
        return true;
      }),
      { numRuns: options.programs, seed },
    );
    if (failure !== undefined) throw failure;
  } finally {
    tap.dispose();
  }
  return { programs, probes, seed, vectors, mismatches };
}

export function tunVectorFile(report: TapDiffReport, keep: number): TunVectorFile {
  return {
    schema: TUN_VECTORS_SCHEMA,
    description:
      'Tap TX filter answers observed on a live kernel: each vector is an rx mode, the TUNSETTXFILTER request the tun profile builds from it, and for each probe MAC whether a frame sent out of the tap reached its file descriptor.',
    meta: { source: 'mcast-testbench kernel tap-diff', kernel: release(), seed: report.seed, programs: report.programs },
    vectors: report.vectors.slice(0, keep),
  };
}
