// The independent oracle (docs/architecture.md "Oracle"). It imports nothing from src/host,
// src/nic, src/wire or src/simulate.ts: only types from src/scenario/types.ts, src/errors.ts
// and ip-address (test/oracle/boundary.test.ts enforces this).
export { Oracle, type FrameVerdict, type OracleStepResult } from './oracle.ts';
export { hasOracleSpec, oracleProfileNames, resolveSpec } from './filters/index.ts';
export type { Acceptance, FilterInput, FilterSpec, FilterSpecFamily } from './filters/index.ts';
