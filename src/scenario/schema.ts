// The JSON Schema of mcast-testbench/scenario@1. Shape only: values (addresses, names, socket
// state) are checked by validate.ts, which can name the rule that a value breaks.
// The property order of every object schema here is the key order saveFixture writes.
import type { Errno } from '../errors.ts';
import { BURST_MAX, SEND_PAYLOAD_MAX, FILL_COUNT_MAX, FILL_FIRST_MAX, RELAY_INTERFACE_KINDS, ROUTE_STEP_OPS, type RouteStepOp, SCENARIO_SCHEMA_ID, type StepOp } from './types.ts';

/** A JSON Schema (draft-07 subset) as a plain value. */
export type JsonSchema = { readonly [keyword: string]: unknown };

// Every Errno of src/errors.ts; the two checks below fail to compile if the lists drift apart.
export const ERRNO_NAMES = [
  'EINVAL',
  'EADDRINUSE',
  'EADDRNOTAVAIL',
  'ENOBUFS',
  'EBADF',
  'ENODEV',
  'ENOENT',
  'ENOSPC',
  'EEXIST',
  'EAFNOSUPPORT',
  'EOPNOTSUPP',
  'EACCES',
  'ENOPROTOOPT',
  'ENFILE',
] as const satisfies readonly Errno[];
type MissingErrno = Exclude<Errno, (typeof ERRNO_NAMES)[number]>;
const everyErrnoListed: MissingErrno extends never ? true : MissingErrno = true;
void everyErrnoListed;

export const STEP_OPS = [
  'open',
  'join',
  'leave',
  'close',
  'maddr',
  'fill',
  'promisc',
  'allmulti',
  'link',
  'link-del',
  'send',
  'frame',
] as const satisfies readonly StepOp[];
type MissingOp = Exclude<StepOp, (typeof STEP_OPS)[number]>;
const everyOpListed: MissingOp extends never ? true : MissingOp = true;
void everyOpListed;

/** include/uapi/linux/if.h IFNAMSIZ = 16, including the NUL: at most 15 characters. */
export const IFNAME_MAX_LENGTH = 15;
/** UDP ports; 0 is not a port a datagram can be addressed to. */
const PORT_MIN = 1;
const PORT_MAX = 65535;

// net/core/dev.c dev_valid_name: no '/', ':' or whitespace, not "." or "..".
const IFNAME_PATTERN = '^(?!\\.{1,2}$)[^/:\\s]+$';

const str: JsonSchema = { type: 'string' };
const nonEmpty: JsonSchema = { type: 'string', minLength: 1 };
const ifname: JsonSchema = { type: 'string', minLength: 1, maxLength: IFNAME_MAX_LENGTH, pattern: IFNAME_PATTERN };
const port: JsonSchema = { type: 'integer', minimum: PORT_MIN, maximum: PORT_MAX };
const counter: JsonSchema = { type: 'integer', minimum: 0 };

function object(properties: Record<string, JsonSchema>, required: readonly string[]): JsonSchema {
  return { type: 'object', properties, required, additionalProperties: false };
}

function step(op: StepOp | readonly StepOp[], rest: Record<string, JsonSchema>, required: readonly string[]): JsonSchema {
  const opSchema = typeof op === 'string' ? { const: op } : { enum: op };
  return object({ op: opSchema, ...rest }, ['op', ...required]);
}

const interfaceSchema = object(
  {
    name: ifname,
    mac: str,
    ipv4: { type: 'array', items: str },
    ipv6: { type: 'array', items: str },
    disableIpv6: { type: 'boolean' },
    nic: nonEmpty,
    kind: { enum: ['macvlan', ...RELAY_INTERFACE_KINDS] },
    lower: ifname,
    up: { type: 'boolean' },
  },
  ['name', 'mac'],
);

const stepSchemas: readonly JsonSchema[] = [
  step('open', { socket: nonEmpty, family: { enum: ['ipv4', 'ipv6'] }, bind: str, port }, ['socket', 'family', 'bind', 'port']),
  step(
    'join',
    { socket: nonEmpty, group: str, iface: ifname, mode: { enum: ['include', 'exclude'] }, sources: { type: 'array', items: str } },
    ['socket', 'group', 'iface'],
  ),
  step('leave', { socket: nonEmpty, group: str, iface: ifname }, ['socket', 'group', 'iface']),
  step('close', { socket: nonEmpty }, ['socket']),
  step('maddr', { iface: ifname, mac: str, add: { type: 'boolean' } }, ['iface', 'mac', 'add']),
  step('fill', { iface: ifname, count: { type: 'integer', minimum: 1, maximum: FILL_COUNT_MAX }, first: { type: 'integer', minimum: 0, maximum: FILL_FIRST_MAX } }, ['iface', 'count', 'first']),
  step(['promisc', 'allmulti'], { iface: ifname, on: { type: 'boolean' } }, ['iface', 'on']),
  step('link', { iface: ifname, up: { type: 'boolean' } }, ['iface', 'up']),
  step('link-del', { iface: ifname }, ['iface']),
  step(
    'send',
    { id: nonEmpty, iface: ifname, src: str, dst: str, port, ttl: { type: 'integer', minimum: 0, maximum: 255 }, hopLimit: { type: 'integer', minimum: 0, maximum: 255 }, payload: { type: 'integer', minimum: 0, maximum: SEND_PAYLOAD_MAX }, burst: { type: 'integer', minimum: 2, maximum: BURST_MAX } },
    ['id', 'iface', 'src', 'dst', 'port'],
  ),
  step('frame', { id: nonEmpty, iface: ifname, dst: str }, ['id', 'iface', 'dst']),
  ...routeStepSchemas(),
];

/** The routing steps (src/scenario/types.ts RouteStep; net/ipv4/ipmr.c, net/ipv6/ip6mr.c). */
function routeStepSchemas(): JsonSchema[] {
  const rs = (op: RouteStepOp, rest: Record<string, JsonSchema>, required: readonly string[]): JsonSchema =>
    object({ op: { const: op }, ...rest }, ['op', ...required]);
  // vifi_t / mifi_t are unsigned short; the kernel answers numbers >= 32 with ENFILE / EADDRNOTAVAIL.
  const vif: JsonSchema = { type: 'integer', minimum: 0, maximum: 65535 };
  const byte: JsonSchema = { type: 'integer', minimum: 0, maximum: 255 };
  return [
    rs(
      'mrt-init',
      { socket: nonEmpty, family: { enum: ['ipv4', 'ipv6'] }, proto: { enum: ['igmp', 'icmpv6', 'udp'] }, optlen: { type: 'integer', minimum: 0 }, assert: { type: 'boolean' } },
      ['socket', 'family'],
    ),
    rs('mrt-open', { socket: nonEmpty, family: { enum: ['ipv4', 'ipv6'] }, proto: { enum: ['igmp', 'icmpv6', 'udp'] } }, ['socket', 'family']),
    rs('mrt-get', { socket: nonEmpty, option: { enum: ['version', 'assert', 'pim'] } }, ['socket', 'option']),
    rs('mrt-assert', { socket: nonEmpty, on: { type: 'boolean' } }, ['socket', 'on']),
    rs('mrt-done', { socket: nonEmpty, close: { type: 'boolean' } }, ['socket']),
    rs('mrt-pim', { socket: nonEmpty, value: { type: 'integer', minimum: -2147483648, maximum: 2147483647 } }, ['socket', 'value']),
    rs('mrt-flush', { socket: nonEmpty, flags: { type: 'integer', minimum: -2147483648, maximum: 2147483647 } }, ['socket', 'flags']),
    rs('vif-add', { socket: nonEmpty, vif, iface: ifname, register: { type: 'boolean' }, local: str, threshold: byte }, ['socket', 'vif']),
    rs('vif-del', { socket: nonEmpty, vif }, ['socket', 'vif']),
    rs(
      'mfc-add',
      { socket: nonEmpty, origin: str, group: str, parent: vif, ttls: { type: 'array', items: byte, maxItems: 32 }, oifs: { type: 'array', items: vif }, proxy: { type: 'boolean' } },
      ['socket', 'origin', 'group', 'parent'],
    ),
    rs('mfc-del', { socket: nonEmpty, origin: str, group: str, parent: vif, proxy: { type: 'boolean' } }, ['socket', 'origin', 'group']),
    rs('tick', { ms: { type: 'integer', minimum: 0 } }, ['ms']),
  ];
}

/** Step schema chosen by `op` (ajv's discriminator: an unknown op is one error naming /op). */
const stepSchema: JsonSchema = {
  type: 'object',
  properties: { op: { type: 'string' } },
  required: ['op'],
  discriminator: { propertyName: 'op' },
  oneOf: stepSchemas,
};

/** The simulate output shape (src/scenario/types.ts SimulateResult), used by expect/observed. */
const deviceListEntry = object({ mac: str, users: { type: 'integer', minimum: 1 } }, ['mac', 'users']);
const interfaceResult = object(
  // `nic` may be left out of an expectation: replay then compares only the rest.
  {
    mc: { type: 'array', items: deviceListEntry },
    promisc: counter,
    allmulti: counter,
    nic: {},
    global: { type: 'array', items: str },
    groups: { type: 'array', items: object({ group: str, users: { type: 'integer', minimum: 1 } }, ['group', 'users']) },
  },
  ['mc', 'promisc', 'allmulti'],
);
const copyResult = object({ iface: ifname, ttl: { type: 'integer', minimum: 0, maximum: 255 } }, ['iface', 'ttl']);
const upcallResult = object(
  { type: { enum: ['NOCACHE', 'WRONGVIF', 'WHOLEPKT', 'WRVIFWHOLE'] }, vif: counter, src: str, group: str, length: counter, header: { type: 'string', pattern: '^([0-9a-f.]{2})( [0-9a-f.]{2})*$' } },
  ['type', 'vif', 'src', 'group'],
);
const count: JsonSchema = { type: 'integer', minimum: 0 };
/** A burst's counts (types.ts BurstResult). */
const burstResult = object({ frames: count, filtered: count, noMbuf: count, fifoDrop: count, delivered: count }, ['frames', 'filtered', 'noMbuf', 'fifoDrop', 'delivered']);
const replayResult = object({ id: nonEmpty, forwarded: { type: 'array', items: copyResult }, upcalls: { type: 'array', items: upcallResult } }, ['id', 'forwarded', 'upcalls']);
const procTexts = object({ ip_mr_vif: str, ip_mr_cache: str, ip6_mr_vif: str, ip6_mr_cache: str }, ['ip_mr_vif', 'ip_mr_cache', 'ip6_mr_vif', 'ip6_mr_cache']);
const stepResult = object(
  { op: { enum: [...STEP_OPS, ...ROUTE_STEP_OPS] }, error: { enum: [...ERRNO_NAMES, null] }, replayed: { type: 'array', items: replayResult }, value: { type: 'integer' }, proc: procTexts, nic: { type: 'object' }, views: { type: 'object' } },
  ['op', 'error'],
);
const delivery = object(
  { nic: { type: 'boolean' }, sockets: { type: 'array', items: nonEmpty }, route: str, forwarded: { type: 'array', items: copyResult }, upcalls: { type: 'array', items: upcallResult }, burst: burstResult },
  ['nic', 'sockets'],
);
export const simulateResultSchema: JsonSchema = object(
  {
    steps: { type: 'array', items: stepResult },
    interfaces: { type: 'object', additionalProperties: interfaceResult },
    deliveries: { type: 'object', additionalProperties: delivery },
  },
  ['steps', 'interfaces', 'deliveries'],
);

export const scenarioSchema: JsonSchema = {
  $id: 'https://mcast-testbench/schemas/scenario-1.json',
  title: SCENARIO_SCHEMA_ID,
  ...object(
    {
      schema: { const: SCENARIO_SCHEMA_ID },
      description: str,
      interfaces: { type: 'array', minItems: 1, items: interfaceSchema },
      steps: { type: 'array', items: stepSchema },
      expect: simulateResultSchema,
      observed: simulateResultSchema,
      meta: { type: 'object' },
    },
    ['schema', 'interfaces', 'steps'],
  ),
};

/** The object schema of one step, by op; undefined for an unknown op. */
export function stepSchemaFor(op: string): JsonSchema | undefined {
  return stepSchemas.find((s) => {
    const opSchema = (s['properties'] as Record<string, { const?: string; enum?: readonly string[] }>)['op'];
    return opSchema?.const === op || (opSchema?.enum?.includes(op) ?? false);
  });
}

export { stepSchema, interfaceSchema, interfaceResult as interfaceResultSchema };
