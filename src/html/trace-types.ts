// The step-by-step record a failure page shows: the model (src/host) and the oracle run side by
// side over a scenario; after each step the device list, rx mode and NIC state of every
// interface, and for each frame its verdict at each layer (wire, filter, IP, socket) next to
// the oracle's must / may / must-not. Written by ./compare-step.ts, drawn by ./page.ts.
import type { InterfaceSpec, Step } from '../scenario/types.ts';
import type { JsonValue } from '../json.ts';
import type { ProbeBucket } from './filter-state.ts';

export type OracleVerdict = 'must' | 'may' | 'must-not';

export interface LayerVerdict {
  readonly layer: 'wire' | 'filter' | 'IP' | 'socket';
  /** What the model did. */
  readonly model: string;
  /** What the oracle says at this layer. */
  readonly oracle: string;
  readonly verdict?: OracleVerdict;
  /** The model's answer breaks the oracle's. */
  readonly wrong: boolean;
}

export interface InterfaceState {
  readonly name: string;
  readonly deviceList: readonly string[];
  readonly oracleDeviceList: readonly string[];
  readonly promisc: number;
  readonly allmulti: number;
  readonly oraclePromisc: number;
  readonly oracleAllmulti: number;
  /** The model's NIC state (nicState). */
  readonly nic: JsonValue;
  /** What the oracle's spec expects of the filter (./filter-state.ts acceptanceJson). */
  readonly oracleFilter: JsonValue;
  /** The first few leaked or lost MACs of the step on this interface, with their hash buckets. */
  readonly probes: readonly ProbeBucket[];
}

/** One violation's kind and, for a leak or loss, the MAC and interface (check/compare.ts Violation). */
export interface ViolationFacts {
  readonly kind: string;
  readonly mac?: string;
  readonly iface?: string;
}

export interface StepTrace {
  /** -1: the interfaces as created, before the first step. */
  readonly index: number;
  /** null for index -1. */
  readonly step: Step | null;
  readonly modelError: string | null;
  readonly oracleError: string | null;
  readonly interfaces: readonly InterfaceState[];
  readonly frame?: { readonly id: string; readonly iface: string; readonly layers: readonly LayerVerdict[] };
  /** This step's violations (check/compare.ts), one line each. */
  readonly violations: readonly string[];
  /** The same violations' kinds and MACs, in the same order: the page groups them. */
  readonly issues: readonly ViolationFacts[];
  /** Set when the model or the oracle threw: the trace stops here. */
  readonly threw?: string;
}

export interface Trace {
  readonly profile?: string;
  readonly interfaces: readonly InterfaceSpec[];
  readonly steps: readonly StepTrace[];
  /** The index of the first step with a violation (-1: at creation), null when none has one. */
  readonly failingStep: number | null;
}
