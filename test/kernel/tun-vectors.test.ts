// The tun profile against tap TX filter answers observed on a live kernel
// (fixtures/kernel/tun-filter-vectors.json, recorded by `mcast-testbench kernel tap --save`).
// Runs everywhere: no root, no kernel needed.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { NO_FAULTS } from '../../src/faults.ts';
import { resolveProfile } from '../../src/profiles/registry.ts';
import { TUN_VECTORS_SCHEMA, type TunVectorFile } from '../../src/kernel/tap-diff.ts';
import { parseMac } from '../../src/wire/mac.ts';

const file = JSON.parse(
  readFileSync(new URL('../../fixtures/kernel/tun-filter-vectors.json', import.meta.url), 'utf8'),
) as TunVectorFile;

describe('tun profile against kernel-observed tap TX filter vectors', () => {
  it('the vector file is the recorded kind and covers hashing, ALLMULTI and PROMISC', () => {
    expect(file.schema).toBe(TUN_VECTORS_SCHEMA);
    expect(file.vectors.length).toBeGreaterThanOrEqual(50);
    // More than FLT_EXACT_COUNT (8, drivers/net/tun.c) addresses: the hash path is exercised.
    expect(file.vectors.some((v) => v.request.addr.length > 8 && !v.rxMode.allmulti)).toBe(true);
    expect(file.vectors.some((v) => v.rxMode.allmulti)).toBe(true);
    expect(file.vectors.some((v) => v.rxMode.promisc)).toBe(true);
    const answers = file.vectors.flatMap((v) => v.probes.map((p) => p.accepted));
    expect(answers).toContain(true);
    expect(answers).toContain(false);
  });

  it('the aliasing classics are probed in every vector and hashed (past the 8 exact slots) in some', () => {
    const classics = ['01:00:5e:00:00:01', '01:00:5e:7f:ff:fa', '33:33:00:00:00:01', '33:33:ff:00:00:01'];
    for (const v of file.vectors) expect(v.probes.map((p) => p.mac)).toEqual(expect.arrayContaining(classics));
    const hashed = file.vectors.filter((v) => !v.rxMode.promisc && !v.rxMode.allmulti && classics.every((c) => v.request.addr.indexOf(c) >= 8));
    expect(hashed.length).toBeGreaterThan(0);
    // A hashed address sets its own bucket: the kernel passed every classic in those programs.
    for (const v of hashed) for (const c of classics) expect(v.probes.find((p) => p.mac === c)?.accepted).toBe(true);
  });

  it.each(file.vectors.map((v, i) => [i, v] as const))('vector %i: every probe as the kernel answered', (_i, v) => {
    const filter = resolveProfile('tun').create(parseMac(v.ownMac), NO_FAULTS);
    expect(filter.program({ promisc: v.rxMode.promisc, allmulti: v.rxMode.allmulti, mc: v.rxMode.mc.map((m) => parseMac(m)) })).toEqual({ ok: true });
    const got = v.probes.map((p) => ({ mac: p.mac, accepted: filter.accept(parseMac(p.mac)) }));
    expect(got).toEqual(v.probes.map((p) => ({ mac: p.mac, accepted: p.accepted })));
  });

  it('the vectors catch a tun filter that hashes with the low CRC bits (fault hash-low-bits)', () => {
    const disagreements = file.vectors.filter((v) => {
      const filter = resolveProfile('tun').create(parseMac(v.ownMac), new Set(['hash-low-bits'] as const));
      filter.program({ promisc: v.rxMode.promisc, allmulti: v.rxMode.allmulti, mc: v.rxMode.mc.map((m) => parseMac(m)) });
      return v.probes.some((p) => filter.accept(parseMac(p.mac)) !== p.accepted);
    });
    expect(disagreements.length).toBeGreaterThan(0);
  });
});
