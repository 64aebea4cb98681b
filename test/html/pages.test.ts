// Failure pages for the failures that have no ordinary step: a NIC that drops the kernel's own
// groups at creation (step -1, the KNI stub) and a routing property's shrunk case.
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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

describe('check --html: the failing step at the top', () => {
  it("the README demo's page groups the 99 leaks into one line and puts model vs oracle side by side above the timeline", async () => {
    const html = tempDir();
    const r = await runCli(['check', '--profile', 'ldd3-ff:4', '--inject-fault', 'sticky-allmulti', '--seed', '1', '--html', html, '--fixtures', tempDir()]);
    expect(r.code).toBe(1);
    const page = readFileSync(join(html, 'check-ldd3-ff-4-model.html'), 'utf8');
    const top = page.slice(0, page.indexOf('id="timeline"'));
    // One group, its count and the first three addresses; the rest counted, not listed.
    expect(top.match(/<li class="group"/g)).toHaveLength(1);
    expect(top).toContain(
      '<li class="group" data-kind="leak" data-count="99"><b>leak ×99</b>: <code>01:00:5e:7f:ff:fa</code>, <code>01:00:5e:12:34:56</code>, <code>33:33:12:34:56:78</code> and 96 more</li>',
    );
    // Side by side: the counters agree (allmulti 0 on both sides), the filter does not: the
    // model's all-multicast mode beside the oracle's "all multicast: no".
    const row = (label: string): string => top.match(new RegExp(`<tr class="(?:same|differs)"><th scope="row">${label}[^<]*</th>.*?</tr>`, 's'))?.[0] ?? '';
    expect(row('allmulti')).toBe('<tr class="same"><th scope="row">allmulti</th><td>0</td><td class="mark" aria-label="same">=</td><td>0</td></tr>');
    const filter = row('filter');
    expect(filter).toMatch(/^<tr class="differs"><th scope="row">filter \(99 wrong decisions\)<\/th>/);
    expect(filter).toContain('<td class="mark" aria-label="differs">≠</td>');
    expect(filter).toContain('&quot;mode&quot;: &quot;all-multicast&quot;');
    expect(filter).toContain('&quot;all multicast&quot;: &quot;no&quot;');
    expect(row('leak 01:00:5e:7f:ff:fa')).toContain('<td>accepts</td><td class="mark" aria-label="differs">≠</td><td>must not</td>');
    // The step's own pane: three violations in full, the other 96 folded.
    const pane = page.slice(page.indexOf('<section class="detail" data-step="1">'));
    const folded = pane.indexOf('<details class="more-violations"><summary>and 96 more violations</summary>');
    expect(folded).toBeGreaterThan(0);
    expect(pane.slice(0, folded).match(/<p class="violation">/g)).toHaveLength(3);
  });

  it("a hash filter's lost MAC shows its bucket on both sides: the model's register bit and the oracle's bucket set", async () => {
    const dir = tempDir();
    const file = join(dir, 'shared-mac.json');
    // Two groups on one MAC; leaving one must keep it (shared-mac-removed drops it).
    writeFileSync(
      file,
      JSON.stringify({
        schema: 'mcast-testbench/scenario@1',
        interfaces: [{ name: 'eth0', mac: '02:00:00:00:00:02', ipv4: ['10.99.0.2/24'], nic: 'hash64' }],
        steps: [
          { op: 'open', socket: 's1', family: 'ipv4', bind: '0.0.0.0', port: 5000 },
          { op: 'join', socket: 's1', group: '224.1.1.1', iface: 'eth0' },
          { op: 'join', socket: 's1', group: '225.1.1.1', iface: 'eth0' },
          { op: 'leave', socket: 's1', group: '225.1.1.1', iface: 'eth0' },
        ],
      }),
    );
    const r = await runCli(['replay', '--inject-fault', 'shared-mac-removed', '--html', join(dir, 'html'), file]);
    expect(r.code, r.stderr).toBe(1);
    const page = readFileSync(join(dir, 'html', 'shared-mac.html'), 'utf8');
    const top = page.slice(0, page.indexOf('id="timeline"'));
    expect(top).toContain('<li class="group" data-kind="loss" data-count="1"><b>loss ×1</b>: <code>01:00:5e:01:01:01</code></li>');
    expect(top).toMatch(/<tr class="differs"><th scope="row">device list<\/th>/);
    // ether_crc(01:00:5e:01:01:01) >> 26 = 4: clear in the model's MAR, set in the oracle's spec.
    expect(top).toContain(
      '<th scope="row">loss 01:00:5e:01:01:01</th><td>drops; bucket 4: mar[0] bit 4 clear</td><td class="mark" aria-label="differs">≠</td><td>must accept; bucket 4: set (a listed MAC hashes there)</td>',
    );
  });
});

describe('check --driver --html', () => {
  it('lists the exchanges with the failing one highlighted and the cited ones marked, and no empty interfaces line', async () => {
    const html = tempDir();
    const r = await runCli(['check', '--driver', 'python3 examples/drivers/faults/stale_entries.py', '--runs', '100', '--seed', '1', '--fixtures', tempDir(), '--html', html]);
    expect(r.code).toBe(1);
    const page = readFileSync(join(html, 'driver-stale-entries-contract.html'), 'utf8');
    expect(page).not.toContain('interfaces:');
    expect(page).not.toContain('id="timeline"');
    expect(page.match(/<tr class="exchange[^"]*failing/g)).toHaveLength(1);
    // The transcript stops at the failing request: #20, the rx the message says "is dropped now".
    expect(page).toMatch(/<tr class="exchange failing" id="failing-exchange" data-exchange="20"><td>#20<\/td><td><code>\{&quot;op&quot;:&quot;rx&quot;,&quot;dst&quot;:&quot;01:00:5e:00:00:01&quot;\}<\/code><\/td><td><code>\{&quot;accept&quot;: false\}<\/code><\/td>/);
    for (const n of [10, 14, 16]) expect(page).toContain(`<tr class="exchange cited" data-exchange="${n}">`);
    expect(page).toContain('<tr class="exchange" data-exchange="15">');
  });
});
