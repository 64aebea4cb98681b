// A NIC profile plug-in, as a project outside this repository writes one: a 32-bucket multicast
// hash (bucket = ether_crc(addr) >> 27) that goes all-multicast above 16 groups.
//
//   npx mcast-testbench check --profile-module examples/library/hash32-profile.js --profile hash32
//
// The model (how the driver programs the filter) and the oracle's spec (which frames must, may
// and must not pass) are written apart: `check` compares one against the other.
import { BROADCAST_MAC, etherCrc, fixedFamily, hashFilterAcceptance, macEtherCrc, macOctets } from 'mcast-testbench';

const SOURCE = 'examples/library/hash32-profile.js (a made-up 32-bucket hash NIC)';
/** More groups than this: all multicast. */
const LIMIT = 16;

class Hash32Filter {
  constructor(ownMac) {
    this.ownMac = ownMac;
    this.promisc = false;
    this.allmulti = false;
    this.hash = 0;
  }

  program(mode) {
    this.promisc = mode.promisc;
    this.allmulti = mode.allmulti || mode.mc.length > LIMIT;
    this.hash = 0;
    for (const mac of mode.mc) this.hash |= 1 << (macEtherCrc(mac) >>> 27);
    return { ok: true };
  }

  accept(dst) {
    if (this.promisc || dst === this.ownMac || dst === BROADCAST_MAC) return true;
    if ((parseInt(dst.slice(0, 2), 16) & 1) === 0) return false; // another station's unicast
    return this.allmulti || ((this.hash >>> (macEtherCrc(dst) >>> 27)) & 1) === 1;
  }

  state() {
    return { promisc: this.promisc, allmulti: this.allmulti, hash: (this.hash >>> 0).toString(16).padStart(8, '0') };
  }
}

export default {
  model: fixedFamily({
    base: 'hash32',
    source: SOURCE,
    summary: `32-bucket hash (ether_crc >> 27); > ${LIMIT} groups or ALLMULTI: all multicast`,
    thresholds: [LIMIT],
    create: (ownMac) => new Hash32Filter(ownMac),
  }),
  spec: {
    base: 'hash32',
    parameter: null,
    spec: () => ({
      name: 'hash32',
      source: SOURCE,
      refusesBeyond: null,
      acceptance: hashFilterAcceptance((mac) => etherCrc(macOctets(mac, mac)) >>> 27, LIMIT),
    }),
  },
};
