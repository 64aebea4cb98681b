// A profile module that exports no profile: --profile-module must refuse it (exit 2).
export const unrelated = 1;
