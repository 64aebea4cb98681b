import type { Scenario } from '../scenario/types.ts';

/**
 * A backend failed to run a scenario (its environment, not the model, is at fault): the live run
 * stops and this is thrown, never shrunk as if it were a difference. `cause` is the backend's own
 * typed error.
 */
export class LiveBackendError extends Error {
  override readonly name = 'LiveBackendError';
  constructor(
    readonly backend: string,
    readonly scenario: Scenario,
    override readonly cause: unknown,
  ) {
    super(`${backend}: ${cause instanceof Error ? cause.message : String(cause)}`);
  }
}
