// Generated interfaces: one or two plain interfaces with their addresses, sometimes a macvlan
// stacked on the first.
import fc from 'fast-check';
import { type InterfaceSpec } from '../scenario/types.ts';
import { ipFromValue } from '../wire/ip.ts';

export interface ScenarioArbitraryOptions {
  /** NIC profile written into every interface's `nic`; absent: no `nic` (accept-all). */
  readonly profile?: string;
  /** Most intents per scenario (a burst intent expands to 20-30 joins). Default 30. */
  readonly maxSteps?: number;
  /** Exactly this many interfaces; absent: 1 or 2. */
  readonly interfaces?: 1 | 2;
  /** false: no IPv6 addresses, sockets or datagrams. Default true. */
  readonly ipv6?: boolean;
  /** Thresholds a fill intent crosses on an interface without `nic` (a driver under test's). */
  readonly fillThresholds?: readonly number[];
  /** Fills stop at about this many device-list entries (thresholds above it are not crossed). */
  readonly maxList?: number;
  /** false: no `link-del` steps (the interfaces are physical NICs). Default true. */
  readonly linkDel?: boolean;
  /** false: never a macvlan. Default true: one run in two stacks a macvlan mv0 on eth0 (none when `interfaces` is given). */
  readonly macvlan?: boolean;
  /**
   * With a macvlan: in some runs a routing socket puts a vif on it (mrt-init, vif-add), so the
   * kernel's own allmulti count on a stacked device meets its lower (dev_set_allmulti ->
   * macvlan_change_rx_flags). Off for live backends whose kernel may lack IP_MROUTE.
   */
  readonly stackedVifs?: boolean;
  /** These interfaces, not generated ones (a device under test's); `interfaces` and `macvlan` are then ignored. */
  readonly given?: readonly InterfaceSpec[];
}

// ---- interfaces --------------------------------------------------------------------------

interface InterfaceChoice {
  readonly macLow: number;
  readonly v4host: number | null;
  readonly v6: 'disabled' | 'none' | readonly { readonly kind: number; readonly n: number }[];
}

function hex2(n: number): string {
  return n.toString(16).padStart(2, '0');
}

function buildInterface(idx: number, c: InterfaceChoice, profile: string | undefined): InterfaceSpec {
  const mac = `02:00:00:${hex2(idx)}:${hex2(c.macLow >> 8)}:${hex2(c.macLow & 0xff)}`;
  const spec: { -readonly [K in keyof InterfaceSpec]: InterfaceSpec[K] } = { name: `eth${idx}`, mac };
  if (c.v4host !== null) spec.ipv4 = [`10.${99 + idx}.0.${c.v4host}/24`];
  if (c.v6 === 'disabled') spec.disableIpv6 = true;
  else if (c.v6 !== 'none') {
    const macLow24 = (idx << 16) | c.macLow;
    const hosts = c.v6.map(({ kind, n }) =>
      // kind 1: same low 24 bits as the EUI-64 link-local (one shared solicited-node group);
      // kind 2: same low 24 bits as host n of kind 0 (addrconf_join_solict, users 2).
      kind === 1 ? macLow24 : kind === 2 ? 0x1000000 | n : n,
    );
    const addrs = [...new Set(hosts)].map(
      (h) => `${ipFromValue('ipv6', (0x20010db8n << 96n) | (BigInt(idx) << 80n) | BigInt(h)).text}/64`,
    );
    spec.ipv6 = addrs;
  }
  if (profile !== undefined) spec.nic = profile;
  return spec;
}

function interfaceChoiceArbitrary(ipv6: boolean): fc.Arbitrary<InterfaceChoice> {
  const v6host = fc.record({ kind: fc.integer({ min: 0, max: 2 }), n: fc.integer({ min: 1, max: 0xffff }) });
  return fc.record({
    macLow: fc.integer({ min: 1, max: 0xfffe }),
    v4host: fc.option(fc.integer({ min: 1, max: 254 }), { freq: 8, nil: null }),
    v6: ipv6
      ? fc.oneof(
          { weight: 8, arbitrary: fc.array(v6host, { minLength: 1, maxLength: 2 }) },
          { weight: 1, arbitrary: fc.constant('disabled' as const) },
          { weight: 1, arbitrary: fc.constant('none' as const) },
        )
      : fc.constant('none' as const),
  });
}

/** The name generated macvlans take (one, on eth0). */
export const MACVLAN_NAME = 'mv0';

/**
 * A macvlan on eth0, numbered after the plain interfaces (MAC 02:00:00:0I:xx:xx, 10.99+I.0.0/24,
 * 2001:db8:I::/64), with no `nic` (frames meet eth0's). IPv6 disabled as often as on a plain
 * interface; created down (`up: false`) when its MAC's low bits are a multiple of 5, one in five:
 * both come from choices the generator already draws, so the runs without them stay as they were.
 */
function buildMacvlan(idx: number, c: InterfaceChoice): InterfaceSpec {
  const { name: _name, nic: _nic, ...rest } = buildInterface(idx, c, undefined);
  return { name: MACVLAN_NAME, kind: 'macvlan', lower: 'eth0', ...rest, ...(c.macLow % 5 === 0 ? { up: false } : {}) };
}

/**
 * One or two interfaces eth0/eth1 with unicast MACs 02:00:00:0I:xx:xx, 10.99+I.0.0/24 and
 * 2001:db8:I::/64, and (unless options.macvlan is false) in one run of two a macvlan mv0 on eth0.
 */
export function interfacesArbitrary(options: ScenarioArbitraryOptions = {}): fc.Arbitrary<InterfaceSpec[]> {
  if (options.given !== undefined) return fc.constant([...options.given]);
  const ipv6 = options.ipv6 ?? true;
  const count = options.interfaces !== undefined ? fc.constant(options.interfaces) : fc.constantFrom(1, 2);
  const plain = count.chain((n) =>
    fc
      .array(interfaceChoiceArbitrary(ipv6), { minLength: n, maxLength: n })
      .map((cs) => cs.map((c, i) => buildInterface(i, c, options.profile))),
  );
  // An exact interface count is a count of plain interfaces: no macvlan then.
  if (options.macvlan === false || options.interfaces !== undefined) return plain;
  return fc
    .tuple(plain, fc.option(interfaceChoiceArbitrary(ipv6), { freq: 2, nil: null }))
    .map(([ifs, mv]) => (mv === null ? ifs : [...ifs, buildMacvlan(ifs.length, mv)]));
}
