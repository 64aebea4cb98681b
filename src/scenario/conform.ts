// Checks a parsed JSON value against the scenario schema (ajv) and turns the first violation
// into an InputError whose `where` is the JSON pointer of the offending field.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { InputError } from '../errors.ts';
import { pointerToken } from './pointer.ts';
import { scenarioSchema } from './schema.ts';
import { type Scenario, SCENARIO_SCHEMA_ID } from './types.ts';

let compiled: ValidateFunction<Scenario> | undefined;

/**
 * The schema's validator, compiled on first use: compiling takes about 0.25 s, and most processes
 * that load this module (a `check`, each of its worker threads) never read a scenario file.
 */
function validator(): ValidateFunction<Scenario> {
  // verbose: errors carry the offending data and the schema that rejected it, for messages.
  // allErrors: a file with several bad fields is told about all of them in one run, not one per run.
  compiled ??= new Ajv({ allErrors: true, discriminator: true, strict: true, verbose: true }).compile<Scenario>(scenarioSchema);
  return compiled;
}

function show(value: unknown): string {
  // JSON.stringify prints Infinity (a huge literal like 1e999) as "null" and overflows the stack
  // on deeply nested input: neither may reach the user as a wrong value or an internal error.
  if (typeof value === 'number' && !Number.isFinite(value)) return String(value);
  let text: string | undefined;
  try {
    text = JSON.stringify(value);
  } catch {
    return Array.isArray(value) ? 'a deeply nested array' : 'a deeply nested object';
  }
  if (text === undefined) return String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

const TYPE_NAMES: Record<string, string> = {
  integer: 'an integer',
  number: 'a number',
  string: 'a string',
  boolean: 'a boolean',
  object: 'an object',
  array: 'an array',
  null: 'null',
};

function allowedKeys(schema: unknown): string {
  const props = (schema as { properties?: Record<string, unknown> } | undefined)?.properties;
  return props ? ` (allowed: ${Object.keys(props).join(', ')})` : '';
}

function explain(e: ErrorObject): { where: string; message: string } {
  const at = e.instancePath;
  const p = e.params as Record<string, unknown>;
  switch (e.keyword) {
    case 'additionalProperties': {
      const key = String(p['additionalProperty']);
      return { where: `${at}/${pointerToken(key)}`, message: `unknown field ${show(key)}${allowedKeys(e.parentSchema)}` };
    }
    case 'required': {
      const key = String(p['missingProperty']);
      return { where: `${at}/${pointerToken(key)}`, message: `missing required field ${show(key)}` };
    }
    case 'discriminator': {
      const tag = String(p['tag']);
      const known = ((e.parentSchema as { oneOf?: { properties: Record<string, { const?: string; enum?: string[] }> }[] })
        .oneOf ?? [])
        .flatMap((s) => s.properties[tag]?.const ?? s.properties[tag]?.enum ?? [])
        .join(', ');
      return { where: `${at}/${pointerToken(tag)}`, message: `unknown ${tag} ${show(p['tagValue'])} (known: ${known})` };
    }
    case 'type':
      return { where: at, message: `must be ${TYPE_NAMES[String(p['type'])] ?? String(p['type'])}, got ${show(e.data)}` };
    case 'const':
      return { where: at, message: `must be ${show(p['allowedValue'])}, got ${show(e.data)}` };
    case 'enum':
      return { where: at, message: `must be one of ${(p['allowedValues'] as unknown[]).map(show).join(', ')}, got ${show(e.data)}` };
    case 'minimum':
    case 'maximum':
      return { where: at, message: `must be ${e.keyword === 'minimum' ? 'at least' : 'at most'} ${String(p['limit'])}, got ${show(e.data)}` };
    case 'minLength':
      return { where: at, message: `must have at least ${String(p['limit'])} character(s), got ${show(e.data)}` };
    case 'maxLength':
      return { where: at, message: `must have at most ${String(p['limit'])} characters, got ${show(e.data)}` };
    case 'minItems':
      return { where: at, message: `must have at least ${String(p['limit'])} item(s)` };
    case 'pattern':
      // The only pattern in the schema is the interface name's (net/core/dev.c dev_valid_name).
      return { where: at, message: `${show(e.data)} is not a valid name (no "/", ":" or spaces; not "." or "..")` };
    default:
      return { where: at, message: e.message ?? `fails ${e.keyword}` };
  }
}

/** The most schema violations one error line lists after the first. */
const MORE_SHOWN = 5;

/** Throws InputError(pointer, message) for the first schema violation, naming the others after it. */
export function assertScenarioShape(value: unknown): asserts value is Scenario {
  // Another format's file (its own "schema" id) is named as such, not by its first missing field.
  const declared = value !== null && typeof value === 'object' ? (value as Record<string, unknown>)['schema'] : undefined;
  if (declared !== undefined && declared !== SCENARIO_SCHEMA_ID) {
    throw new InputError('/schema', `must be ${show(SCENARIO_SCHEMA_ID)}, got ${show(declared)}`);
  }
  const validate = validator();
  if (validate(value)) return;
  const first = validate.errors?.[0];
  if (!first) throw new InputError('', 'does not match the scenario schema');
  const { where, message } = explain(first);
  // One line per pointer: several keywords may fail at the same place.
  const others = new Map<string, string>();
  for (const e of validate.errors ?? []) {
    const x = explain(e);
    if (x.where !== where && !others.has(x.where)) others.set(x.where, x.message);
  }
  const shown = [...others].slice(0, MORE_SHOWN).map(([w, m]) => `${w || '(document)'}: ${m}`);
  const rest = others.size > MORE_SHOWN ? `; and ${others.size - MORE_SHOWN} more` : '';
  // The root's pointer is "" (the whole document): the message then names only the file.
  throw new InputError(where, others.size === 0 ? message : `${message}; also ${shown.join('; ')}${rest}`);
}
