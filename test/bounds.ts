// Bounds against hangs, never speed budgets: the suite must pass on a machine whose cores are
// kept busy by other work (issue 19), where a command that takes 10 s idle can take minutes.
// A test that measures speed belongs in bench/; a timeout here only ends a test that hangs.

/** The most any one test, hook or child command of the suite may take before it counts as hung. */
export const HANG_BOUND_MS = 900_000;
