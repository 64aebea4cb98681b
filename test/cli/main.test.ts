// main() in-process, for the exit paths that need a misbehaving module: an unexpected error is
// exit 70 with one "internal error" line (no stack), a CliExit carries its own code.
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CliExit, EXIT } from '../../src/cli/cli.ts';

const thrown: { error: unknown } = { error: new Error('unset') };
vi.mock('../../src/simulate.ts', () => ({
  simulate: () => {
    throw thrown.error;
  },
}));

const { main } = await import('../../src/cli/main.ts');
const FIXTURE = join(import.meta.dirname, '../../fixtures/kernel-fact-ipv4-alias-refcount.json');

function captureStderr(): { text: () => string } {
  let text = '';
  vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += String(chunk);
    return true;
  });
  vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  return { text: () => text };
}

afterEach(() => {
  vi.restoreAllMocks();
});

describe('main', () => {
  it('turns an unexpected error into exit 70 and one line saying it is a bug', async () => {
    thrown.error = new TypeError('boom\nsecond line');
    const err = captureStderr();
    expect(await main(['simulate', FIXTURE])).toBe(EXIT.internal);
    expect(err.text()).toBe('internal error: boom second line (this is a bug in mcast-testbench; set MCAST_TESTBENCH_DEBUG=1 for the stack)\n');
  });

  it('ends with the code of a CliExit (3: driver error)', async () => {
    thrown.error = new CliExit(EXIT.driver, 'driver error: no answer to {"op":"rx"} within 2000 ms');
    const err = captureStderr();
    expect(await main(['simulate', FIXTURE])).toBe(3);
    expect(err.text()).toBe('driver error: no answer to {"op":"rx"} within 2000 ms\n');
  });
});
