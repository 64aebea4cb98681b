// The properties as plain fast-check properties, shared by the vitest suites (properties/) and
// the `check` command (runner.ts).
import { Address4, Address6 } from 'ip-address';
import fc from 'fast-check';
import type { FaultSet } from '../faults.ts';
import type { InterfaceSpec, Scenario } from '../scenario/types.ts';
import { bitrev32, etherCrcLe, macEtherCrc } from '../wire/crc.ts';
import { type IpAddr, ipFromValue } from '../wire/ip.ts';
import { macBytes, macFromBytes } from '../wire/mac.ts';
import { ipv4GroupMac, ipv6GroupMac } from '../wire/mapping.ts';
import { interfacesArbitrary, scenarioArbitrary } from './arbitraries.ts';
import { type CheckModel, type CheckReal, ViolationError, modelRunSetup, stepCommandArbitraries } from './commands.ts';
import { checkScenario } from './compare.ts';
import { InputError } from '../errors.ts';
import { resolveProfile } from '../profiles/registry.ts';
import { isRelayKind } from '../relay/device.ts';
import { type RelayEvent, relayInterleavingProperty } from '../relay/interleavings.ts';
import { fallbackChainProperty } from '../relay/fallback-chain.ts';
import type { RxMode } from '../nic/filter.ts';
import type { RouteOp } from '../route/types.ts';
import { routeScenarioProperty } from './route-property.ts';

export interface ProfilePropertyOptions {
  readonly profile: string;
  readonly faults?: FaultSet;
  /** Longest command list / most intents per run. */
  readonly maxSteps?: number;
  /** fc.commands replay hint (with fc.check's seed and path). */
  readonly replayPath?: string;
  /**
   * Wraps every execution of the predicate: the runner counts runs for progress and stops
   * shrinking after its time budget by answering "passes" without running.
   */
  readonly around?: (run: () => void) => void;
}

export type ModelCase = [InterfaceSpec[], Iterable<fc.Command<CheckModel, CheckReal>>];

/** Default command-list length: long enough to overflow 4- and 8-entry tables and come back. */
export const DEFAULT_MAX_COMMANDS = 40;

const direct = (run: () => void): void => run();

/** (a) The model-based property: fc.commands over every step kind on one profile. */
export function modelProperty(o: ProfilePropertyOptions): fc.IPropertyWithHooks<[ModelCase]> {
  const around = o.around ?? direct;
  const setupOptions = { profile: o.profile, ...(o.faults ? { faults: o.faults } : {}) };
  const arb: fc.Arbitrary<ModelCase> = interfacesArbitrary({ profile: o.profile }).chain((ifs) =>
    fc.tuple(
      fc.constant(ifs),
      fc.commands(stepCommandArbitraries(ifs), {
        maxCommands: o.maxSteps ?? DEFAULT_MAX_COMMANDS,
        size: 'max',
        ...(o.replayPath !== undefined ? { replayPath: o.replayPath } : {}),
      }),
    ),
  );
  return fc.property(arb, ([ifs, cmds]) => {
    around(() => fc.modelRun(modelRunSetup(ifs, setupOptions), cmds));
  });
}

/** (b) The scenario-level property: a whole generated scenario through checkScenario. */
export function scenarioProperty(o: ProfilePropertyOptions): fc.IPropertyWithHooks<[Scenario]> {
  const around = o.around ?? direct;
  const options = { profile: o.profile, ...(o.faults ? { faults: o.faults } : {}) };
  const arb = scenarioArbitrary({ profile: o.profile, stackedVifs: true, ...(o.maxSteps !== undefined ? { maxSteps: o.maxSteps } : {}) });
  return fc.property(arb, (scenario) => {
    around(() => {
      const v = checkScenario(scenario, options);
      if (v.length > 0) throw new ViolationError(v);
    });
  });
}

/**
 * (c) Relay profiles only ("kni-mc+LOWER", src/relay): interleavings of the host's rx-mode
 * changes, the KNI kernel thread, the application and jiffies (src/relay/interleavings.ts).
 * The model and scenario properties see the relay settled after every change; this one sees
 * the orders in between.
 */
export function relayProperty(o: ProfilePropertyOptions): fc.IPropertyWithHooks<[RelayEvent[]]> {
  const profile = resolveProfile(o.profile);
  const kind = profile.stacked?.kind;
  if (!profile.stacked || kind === undefined || !isRelayKind(kind)) {
    throw new InputError(o.profile, `the relay property needs a relay profile (kni-mc+LOWER, tap-relay+LOWER, ...), got ${o.profile}`);
  }
  // The pool spans the profile's own thresholds (macvtap-libvirt: the guest's 64-entry table too).
  const pool = Math.min(Math.max(...profile.thresholds, 8), 130) + 3;
  return relayInterleavingProperty(kind, profile.stacked.lower, { pool, ...(o.faults ? { faults: o.faults } : {}), ...(o.around ? { around: o.around } : {}) });
}

/** (d) Multicast routing scenarios on this profile's NICs against the oracle (src/check/route-property.ts). */
export function routeProperty(o: ProfilePropertyOptions): fc.IPropertyWithHooks<[RouteOp[]]> {
  return routeScenarioProperty({ profile: o.profile, ...(o.faults ? { faults: o.faults } : {}), ...(o.around ? { around: o.around } : {}) });
}

/**
 * (e) DPDK ports only (NicProfile.dpdk): the application's fallback chain over the port's ethdev
 * calls, list -> all-multicast -> promiscuous (src/relay/fallback-chain.ts).
 */
export function ethdevProperty(o: ProfilePropertyOptions): fc.IPropertyWithHooks<[RxMode[]]> {
  const profile = resolveProfile(o.profile);
  if (!profile.dpdk) throw new InputError(o.profile, `the ethdev property needs a DPDK port profile (mlx5-dpdk, virtio-dpdk, ...), got ${o.profile}`);
  return fallbackChainProperty(profile, { ...(o.faults ? { faults: o.faults } : {}), ...(o.around ? { around: o.around } : {}) });
}

export const PROFILE_PROPERTIES = {
  model: modelProperty,
  scenario: scenarioProperty,
  relay: relayProperty,
  route: routeProperty,
  ethdev: ethdevProperty,
} as const;

/**
 * The properties `check` runs on a profile: model, scenario and route, relay (first) for relay profiles,
 * ethdev for DPDK ports. `byDefault`: the default run (no --profile), where a DPDK port the host
 * never drives itself (dpdk.hostByDefault false) gets the ethdev property only.
 */
export function propertiesFor(profile: string, byDefault = false): ProfilePropertyName[] {
  const p = resolveProfile(profile);
  // A relay profile's own property first: its interleavings are what the others cannot see,
  // and `check` prints each unit's counterexample as it ends.
  if (p.stacked) return p.stacked.kind !== undefined && isRelayKind(p.stacked.kind) ? ['relay', 'model', 'scenario', 'route'] : ['model', 'scenario', 'route', 'relay'];
  if (p.dpdk) return byDefault && !p.dpdk.hostByDefault ? ['ethdev'] : ['model', 'scenario', 'route', 'ethdev'];
  return ['model', 'scenario', 'route'];
}

export type ProfilePropertyName = keyof typeof PROFILE_PROPERTIES;

// ---- (c) laws of the wire layer ----------------------------------------------------------

const IPV4_MULTICAST_BASE = 0xe0000000; // 224.0.0.0/4
const IPV4_MAPPED_BITS = 0x7fffff; // include/net/ip.h ip_eth_mc_map keeps 23 bits
/** 224.0.0.0/4 has 28 free bits, the MAC keeps 23: 2^(28-23) = 32 groups per MAC. */
const IPV4_GROUPS_PER_MAC = 32;

function dotted(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}

function ipv4(n: number) {
  return ipFromValue('ipv4', BigInt(n >>> 0));
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

/**
 * The bit-serial ether_crc that 2.4/2.6-era drivers carried before include/linux/crc32.h ("The
 * big-endian AUTODIN II ethernet CRC calculation", ethernet_polynomial = 0x04c11db7, e.g.
 * drivers/staging/vt6655/device_main.c): MSB-first register, octets fed LSB first. Independent
 * of src/wire/crc.ts (table-driven, reflected, then bit-reversed).
 */
export function etherCrcBitSerial(bytes: ArrayLike<number>): number {
  const ETHERNET_POLYNOMIAL = 0x04c11db7;
  let crc = 0xffffffff | 0;
  for (let i = 0; i < bytes.length; i++) {
    let octet = bytes[i] as number;
    for (let bit = 0; bit < 8; bit++, octet >>= 1) {
      crc = (crc << 1) ^ ((crc < 0 ? 1 : 0) ^ (octet & 1) ? ETHERNET_POLYNOMIAL : 0);
    }
  }
  return crc >>> 0;
}

const macArb = fc.uint8Array({ minLength: 6, maxLength: 6 }).map((b) => macFromBytes(b));

/** Every 01:00:5e MAC (bit 23 clear) has exactly the 32 preimages hi5 << 23 | low23 in 224/4. */
export function ipv4GroupsPerMacLaw(map: (g: IpAddr) => string = ipv4GroupMac) {
  return fc.property(fc.nat(IPV4_MAPPED_BITS), fc.nat(0x0fffffff), (low23, probe) => {
    const preimages = Array.from({ length: IPV4_GROUPS_PER_MAC }, (_, hi) => (IPV4_MULTICAST_BASE | (hi << 23) | low23) >>> 0);
    const mac = map(ipv4(preimages[0] as number));
    const want = `01:00:5e:${hex2(low23 >> 16)}:${hex2((low23 >> 8) & 0xff)}:${hex2(low23 & 0xff)}`;
    if (mac !== want) return false;
    if (new Set(preimages).size !== IPV4_GROUPS_PER_MAC) return false;
    if (!preimages.every((g) => map(ipv4(g)) === mac)) return false;
    // Any other group of 224/4 maps to this MAC exactly when it is one of the preimages.
    const g = (IPV4_MULTICAST_BASE | probe) >>> 0;
    return (map(ipv4(g)) === mac) === preimages.includes(g);
  });
}

/** The IPv6 mapping reads exactly the low 32 bits: the high 96 never matter, each low bit does. */
export function ipv6Low32Law(map: (g: IpAddr) => string = ipv6GroupMac) {
  return fc.property(
    fc.bigInt({ min: 0n, max: (1n << 88n) - 1n }),
    fc.bigInt({ min: 0n, max: (1n << 88n) - 1n }),
    fc.nat(0xffffffff),
    fc.nat(31),
    (hiA, hiB, low, bit) => {
      const group = (hi: bigint, lo: number) => ipFromValue('ipv6', (0xffn << 120n) | (hi << 32n) | BigInt(lo >>> 0));
      const a = map(group(hiA, low));
      const b = map(group(hiB, low));
      const flipped = map(group(hiA, (low ^ (1 << bit)) >>> 0));
      return a === b && a !== flipped;
    },
  );
}

export const LAW_PROPERTIES = {
  'ipv4-32-groups-per-mac': ipv4GroupsPerMacLaw(),
  'ipv6-low-32-bits': ipv6Low32Law(),

  /** Mapping agrees with a formula on the text: RFC 1112 6.4 and RFC 2464 7 written out. */
  'mapping-matches-text-formula': fc.property(fc.nat(0x0fffffff), fc.bigInt({ min: 0n, max: (1n << 120n) - 1n }), (v4, v6) => {
    const g4 = dotted((IPV4_MULTICAST_BASE | v4) >>> 0);
    const [, o2, o3, o4] = new Address4(g4).toArray();
    const want4 = `01:00:5e:${hex2((o2 as number) & 0x7f)}:${hex2(o3 as number)}:${hex2(o4 as number)}`;
    const g6 = ipFromValue('ipv6', (0xffn << 120n) | v6);
    const groups = new Address6(g6.text).canonicalForm().split(':');
    const last = (groups[6] as string) + (groups[7] as string);
    const want6 = `33:33:${last.slice(0, 2)}:${last.slice(2, 4)}:${last.slice(4, 6)}:${last.slice(6, 8)}`;
    return ipv4GroupMac(ipv4((IPV4_MULTICAST_BASE | v4) >>> 0)) === want4 && ipv6GroupMac(g6) === want6;
  }),

  /** include/linux/crc32.h: ether_crc = bitrev32(ether_crc_le), and both agree with the bit-serial form. */
  'ether-crc-forms-agree': fc.property(macArb, (mac) => {
    const bytes = macBytes(mac);
    const crc = macEtherCrc(mac);
    return crc === bitrev32(etherCrcLe(bytes)) && crc === etherCrcBitSerial(bytes);
  }),
} as const;

export type LawName = keyof typeof LAW_PROPERTIES;
