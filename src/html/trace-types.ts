// The step-by-step record a failure page shows: the model (src/host) and the oracle run side by
// side over a scenario; after each step the device list, rx mode and NIC state of every
// interface, and for each frame its verdict at each layer (wire, filter, IP, socket) next to
// the oracle's must / may / must-not. Written by ./compare-step.ts, drawn by ./page.ts.
import type { InterfaceSpec, Step } from '../scenario/types.ts';
import type { JsonValue } from '../json.ts';

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
  readonly nic: JsonValue;
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
