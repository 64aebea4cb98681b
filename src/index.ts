// The library: `import { ... } from 'mcast-testbench'`. What a project needs to write its own
// vitest (or any runner's) property file against its driver, to plug in a NIC profile, or to run
// `check` from code. Documented in docs/library.md; everything else under src/ is internal.

/** The package version (package.json). */
export { VERSION } from './version.ts';
export { InputError, type Errno } from './errors.ts';
export { FAULTS, NO_FAULTS, isFaultName, type FaultName, type FaultSet } from './faults.ts';

// ---- scenarios ----------------------------------------------------------------------------
export type {
  AnyStep,
  Delivery,
  InterfaceSpec,
  RouteStep,
  Scenario,
  SimulateResult,
  SocketFamily,
  Step,
  StepOp,
} from './scenario/types.ts';
export { SCENARIO_SCHEMA_ID } from './scenario/types.ts';
/** Parses and validates scenario JSON text; InputError names the JSON pointer of a bad field. */
export { parseScenario, loadScenarioFile } from './scenario/load.ts';
export { validateScenario } from './scenario/validate.ts';
export { formatScenario, saveFixture } from './scenario/save.ts';
/** Runs one scenario through the host model (what `mcast-testbench simulate` prints). */
export { simulate, type SimulateOptions } from './simulate.ts';

// ---- generators (fast-check arbitraries) --------------------------------------------------
export {
  type ScenarioArbitraryOptions,
  scenarioArbitrary,
  interfacesArbitrary,
  stepArbitrary,
  StepContext,
  intentArbitrary,
  stepsFromIntents,
  type Intent,
  type IntentKind,
} from './check/arbitraries.ts';

// ---- the oracle (independent of the model) -------------------------------------------------
export { Oracle, type OracleStepResult } from './oracle/index.ts';
export { hasOracleSpec, oracleProfileNames, resolveSpec } from './oracle/filters/index.ts';
export {
  classifyAcceptance,
  hashFilterAcceptance,
  refusingTableAcceptance,
  station,
  type Acceptance,
  type FilterInput,
  type FilterSpec,
  type FilterSpecFamily,
  type FrameVerdict,
} from './oracle/filters/spec.ts';
/** The oracle's own CRC and address helpers, for writing a plug-in's spec without model code. */
export { bucket64, etherCrc, etherCrcLe } from './oracle/crc.ts';
export { BROADCAST, isGroupMac, macOctets } from './oracle/address.ts';

// ---- model against oracle -----------------------------------------------------------------
/** Every violation of one scenario on one profile (model against oracle); [] when it holds. */
export { checkScenario, type CheckScenarioOptions, type Violation, type ViolationKind } from './check/compare.ts';
export {
  modelProperty,
  scenarioProperty,
  relayProperty,
  routeProperty,
  propertiesFor,
  PROFILE_PROPERTIES,
  type ProfilePropertyName,
  type ProfilePropertyOptions,
} from './check/properties.ts';
/** `mcast-testbench check` as a function: every property on the given profiles. */
export { runCheck } from './check/runner.ts';
export { profileSeed, type CheckFailure, type CheckOptions, type CheckOutcome } from './check/units.ts';

// ---- NIC profiles --------------------------------------------------------------------------
export {
  builtinProfileNames,
  builtinProfiles,
  isProfileName,
  profileFamilies,
  resolveProfile,
  type ProfileFamilyInfo,
} from './profiles/registry.ts';
export type { NicFilter, NicProfile, ProgramResult, RxMode } from './nic/filter.ts';
export {
  fixedFamily,
  parameterisedFamily,
  type FixedFamily,
  type ParameterisedFamily,
  type ProfileFamily,
  type ProfileParameter,
} from './nic/family.ts';
export { type CapacityModel, exactRefusing, exactThenAll, hashFill, hashOnly, hashThenAll } from './nic/capacity.ts';
export { BROADCAST_MAC, isMac, macBytes, macFromBytes, parseMac, type Mac } from './wire/mac.ts';
/** The model's CRCs (net/ethernet/eth.c ether_crc / ether_crc_le), for a plug-in's filter. */
export { macEtherCrc, macEtherCrcLe } from './wire/crc.ts';
export { loadProfileModule, registerProfile, type ProfilePlugin } from './profile-plugin.ts';

// ---- the driver under test -----------------------------------------------------------------
export {
  checkDriver,
  driverReportExitCode,
  formatDriverReport,
  type CheckDriverOptions,
  type CheckDriverReport,
  type DriverUnderTest,
} from './driver/check-driver.ts';
export {
  startAdapterDriver,
  startDriver,
  type DriverAdapter,
  type DriverOptions,
  type DriverSession,
  type DriverSource,
  type Exchange,
} from './driver/session.ts';
export { checkDriverContract, type DriverCheckFailure, type DriverCheckResult } from './driver/contract.ts';
export { checkDriverEndToEnd, type EndToEndResult } from './driver/end-to-end.ts';
export {
  DRIVER_PROTOCOL_VERSION,
  DriverError,
  type DriverAnswer,
  type DriverRequest,
  type HelloAnswer,
  type ProgramRequest,
  type RxRequest,
} from './driver/protocol.ts';
