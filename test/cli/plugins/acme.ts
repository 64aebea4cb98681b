// The chip of issue 22's driver engineer: a 32-entry exact table, then a 512-bucket hash at
// ether_crc >> 23, then all multicast above 2,048 groups. A declared threshold of 2,048 must be
// exercised by check (a fill step past it) and check --driver (lists of 2,047 ... 4,096).
import { BROADCAST_MAC, etherCrc, fixedFamily, hashFilterAcceptance, macEtherCrc, macOctets } from '../../../src/index.ts';
import type { Mac, NicFilter, ProfilePlugin, RxMode } from '../../../src/index.ts';

const SOURCE = 'test/cli/plugins/acme.ts';
const EXACT = 32;
const ALLMULTI_ABOVE = 2048;

class AcmeFilter implements NicFilter {
  private promisc = false;
  private allmulti = false;
  private exact: readonly Mac[] = [];
  private readonly hash = new Set<number>();

  constructor(
    private readonly ownMac: Mac,
    private readonly allmultiAbove: number,
  ) {}

  program(mode: RxMode) {
    this.promisc = mode.promisc;
    this.allmulti = mode.allmulti || mode.mc.length > this.allmultiAbove;
    this.exact = mode.mc.slice(0, EXACT);
    this.hash.clear();
    for (const mac of mode.mc.slice(EXACT)) this.hash.add(macEtherCrc(mac) >>> 23);
    return { ok: true } as const;
  }

  accept(dst: Mac): boolean {
    if (this.promisc || dst === this.ownMac || dst === BROADCAST_MAC || this.exact.includes(dst)) return true;
    if ((parseInt(dst.slice(0, 2), 16) & 1) === 0) return false;
    return this.allmulti || this.hash.has(macEtherCrc(dst) >>> 23);
  }

  state() {
    return { promisc: this.promisc, allmulti: this.allmulti, exact: this.exact.length, buckets: this.hash.size };
  }
}

/** The plug-in `base` whose model goes all-multicast above `allmultiAbove` (the spec says 2,048). */
export function acmePlugin(base: string, allmultiAbove: number): ProfilePlugin {
  return {
    model: fixedFamily({ base, source: SOURCE, summary: '32 exact, 512-bucket hash, all multicast above 2,048', thresholds: [EXACT, ALLMULTI_ABOVE], create: (ownMac) => new AcmeFilter(ownMac, allmultiAbove) }),
    spec: {
      base,
      parameter: null,
      // The exact table lies inside the hash's "may" (docs/library.md): only the hash and the 2,048 switch are visible.
      spec: () => ({ name: base, source: SOURCE, refusesBeyond: null, acceptance: hashFilterAcceptance((mac) => etherCrc(macOctets(mac, mac)) >>> 23, ALLMULTI_ABOVE) }),
    },
  };
}

export default acmePlugin('acme', ALLMULTI_ABOVE);
