// Transcripts of a failing driver run: printed as the exact protocol lines, saved as a fixture
// that `mcast-testbench replay --driver CMD FILE` sends again through the same contract.
// Pure formatting and parsing; the file I/O lives in src/cli/commands/driver.ts.
import { InputError } from '../errors.ts';
import type { DriverCheckFailure } from './contract.ts';
import { type DriverRequest, type HelloAnswer, parseRequest } from './protocol.ts';
import type { Exchange } from './session.ts';

export const DRIVER_FIXTURE_SCHEMA = 'mcast-testbench/driver-transcript@1';

export interface DriverFixtureHeader {
  readonly schema: typeof DRIVER_FIXTURE_SCHEMA;
  readonly driver: { readonly name: string; readonly model: string | null; readonly order: HelloAnswer['order']; readonly source: string };
  readonly failure: { readonly kind: DriverCheckFailure['kind']; readonly rule: string | null; readonly message: string };
  readonly seed: number;
}

/**
 * A saved failing run, as JSON lines: the header, then one line per exchange
 * {"send": request, "got": answer} (hello first). Replay sends every request but hello.
 */
export interface DriverFixture extends DriverFixtureHeader {
  readonly requests: readonly DriverRequest[];
  readonly exchanges: readonly Exchange[];
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
  return {
    schema: DRIVER_FIXTURE_SCHEMA,
    driver: { name: hello.name, model: hello.model, order: hello.order, source },
    failure: { kind: failure.kind, rule: failure.rule, message: failure.message },
    seed: failure.seed,
    requests: failure.script.slice(0, failure.transcript.length),
    exchanges: [helloExchange, ...failure.transcript],
  };
}

function parsedOrRaw(line: string | null): unknown {
  if (line === null) return null;
  try {
    return JSON.parse(line);
  } catch {
    return line;
  }
}

/** The fixture file text: header line, then one line per exchange. */
export function serializeDriverFixture(f: DriverFixture): string {
  const header: DriverFixtureHeader = { schema: f.schema, driver: f.driver, failure: f.failure, seed: f.seed };
  const lines = [JSON.stringify(header), ...f.exchanges.map((x) => JSON.stringify({ send: JSON.parse(x.request) as unknown, got: parsedOrRaw(x.answer) }))];
  return `${lines.join('\n')}\n`;
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function declaredSchema(text: string): string | undefined {
  try {
    const whole = JSON.parse(text) as unknown;
    return isRecord(whole) && typeof whole['schema'] === 'string' ? whole['schema'] : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a fixture file's text; InputError names the file and line of the first bad value. */
export function parseDriverFixture(text: string, file: string): DriverFixture {
  const lines = text.split('\n').filter((l) => l.trim() !== '');
  const values = lines.map((line, i) => {
    try {
      return JSON.parse(line) as unknown;
    } catch {
      // A whole-file JSON document (a scenario) given to replay --driver: say what it is.
      const declared = i === 0 ? declaredSchema(text) : undefined;
      if (declared !== undefined) throw new InputError(file, `is a ${JSON.stringify(declared)} file, not a driver transcript (${DRIVER_FIXTURE_SCHEMA} JSON lines)`);
      throw new InputError(`${file}:${i + 1}`, 'not a JSON value');
    }
  });
  const head = values[0];
  if (!isRecord(head) || head['schema'] !== DRIVER_FIXTURE_SCHEMA) {
    throw new InputError(`${file}:1`, `expected a header line with "schema": ${JSON.stringify(DRIVER_FIXTURE_SCHEMA)}`);
  }
  const requests: DriverRequest[] = [];
  const exchanges: Exchange[] = [];
  values.slice(1).forEach((v, i) => {
    const where = `${file}:${i + 2}`;
    if (!isRecord(v)) throw new InputError(where, 'expected {"send": request, "got": answer}');
    const req = parseRequest(v['send']);
    if (typeof req === 'string') throw new InputError(`${where}#/send`, req);
    exchanges.push({ request: JSON.stringify(v['send']), answer: v['got'] === null || v['got'] === undefined ? null : typeof v['got'] === 'string' ? v['got'] : JSON.stringify(v['got']) });
    if (req.op !== 'hello') requests.push(req);
  });
  if (requests[0]?.op !== 'reset') throw new InputError(file, 'the first request after hello must be a reset');
  const driver = isRecord(head['driver']) ? head['driver'] : {};
  const failure = isRecord(head['failure']) ? head['failure'] : {};
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
    seed: typeof head['seed'] === 'number' ? head['seed'] : 0,
    requests,
    exchanges,
  };
}

/** Driver fixtures are saved as *.transcript.jsonl, so scenario replay of a directory skips them. */
export const DRIVER_FIXTURE_SUFFIX = '.transcript.jsonl';
