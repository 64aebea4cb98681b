// Failure pages for the failures that have no ordinary step: a NIC that drops the kernel's own
// groups at creation (step -1, the KNI stub) and a routing property's shrunk case.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from '../cli/run.ts';

const dirs: string[] = [];
const tempDir = (): string => {
  const d = mkdtempSync(join(tmpdir(), 'mtb-pages-'));
  dirs.push(d);
  return d;
};
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('check --html', () => {
  it('kni-stub fails at creation: its page highlights step -1 with the interfaces as created; a route failure gets a page with its shrunk scenario', async () => {
    const html = tempDir();
    const fixtures = tempDir();
    const kni = await runCli(['check', '--profile', 'kni-stub', '--seed', '7', '--runs', '5', '--html', html, '--fixtures', fixtures]);
    expect(kni.code).toBe(1);
    const model = readFileSync(join(html, 'check-kni-stub-exact-strict-4-model.html'), 'utf8');
    expect(model).toContain('data-failing="-1"');
    expect(model).toMatch(/<li class="step failing"[^>]*data-step="-1">-1\. the interfaces as created<\/li>/);
    expect(model).toContain('NIC drops 33:33:00:00:00:01 after creating the interfaces');
    const route = tempDir();
    const r = await runCli(['check', '--profile', 'accept-all', '--inject-fault', 'ttl-threshold-ge', '--seed', '2', '--runs', '50', '--html', route, '--fixtures', fixtures]);
    expect(r.code).toBe(1);
    const pages = readdirSync(route);
    expect(pages).toContain('check-accept-all-route.html');
    const page = readFileSync(join(route, 'check-accept-all-route.html'), 'utf8');
    expect(page).toContain('the shrunk routing scenario');
    expect(page).toContain('&quot;op&quot;:&quot;mfc-add&quot;');
  });
});
