// `check` for one profile from a user's own test file: a failure throws an Error whose message
// holds what `check` prints for it, the replay line and the fixture it saved, so a failing
// plug-in property in a project's vitest is as reproducible as `npx mcast-testbench check`.
import { withProfileModule } from '../profile-plugin.ts';
import { displayPath } from '../command-line.ts';
import { runCheck } from './runner.ts';

export interface AssertProfileOptions {
  /** Runs per property (default 200, as `check`). */
  readonly runs?: number;
  readonly seed?: number;
  /** Where a counterexample is saved (default: fixtures/ of the working directory, as `check`). */
  readonly fixturesDir?: string;
  /**
   * The plug-in's module file: loaded like `--profile-module FILE`, so the printed replay line
   * names it. A plug-in registered with registerProfile(...) in-process has no file to name.
   */
  readonly profileModule?: string;
}

/** Thrown by assertProfileHolds: the failures as `check` prints them. */
export class ProfileCheckFailed extends Error {
  override readonly name = 'ProfileCheckFailed';
}

/** Runs every property `check` runs on `profile`; resolves when they hold, throws ProfileCheckFailed otherwise. */
export async function assertProfileHolds(profile: string, options: AssertProfileOptions = {}): Promise<void> {
  if (options.profileModule !== undefined) return withProfileModule(options.profileModule, () => assertProfileHolds(profile, { ...options, profileModule: undefined }));
  const lines: string[] = [];
  const outcome = await runCheck({
    profiles: [profile],
    runs: options.runs ?? 200,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    faults: new Set(),
    fixturesDir: options.fixturesDir ?? 'fixtures',
    log: (l) => lines.push(l),
    progress: () => {},
  });
  if (outcome.ok) return;
  const summary = outcome.failures.map((f) => [`${f.profile} ${f.property}: ${f.message}`, ...(f.replay ? [`  replay: ${f.replay}`] : []), ...(f.fixture ? [`  fixture: ${displayPath(f.fixture)}`] : [])].join('\n'));
  throw new ProfileCheckFailed([`check of ${profile} failed (seed ${outcome.seed}):`, ...summary, '', ...lines].join('\n'));
}
