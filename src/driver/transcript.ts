// Transcripts of a failing driver run: printed as the exact protocol lines, saved as a fixture
// that `mcast-testbench replay --driver CMD FILE` sends again through the same contract.
// Pure formatting and parsing; the file I/O lives in src/cli/commands/driver.ts.
import { InputError } from '../errors.ts';
import type { DriverCheckFailure } from './contract.ts';
import { type DriverRequest, type HelloAnswer, parseRequest } from './protocol.ts';
import type { Exchange } from './session.ts';

export const DRIVER_FIXTURE_SCHEMA = 'mcast-testbench/driver-transcript@1';

export interface DriverFixture {
  readonly schema: typeof DRIVER_FIXTURE_SCHEMA;
  readonly driver: { readonly name: string; readonly model: string | null; readonly order: HelloAnswer['order']; readonly source: string };
  readonly failure: { readonly kind: DriverCheckFailure['kind']; readonly rule: string | null; readonly message: string };
  readonly seed: number;
  /** The requests replay sends after hello, in order. */
  readonly requests: readonly DriverRequest[];
  /** What the driver answered when the failure was found: request and answer lines. */
  readonly transcript: readonly { readonly send: string; readonly got: string | null }[];
}

/**
 * The exchanges as the user reads them: `> ` lines sent, `< ` lines answered, numbered like the
 * requests in the violation message. The hello exchange comes first, unnumbered.
 */
export function formatTranscript(hello: Exchange | null, exchanges: readonly Exchange[]): string {
  const width = String(Math.max(exchanges.length - 1, 0)).length;
  const lines: string[] = [];
  if (hello && hello.request) {
    lines.push(`${' '.repeat(width + 1)} > ${hello.request}`, `${' '.repeat(width + 1)} < ${hello.answer ?? '(no answer)'}`);
  }
  exchanges.forEach((x, i) => {
    lines.push(`#${String(i).padStart(width, '0')} > ${x.request}`, `${' '.repeat(width + 1)} < ${x.answer ?? '(no answer)'}`);
  });
  return lines.join('\n');
}

export function fixtureFromFailure(
  failure: DriverCheckFailure,
  hello: HelloAnswer,
  helloExchange: Exchange,
  source: string,
): DriverFixture {
  const exchanges = [helloExchange, ...failure.transcript];
  return {
    schema: DRIVER_FIXTURE_SCHEMA,
    driver: { name: hello.name, model: hello.model, order: hello.order, source },
    failure: { kind: failure.kind, rule: failure.rule, message: failure.message },
    seed: failure.seed,
    requests: failure.script.slice(0, failure.transcript.length),
    transcript: exchanges.map((x) => ({ send: x.request, got: x.answer })),
  };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Reads a fixture's JSON value; InputError names the JSON pointer of the first bad value. */
export function parseDriverFixture(value: unknown, file: string): DriverFixture {
  const where = (pointer: string) => `${file}#${pointer}`;
  if (!isRecord(value)) throw new InputError(where(''), 'a driver fixture is a JSON object');
  if (value['schema'] !== DRIVER_FIXTURE_SCHEMA) {
    throw new InputError(where('/schema'), `expected ${JSON.stringify(DRIVER_FIXTURE_SCHEMA)}, got ${JSON.stringify(value['schema'])}`);
  }
  const requests = value['requests'];
  if (!Array.isArray(requests) || requests.length === 0) throw new InputError(where('/requests'), 'expected a non-empty array of requests');
  const parsed = requests.map((r, i) => {
    const req = parseRequest(r);
    if (typeof req === 'string') throw new InputError(where(`/requests/${i}`), req);
    if (req.op === 'hello') throw new InputError(where(`/requests/${i}`), 'hello is sent by the testbench itself; leave it out');
    return req;
  });
  if (parsed[0]?.op !== 'reset') throw new InputError(where('/requests/0'), 'the first request must be a reset');
  const driver = isRecord(value['driver']) ? value['driver'] : {};
  const failure = isRecord(value['failure']) ? value['failure'] : {};
  const transcript = Array.isArray(value['transcript']) ? value['transcript'] : [];
  return {
    schema: DRIVER_FIXTURE_SCHEMA,
    driver: {
      name: typeof driver['name'] === 'string' ? driver['name'] : '',
      model: typeof driver['model'] === 'string' ? driver['model'] : null,
      order: driver['order'] === 'list' ? 'list' : 'set',
      source: typeof driver['source'] === 'string' ? driver['source'] : '',
    },
    failure: {
      kind: failure['kind'] === 'driver-error' ? 'driver-error' : 'violation',
      rule: typeof failure['rule'] === 'string' ? failure['rule'] : null,
      message: typeof failure['message'] === 'string' ? failure['message'] : '',
    },
    seed: typeof value['seed'] === 'number' ? value['seed'] : 0,
    requests: parsed,
    transcript: transcript.filter(isRecord).map((x) => ({
      send: typeof x['send'] === 'string' ? x['send'] : '',
      got: typeof x['got'] === 'string' ? x['got'] : null,
    })),
  };
}

/** True when a JSON value looks like a driver fixture rather than a scenario. */
export function isDriverFixture(value: unknown): boolean {
  return isRecord(value) && value['schema'] === DRIVER_FIXTURE_SCHEMA;
}
