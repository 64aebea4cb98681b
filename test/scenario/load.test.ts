// parseScenario / loadScenarioFile: every class of bad input is an InputError whose single-line
// message names the file and the JSON pointer of the offending field.
import { mkdtempSync, readdirSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { InputError } from '../../src/errors.ts';
import { loadScenarioFile, parseScenario } from '../../src/scenario/load.ts';

const FIXTURES = join(import.meta.dirname, '../../fixtures');

/** A valid base scenario; each case below breaks exactly one thing. */
function base(): Record<string, unknown> & { interfaces: Record<string, unknown>[]; steps: Record<string, unknown>[] } {
  return {
    schema: 'mcast-testbench/scenario@1',
    interfaces: [
      { name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], ipv6: ['2001:db8::2/64'] },
      { name: 'eth1', mac: '02:00:00:00:00:03', ipv4: ['10.98.0.2/24'] },
    ],
    steps: [
      { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
      { op: 'join', socket: 's1', group: '224.1.1.1', iface: 'eth0' },
      { op: 'send', id: 'd1', iface: 'eth0', src: '10.99.0.1', dst: '224.1.1.1', port: 5000 },
    ],
  };
}

function errorOf(doc: unknown): InputError {
  try {
    parseScenario(JSON.stringify(doc, null, 2), 'x.json');
  } catch (e) {
    if (e instanceof InputError) return e;
    throw e;
  }
  throw new Error('expected an InputError, the scenario was accepted');
}

type Doc = ReturnType<typeof base>;
const cases: [string, (d: Doc) => void, string, RegExp][] = [
  ['wrong schema id', (d) => void (d['schema'] = 'mcast-testbench/scenario@2'), '/schema', /must be "mcast-testbench\/scenario@1"/],
  ['another format\'s schema id (named before any missing field)', (d) => {
    d['schema'] = 'mcast-testbench/tun-vectors@1';
    delete (d as Record<string, unknown>)['interfaces'];
  }, '/schema', /must be "mcast-testbench\/scenario@1", got "mcast-testbench\/tun-vectors@1"/],
  ['unknown top-level field', (d) => void (d['colour'] = 'red'), '/colour', /unknown field "colour"/],
  ['missing steps', (d) => void delete (d as Record<string, unknown>)['steps'], '/steps', /missing required field "steps"/],
  ['unknown op', (d) => void d.steps.splice(1, 0, { op: 'frobnicate' }), '/steps/1/op', /unknown op "frobnicate"/],
  ['unknown step field', (d) => void ((d.steps[1] as Record<string, unknown>)['colour'] = 1), '/steps/1/colour', /unknown field "colour"/],
  ['missing step field', (d) => void delete d.steps[1]!['group'], '/steps/1/group', /missing required field "group"/],
  ['port out of range', (d) => void (d.steps[0]!['port'] = 65536), '/steps/0/port', /at most 65535/],
  ['port not an integer', (d) => void (d.steps[0]!['port'] = '5000'), '/steps/0/port', /must be an integer/],
  ['interface name too long (IFNAMSIZ)', (d) => void (d.interfaces[1]!['name'] = 'abcdefghijklmnop'), '/interfaces/1/name', /at most 15/],
  ['interface name with a slash', (d) => void (d.interfaces[1]!['name'] = 'a/b'), '/interfaces/1/name', /not a valid name/],
  ['duplicate interface', (d) => void (d.interfaces[1]!['name'] = 'eth0'), '/interfaces/1/name', /declared twice/],
  ['malformed MAC', (d) => void (d.interfaces[0]!['mac'] = '02:00:00:00:02'), '/interfaces/0/mac', /invalid MAC address "02:00:00:00:02"/],
  ['multicast station MAC', (d) => void (d.interfaces[0]!['mac'] = '01:00:5e:00:00:01'), '/interfaces/0/mac', /not a unicast MAC/],
  ['all-zero station MAC', (d) => void (d.interfaces[0]!['mac'] = '00:00:00:00:00:00'), '/interfaces/0/mac', /not a unicast MAC/],
  ['bad prefix', (d) => void (d.interfaces[0]!['ipv4'] = ['10.99.0.2/33']), '/interfaces/0/ipv4/0', /invalid address\/prefix "10.99.0.2\/33"/],
  ['IPv6 in the ipv4 list', (d) => void (d.interfaces[0]!['ipv4'] = ['2001:db8::9/64']), '/interfaces/0/ipv4/0', /not an IPv4 address/],
  ['multicast interface address', (d) => void (d.interfaces[0]!['ipv6'] = ['ff02::1/64']), '/interfaces/0/ipv6/0', /not a unicast address/],
  ['disableIpv6 with IPv6 addresses', (d) => void (d.interfaces[0]!['disableIpv6'] = true), '/interfaces/0/ipv6', /disableIpv6/],
  ['unknown NIC profile', (d) => void (d.interfaces[1]!['nic'] = 'e9999'), '/interfaces/1/nic', /unknown NIC profile "e9999"/],
  ['undeclared interface', (d) => void (d.steps[1]!['iface'] = 'eth7'), '/steps/1/iface', /"eth7" is not declared/],
  ['bad group address', (d) => void (d.steps[1]!['group'] = '224.1.1'), '/steps/1/group', /invalid IP address "224.1.1"/],
  ['open while open', (d) => void d.steps.splice(1, 0, { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 1 }), '/steps/1/socket', /already open/],
  ['bind to a foreign unicast address', (d) => void (d.steps[0]!['bind'] = '10.99.0.3'), '/steps/0/bind', /neither the wildcard/],
  ['bind of the other family', (d) => void (d.steps[0]!['bind'] = '::'), '/steps/0/bind', /not an IPv4 address/],
  ['join of the other family', (d) => void (d.steps[1]!['group'] = 'ff05::1:3'), '/steps/1/group', /IPv4; "ff05::1:3" is of the other family/],
  ['sources without mode', (d) => void (d.steps[1]!['sources'] = ['10.99.0.1']), '/steps/1/mode', /sources given without mode/],
  ['mode without sources', (d) => void (d.steps[1]!['mode'] = 'include'), '/steps/1/sources', /without sources/],
  ['unknown mode', (d) => void Object.assign(d.steps[1]!, { mode: 'both', sources: [] }), '/steps/1/mode', /must be one of "include", "exclude"/],
  ['source of the other family', (d) => void Object.assign(d.steps[1]!, { mode: 'include', sources: ['10.99.0.1', '2001:db8::1'] }), '/steps/1/sources/1', /not an IPv4 address/],
  ['send to a unicast address', (d) => void (d.steps[2]!['dst'] = '10.99.0.9'), '/steps/2/dst', /not a multicast address/],
  ['send from a multicast address', (d) => void (d.steps[2]!['src'] = '224.0.0.9'), '/steps/2/src', /not a unicast address/],
  ['send from the receiving interface', (d) => void (d.steps[2]!['src'] = '10.99.0.2'), '/steps/2/src', /address of the receiving interface "eth0"/],
  ['send from the other family', (d) => void (d.steps[2]!['src'] = '2001:db8::1'), '/steps/2/src', /not an IPv4 address/],
  ['maddr of a unicast MAC', (d) => void d.steps.push({ op: 'maddr', iface: 'eth0', mac: '02:00:00:00:00:09', add: true }), '/steps/3/mac', /not a multicast MAC/],
  ['repeated id', (d) => void d.steps.push({ op: 'frame', id: 'd1', iface: 'eth1', dst: 'ff:ff:ff:ff:ff:ff' }), '/steps/3/id', /"d1" is used by an earlier/],
  ['bad frame MAC', (d) => void d.steps.push({ op: 'frame', id: 'f1', iface: 'eth1', dst: 'ff:ff:ff' }), '/steps/3/dst', /invalid MAC address/],
  ['flag without on', (d) => void d.steps.push({ op: 'promisc', iface: 'eth1' }), '/steps/3/on', /missing required field "on"/],
  [
    'expect with too few step results',
    (d) => void (d['expect'] = { steps: [], interfaces: {}, deliveries: {} }),
    '/expect/steps',
    /0 step result\(s\) for 3 step\(s\)/,
  ],
  [
    'expect with an unknown errno',
    (d) => void (d['expect'] = { steps: [{ op: 'open', error: 'EWHAT' }], interfaces: {}, deliveries: {} }),
    '/expect/steps/0/error',
    /must be one of "EINVAL"/,
  ],
  [
    'expect naming an undeclared interface',
    (d) =>
      void (d['expect'] = {
        steps: [{ op: 'open', error: null }, { op: 'join', error: null }, { op: 'send', error: null }],
        interfaces: { eth9: { mc: [], promisc: 0, allmulti: 0 } },
        deliveries: {},
      }),
    '/expect/interfaces/eth9',
    /not declared/,
  ],
  [
    'expect naming an unknown delivery id (pointer escaping: "a/b" -> a~1b)',
    (d) =>
      void (d['expect'] = {
        steps: [{ op: 'open', error: null }, { op: 'join', error: null }, { op: 'send', error: null }],
        interfaces: {},
        deliveries: { 'a/b': { nic: true, sockets: [] } },
      }),
    '/expect/deliveries/a~1b',
    /no send or frame step has id "a\/b"/,
  ],
];

describe('parseScenario rejects bad input with the JSON pointer of the bad field', () => {
  it('accepts the base scenario', () => {
    expect(parseScenario(JSON.stringify(base()), 'x.json').steps).toHaveLength(3);
  });

  it.each(cases)('%s', (_name, breakIt, pointer, message) => {
    const doc = base();
    breakIt(doc);
    const e = errorOf(doc);
    expect(e.where).toBe(`x.json: ${pointer}`);
    expect(e.message.startsWith(`x.json: ${pointer}: `)).toBe(true);
    expect(e.message).toMatch(message);
    expect(e.message).not.toContain('\n');
  });

  it('reports the first error of the brief example exactly', () => {
    const doc = base();
    doc.steps[1]!['group'] = '224.1.1';
    expect(errorOf(doc).message).toBe('x.json: /steps/1/group: invalid IP address "224.1.1"');
  });

  it('names only the file when the whole document is wrong', () => {
    expect(() => parseScenario('[1, 2]', 'x.json')).toThrow(new InputError('x.json', 'must be an object, got [1,2]'));
  });

  it('names a number too large for a double as Infinity, not null', () => {
    // 1e999 exceeds Number.MAX_VALUE (about 1.8e308), so JSON.parse gives Infinity.
    expect(() => parseScenario('1e999', 'x.json')).toThrow(new InputError('x.json', 'must be an object, got Infinity'));
  });

  it('reports deeply nested input as an input error, not a stack overflow', () => {
    const depth = 100_000;
    expect(() => parseScenario('['.repeat(depth) + ']'.repeat(depth), 'x.json')).toThrow(
      new InputError('x.json', 'must be an object, got a deeply nested array'),
    );
  });

  it('lets a socket id be reopened after close', () => {
    const doc = base();
    doc.steps.push({ op: 'close', socket: 's1' }, { op: 'open', socket: 's1', family: 'ipv6', bind: '::', port: 5000 });
    // The reopened socket is IPv6: an IPv6 join is now fine, an IPv4 one is not.
    doc.steps.push({ op: 'join', socket: 's1', group: 'ff05::1:3', iface: 'eth0' });
    expect(parseScenario(JSON.stringify(doc), 'x.json').steps).toHaveLength(6);
    doc.steps.push({ op: 'join', socket: 's1', group: '224.1.1.1', iface: 'eth0' });
    expect(errorOf(doc).where).toBe('x.json: /steps/6/group');
  });

  it('leaves unopened sockets, unicast joins and other errno cases to the model', () => {
    const doc = base();
    doc.steps.push(
      { op: 'join', socket: 'never-opened', group: '224.1.1.1', iface: 'eth0' },
      { op: 'join', socket: 's1', group: '10.1.2.3', iface: 'eth0' },
      { op: 'close', socket: 'never-opened' },
      { op: 'maddr', iface: 'eth0', mac: '01:00:5e:01:02:03', add: false },
    );
    expect(parseScenario(JSON.stringify(doc), 'x.json').steps).toHaveLength(7);
  });

  it('accepts bind to an interface address and to a multicast group', () => {
    const doc = base();
    doc.steps.push(
      { op: 'open', socket: 's2', family: 'ipv4', bind: '10.98.0.2', port: 5000 },
      { op: 'open', socket: 's3', family: 'ipv6', bind: '2001:db8::2', port: 5000 },
      { op: 'open', socket: 's4', family: 'ipv4', bind: '239.1.2.3', port: 5000 },
    );
    expect(parseScenario(JSON.stringify(doc), 'x.json').steps).toHaveLength(6);
  });
});

describe('invalid JSON names the line and column', () => {
  it.each([
    // Line 3 is "}" after a trailing comma: the error is at its first character.
    ['{\n  "schema": 1,\n}', 3, 1, 'unexpected "}"'],
    // '{"a": }' : the value is missing at offset 6, line 1 column 7.
    ['{"a": }', 1, 7, 'unexpected "}"'],
    ['{"a": 1', 1, 8, 'unexpected end of input'],
    ['', 1, 1, 'unexpected end of input'],
    // Single quotes are not JSON: offset 1, column 2.
    ["{'a': 1}", 1, 2, `unexpected "'"`],
    ['{"a": 1} x', 1, 10, 'unexpected "x"'],
  ])('%j -> line %i column %i', (text, line, column, found) => {
    expect(() => parseScenario(text, 'f.json')).toThrow(new InputError('f.json', `invalid JSON at line ${line} column ${column}: ${found}`));
  });
});

describe('loadScenarioFile', () => {
  it('names a missing file in one line', () => {
    expect(() => loadScenarioFile('/nonexistent/dir/x.json')).toThrow(new InputError('/nonexistent/dir/x.json', 'no such file'));
  });

  it('names a directory given as a file', () => {
    expect(() => loadScenarioFile(FIXTURES)).toThrow(/is a directory/);
  });

  it('refuses a device (/dev/zero) before reading it', () => {
    expect(() => loadScenarioFile('/dev/zero')).toThrow(/^\/dev\/zero: not a regular file \(a character device\)/);
  });

  it('stops reading a file at the size limit', () => {
    // 64 MiB = 64 * 1024 * 1024 = 67108864 bytes; a sparse file takes no space.
    const dir = mkdtempSync(join(tmpdir(), 'mtb-load-'));
    try {
      const big = join(dir, 'big.json');
      truncateSync((writeFileSync(big, ''), big), 67108864 + 1);
      expect(() => loadScenarioFile(big)).toThrow(new InputError(big, 'larger than 67108864 bytes'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('loads every hand-written fixture', () => {
    const files = readdirSync(FIXTURES).filter((f) => f.startsWith('kernel-fact-') && f.endsWith('.json'));
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const f of files) {
      const s = loadScenarioFile(join(FIXTURES, f));
      expect(s.expect, f).toBeDefined();
      expect(s.description, f).toMatch(/\.(c|h)\b/);
    }
  });
});
