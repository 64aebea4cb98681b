// The filter-capacity report: analytic model known answers, measurement against the model,
// the files it writes, one SVG rendered to PNG, and the CLI command.
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Resvg } from '@resvg/resvg-js';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { main } from '../../../src/cli/main.ts';
import { resolveProfile } from '../../../src/profiles/registry.ts';
import { capacityModel, groupGrid, hashFill, isCatalogCapacityProfile, measureCapacity } from '../../../src/report/capacity.ts';
import { buildReport } from '../../../src/report/index.ts';

describe('analytic model', () => {
  it('hashFill: 32 groups in 64 buckets fill 1 - (63/64)^32 = 1 - e^(32 ln 0.984375) = 1 - e^-0.50394 = 1 - 0.60414 = 0.39586', () => {
    expect(hashFill(64, 32)).toBeCloseTo(0.39586, 4);
    expect(hashFill(64, 0)).toBe(0);
  });
  it('thresholds from the driver constants', () => {
    expect(capacityModel('rtl8139')?.allMulticastFrom).toBe(33); // multicast_filter_limit 32
    expect(capacityModel('tulip')?.allMulticastFrom).toBe(1001);
    expect(capacityModel('virtio-qemu')?.allMulticastFrom).toBe(65); // MAC_TABLE_ENTRIES 64
    expect(capacityModel('mlx5-dpdk')?.refusedFrom).toBe(128); // nb_mc_addr >= 128
    expect(capacityModel('dpdk-vf:16')?.refusedFrom).toBe(17);
    expect(capacityModel('ixgbe')?.allMulticastFrom).toBeNull();
    expect(capacityModel('accept-all')).toBeNull();
    expect(capacityModel('ldd3-nf')).toBeNull();
  });
  it('teaching profiles: LDD3 exact table, strict table, tun 8 exact slots of which own MAC and broadcast take 2', () => {
    expect(capacityModel('ldd3-ff:4')?.allMulticastFrom).toBe(5);
    expect(capacityModel('exact-strict:4')?.refusedFrom).toBe(5);
    expect(capacityModel('allmulti-only')?.fpRate(1)).toBe(1);
    expect(capacityModel('tun')?.fpRate(6)).toBe(0);
    expect(capacityModel('tun')?.fpRate(7)).toBeCloseTo(1 / 64, 10);
    expect(capacityModel('hash64')?.fpRate(1)).toBeCloseTo(1 / 64, 10);
    // report's default is the catalog only
    expect(['rtl8139', 'mlx5-dpdk', 'e1000:0'].every(isCatalogCapacityProfile)).toBe(true);
    expect(['hash64', 'tun', 'ldd3-ff:4', 'exact-strict:4', 'allmulti-only'].some(isCatalogCapacityProfile)).toBe(false);
  });
  it('teaching profiles measured: tun admits nothing extra up to 6 groups, ldd3-ff:4 switches at 5', () => {
    const tun = measureCapacity(resolveProfile('tun'), { probes: 500, seed: 2 });
    for (const p of tun.points.filter((x) => x.groups <= 6)) expect(p.measured).toBe(0);
    const ff = measureCapacity(resolveProfile('ldd3-ff:4'), { probes: 200, seed: 2 });
    for (const p of ff.points) {
      expect(p.measured).toBe(p.groups > 4 ? 1 : 0);
      expect(p.mode).toBe(p.groups > 4 ? 'all-multicast' : 'filter');
    }
  });
  it('e1000: 14 groups exact (rate 0), the 15th hashes into 4096 bits (1/4096)', () => {
    const m = capacityModel('e1000:1');
    expect(m?.fpRate(14)).toBe(0);
    expect(m?.fpRate(15)).toBeCloseTo(1 / 4096, 10);
  });
  it('tulip: 15 groups plus the broadcast bit fill 1 - (511/512)^16', () => {
    expect(capacityModel('tulip')?.fpRate(15)).toBeCloseTo(1 - (511 / 512) ** 16, 12);
    expect(capacityModel('tulip')?.fpRate(14)).toBe(0);
  });
  it('the grid runs 1..4096 on powers of sqrt 2 and adds switch points', () => {
    const g = groupGrid([32, 33]);
    expect(g[0]).toBe(1);
    expect(g[g.length - 1]).toBe(4096);
    expect(g).toEqual(expect.arrayContaining([32, 33, 64, 128, 2048]));
  });
});

describe('measurement', () => {
  it('rtl8139: measured close to the model below the switch (mean difference under 0.05), exactly 1 above', () => {
    const curve = measureCapacity(resolveProfile('rtl8139'), { probes: 3000, seed: 7 });
    for (const p of curve.points) {
      if (p.groups > 32) {
        expect(p.measured).toBe(1);
        expect(p.mode).toBe('all-multicast');
      }
    }
    // Averaged over the points below the switch, the variation of single group draws shrinks.
    const below = curve.points.filter((p) => p.groups <= 32);
    const meanDiff = below.reduce((s, p) => s + (p.measured - (p.analytic ?? 0)), 0) / below.length;
    expect(Math.abs(meanDiff)).toBeLessThan(0.05);
  });
  it('mlx5-dpdk: lists of 128 and more are refused and nothing leaks', () => {
    const curve = measureCapacity(resolveProfile('mlx5-dpdk'), { probes: 200, seed: 3 });
    expect(curve.points.filter((p) => p.mode === 'refused').map((p) => p.groups)[0]).toBe(128);
    expect(curve.points.every((p) => p.measured === 0)).toBe(true);
  });
});

describe('files', () => {
  it('writes per-profile SVGs, overview, Markdown and CSV; the overview renders to a PNG', async () => {
    const files = await buildReport(['rtl8139', 'e1000:2', 'mlx5-dpdk'].map(resolveProfile), { probes: 100, seed: 1 });
    expect(files.map((f) => f.name)).toEqual(['rtl8139.svg', 'e1000_2.svg', 'mlx5-dpdk.svg', 'overview.svg', 'capacity.md', 'capacity.csv']);
    const svg = files.find((f) => f.name === 'rtl8139.svg')?.content ?? '';
    for (const text of ['joined groups (log scale)', 'false-positive rate', 'analytic', 'measured', 'all multicast from 33 groups']) expect(svg).toContain(text);
    const overview = files.find((f) => f.name === 'overview.svg')?.content ?? '';
    expect(overview).toContain('mlx5-dpdk (refused from 128)');
    const png = new Resvg(overview, { background: 'white' }).render();
    expect(png.width).toBeGreaterThan(600);
    const bytes = png.asPng();
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
    // To look at it: MTB_REPORT_PNG=/some/where.png (no fixed-name file is left in /tmp).
    const keep = process.env['MTB_REPORT_PNG'];
    if (keep) writeFileSync(keep, bytes);
    const md = files.find((f) => f.name === 'capacity.md')?.content ?? '';
    expect(md).toContain('| rtl8139 | 64-bucket hash, all multicast above 32 | 33 | – |');
    expect(md).toMatch(/\| mlx5-dpdk \|[^\n]*\| refused \|/);
    const csv = (files.find((f) => f.name === 'capacity.csv')?.content ?? '').trim().split('\n');
    expect(csv[0]).toBe('profile,groups,analytic_fp_rate,measured_fp_rate,mode');
    expect(csv).toContain('rtl8139,4096,1,1,all-multicast');
  });
});

describe('mcast-testbench report', () => {
  // main() writes to this process's stdout and stderr: captured, so a passing test prints nothing.
  let written: { out: string; err: string };
  beforeEach(() => {
    written = { out: '', err: '' };
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => ((written.out += String(chunk)), true));
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => ((written.err += String(chunk)), true));
  });
  afterEach(() => {
    vi.restoreAllMocks();
  });

  it('writes the files to --out and lists them', async () => {
    const scratch = mkdtempSync(join(tmpdir(), 'mcast-report-'));
    const out = join(scratch, 'r');
    try {
      const code = await main(['report', '--profile', 'virtio-qemu', '--probes', '50', '--out', out]);
      expect(code).toBe(0);
      for (const f of ['virtio-qemu.svg', 'overview.svg', 'capacity.md', 'capacity.csv']) expect(existsSync(join(out, f))).toBe(true);
      expect(readFileSync(join(out, 'capacity.csv'), 'utf8')).toContain('virtio-qemu,65,1,1,all-multicast');
      expect(written.out.split('\n')).toContain(join(out, 'capacity.csv'));
    } finally {
      rmSync(scratch, { recursive: true, force: true });
    }
  });
  it('an unknown profile or a bad --probes is a usage error (exit 2)', async () => {
    expect(await main(['report', '--profile', 'e1000:9', '--out', tmpdir()])).toBe(2);
    expect(await main(['report', '--probes', '0', '--out', tmpdir()])).toBe(2);
    expect(written.err).toMatch(/^error: --profile: profile e1000:N needs N .* got "9"\nerror: option '--probes <n>' argument '0' is invalid/);
  });
});
