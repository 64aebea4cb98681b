// check's progress: profiles done (every property of the profile ran), runs, elapsed, estimate.
import type { CheckEvents, CheckUnit, UnitOutcome } from '../check/units.ts';
import type { Progress } from './progress.ts';

export class CheckProgress {
  private remaining = new Map<string, number>();
  private runs = 0;
  private runsPerUnit = 0;
  private unitsDone = 0;
  private current = '';
  readonly events: CheckEvents;

  constructor(private readonly progress: Progress) {
    this.events = {
      plan: (units, runsPerUnit) => this.plan(units, runsPerUnit),
      run: (unit) => this.run(unit),
      shrink: (unit) => this.progress.update({}, `${unit.profile} ${unit.property}: shrinking`),
      unitDone: (outcome) => this.unitDone(outcome),
    };
  }

  private plan(units: readonly CheckUnit[], runsPerUnit: number): void {
    for (const u of units) this.remaining.set(u.profile, (this.remaining.get(u.profile) ?? 0) + 1);
    this.runsPerUnit = runsPerUnit;
    this.progress.update({ done: 0, total: this.remaining.size, runs: 0, totalRuns: units.length * runsPerUnit });
  }

  private run(unit: CheckUnit): void {
    this.runs++;
    this.current = `${unit.profile} ${unit.property}`;
    this.progress.update({ runs: this.runs }, this.current);
  }

  private unitDone(outcome: UnitOutcome): void {
    const left = (this.remaining.get(outcome.profile) ?? 1) - 1;
    this.remaining.set(outcome.profile, left);
    this.unitsDone++;
    // A failing unit stops early: count its planned runs as done for the estimate.
    this.runs = this.unitsDone * this.runsPerUnit;
    const done = [...this.remaining.values()].filter((n) => n === 0).length;
    this.progress.update({ done, runs: this.runs });
  }

  /** A line of the runner's own (shrinking notes): shown in the status. */
  status(line: string): void {
    this.progress.update({}, line);
  }

  /** Prints a line of check's own output without tearing the bar. */
  log(write: () => void): void {
    this.progress.around(write);
  }

  done(): void {
    this.progress.done();
  }
}
