// The guest differential's failures of the environment, never of a scenario: what is missing
// (with the command that installs it) and what did not answer (with how long it was given).

/** Something the guest needs is not installed or not cached; `fix` is the command to run. */
export class GuestSetupError extends Error {
  override readonly name = 'GuestSetupError';
  constructor(
    readonly missing: string,
    readonly fix: string,
  ) {
    super(`guest: ${missing} (run: ${fix})`);
  }
}

/** The guest (QEMU or the agent in it) failed or did not answer in time. */
export class GuestError extends Error {
  override readonly name = 'GuestError';
}
