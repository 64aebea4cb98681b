// examples/library/hash32-profile.js against src/ (the example itself imports the package by
// name; test/package/pack.test.ts runs it against the packed tarball).
import { BROADCAST_MAC, etherCrc, fixedFamily, hashFilterAcceptance, macEtherCrc, macOctets } from '../../../src/index.ts';
import type { Mac, NicFilter, ProfilePlugin, RxMode } from '../../../src/index.ts';

const SOURCE = 'test/cli/plugins/hash32.ts';
const LIMIT = 16;

class Hash32Filter implements NicFilter {
  private promisc = false;
  private allmulti = false;
  private hash = 0;

  constructor(
    private readonly ownMac: Mac,
    private readonly bucketOf: (mac: Mac) => number,
  ) {}

  program(mode: RxMode) {
    this.promisc = mode.promisc;
    this.allmulti = mode.allmulti || mode.mc.length > LIMIT;
    this.hash = 0;
    for (const mac of mode.mc) this.hash |= 1 << this.bucketOf(mac);
    return { ok: true } as const;
  }

  accept(dst: Mac): boolean {
    if (this.promisc || dst === this.ownMac || dst === BROADCAST_MAC) return true;
    if ((parseInt(dst.slice(0, 2), 16) & 1) === 0) return false;
    return this.allmulti || ((this.hash >>> this.bucketOf(dst)) & 1) === 1;
  }

  state() {
    return { promisc: this.promisc, allmulti: this.allmulti, hash: (this.hash >>> 0).toString(16).padStart(8, '0') };
  }
}

/** The plug-in named `base`, its model hashing with `modelBucket` (the spec always takes ether_crc >> 27). */
export function hash32Plugin(base: string, modelBucket: (mac: Mac) => number): ProfilePlugin {
  return {
    model: fixedFamily({ base, source: SOURCE, summary: '32-bucket hash test plug-in', thresholds: [LIMIT], create: (ownMac) => new Hash32Filter(ownMac, modelBucket) }),
    spec: {
      base,
      parameter: null,
      spec: () => ({ name: base, source: SOURCE, refusesBeyond: null, acceptance: hashFilterAcceptance((mac) => etherCrc(macOctets(mac, mac)) >>> 27, LIMIT) }),
    },
  };
}

export default hash32Plugin('hash32', (mac) => macEtherCrc(mac) >>> 27);
