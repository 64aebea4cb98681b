// Which builtin profiles the property suites cover, split in two files so that vitest runs
// them on both cores.
import { hasOracleSpec } from '../src/oracle/index.ts';
import { builtinProfileNames } from '../src/profiles/registry.ts';

/** The LDD3/tap/DPDK-style profiles of src/nic (one file each). */
export const CORE_PROFILES = ['accept-all', 'ldd3-nf', 'allmulti-only', 'ldd3-ff:4', 'exact-strict:4', 'hash64', 'tun'] as const;

/** Builtin profiles modelled on real drivers (src/nic/catalog) that the oracle has a spec for. */
export function catalogProfiles(): string[] {
  return builtinProfileNames().filter((n) => !(CORE_PROFILES as readonly string[]).includes(n) && hasOracleSpec(n));
}

/** Runs per profile: keeps `npm test` within a few minutes on two cores. */
export const MODEL_RUNS = { core: 120, catalog: 40 } as const;
export const SCENARIO_RUNS = { core: 60, catalog: 25 } as const;
