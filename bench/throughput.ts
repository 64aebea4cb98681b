// Benchmark 3: suite throughput. Model steps per second of `check`'s model property (fc.commands
// over every step kind, model and oracle compared after each step) on one profile, beside
// fast-check's own ceiling measured in the same run: fc.commands on a trivial set model.
import fc from 'fast-check';
import { interfacesArbitrary } from '../src/check/arbitraries.ts';
import { modelRunSetup, stepCommandArbitraries } from '../src/check/commands.ts';
import { DEFAULT_MAX_COMMANDS } from '../src/check/properties.ts';
import { seconds } from './data.ts';

export interface ThroughputRow {
  readonly what: string;
  readonly steps: number;
  readonly seconds: number;
  readonly stepsPerSecond: number;
}

class AddCommand implements fc.Command<{ set: Set<number> }, { set: Set<number> }> {
  constructor(readonly n: number) {}
  check(): boolean {
    return true;
  }
  run(m: { set: Set<number> }, r: { set: Set<number> }): void {
    m.set.add(this.n);
    r.set.add(this.n);
    if (m.set.size !== r.set.size) throw new Error('differs');
  }
  toString(): string {
    return `add ${this.n}`;
  }
}

export function runThroughput(runs: number, profile: string, log: (l: string) => void): ThroughputRow[] {
  // The ceiling: the same command count per run (40), nothing to compare.
  let trivialSteps = 0;
  const trivial = fc.property(fc.commands([fc.nat(100).map((n) => new AddCommand(n))], { maxCommands: 40, size: 'max' }), (cmds) => {
    fc.modelRun(() => ({ model: { set: new Set<number>() }, real: { set: new Set<number>() } }), cmds);
    trivialSteps += [...cmds].length;
  });
  let t0 = process.hrtime.bigint();
  fc.assert(trivial, { numRuns: runs * 10, seed: 1 });
  const trivialSeconds = seconds(t0);
  // check's model property (src/check/properties.ts modelProperty), counting the commands run.
  let modelSteps = 0;
  const arb = interfacesArbitrary({ profile }).chain((ifs) =>
    fc.tuple(fc.constant(ifs), fc.commands(stepCommandArbitraries(ifs), { maxCommands: DEFAULT_MAX_COMMANDS, size: 'max' })),
  );
  const counting = fc.property(arb, ([ifs, cmds]) => {
    fc.modelRun(modelRunSetup(ifs, { profile }), cmds);
    modelSteps += [...cmds].length;
  });
  t0 = process.hrtime.bigint();
  fc.assert(counting, { numRuns: runs, seed: 1 });
  const modelSeconds = seconds(t0);
  // What generating the same cases costs alone (the commands made, none run), and the ceiling
  // again: both warm now, so they are compared with each other, not with the two cold rows.
  let generatedSteps = 0;
  const generating = fc.property(arb, ([, cmds]) => {
    for (const _ of cmds) generatedSteps++;
  });
  t0 = process.hrtime.bigint();
  fc.assert(generating, { numRuns: runs, seed: 1 });
  const generatedSeconds = seconds(t0);
  trivialSteps = 0;
  t0 = process.hrtime.bigint();
  fc.assert(trivial, { numRuns: runs * 10, seed: 1 });
  const warmTrivialSeconds = seconds(t0);
  const rows = [
    { what: 'fast-check ceiling (fc.commands, trivial set model)', steps: trivialSteps, seconds: trivialSeconds, stepsPerSecond: trivialSteps / trivialSeconds },
    { what: `check model property on ${profile}`, steps: modelSteps, seconds: modelSeconds, stepsPerSecond: modelSteps / modelSeconds },
    { what: `generation alone: the same cases' commands made, none run (warm)`, steps: generatedSteps, seconds: generatedSeconds, stepsPerSecond: generatedSteps / generatedSeconds },
    { what: 'fast-check ceiling again (warm)', steps: trivialSteps, seconds: warmTrivialSeconds, stepsPerSecond: trivialSteps / warmTrivialSeconds },
  ];
  for (const r of rows) log(`throughput ${r.what}: ${r.steps} steps in ${r.seconds.toFixed(2)} s = ${Math.round(r.stepsPerSecond)} steps/s`);
  return rows;
}
