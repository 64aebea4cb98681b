// Validators of the results files: the JUnit XML against test/fixtures/junit/junit.xsd with
// xmllint (libxml2 compiled to WebAssembly: xmllint-wasm, no system package needed), the JSON
// against schemas/results.schema.json with ajv.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { validateXML } from 'xmllint-wasm';
import { ROOT } from '../cli/run.ts';

const XSD = readFileSync(join(ROOT, 'test/fixtures/junit/junit.xsd'), 'utf8');

/** xmllint's errors; [] when the document is valid. */
export async function junitXsdErrors(xml: string): Promise<string[]> {
  const r = await validateXML({ xml: [{ fileName: 'results.xml', contents: xml }], schema: [{ fileName: 'junit.xsd', contents: XSD }] });
  return r.valid ? [] : r.errors.map((e) => e.rawMessage);
}

const ajv = new Ajv({ allErrors: true, strict: true });
const validateResults = ajv.compile(JSON.parse(readFileSync(join(ROOT, 'schemas/results.schema.json'), 'utf8')) as object);

export function resultsSchemaErrors(doc: unknown): string[] {
  return validateResults(doc) ? [] : (validateResults.errors ?? []).map((e) => `${e.instancePath} ${e.message ?? ''}`);
}
