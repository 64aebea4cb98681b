// tulip-comet: ADMtek Comet (AN981/AN983), tulip_tbl flags MC_HASH_ONLY | COMET_MAC_ADDR,
// drivers/net/ethernet/dec/tulip/tulip_core.c set_rx_mode: bucket ether_crc_le(addr) & 0x3f,
// words written to CSR27/CSR28; > 64 groups or ALLMULTI: all multicast.
import type { FaultSet } from '../../faults.ts';
import type { Mac } from '../../wire/mac.ts';
import type { FixedFamily } from '../family.ts';
import type { NicFilter, NicProfile } from '../filter.ts';
import { TULIP_HASH_ONLY_LIMIT, TulipHashOnlyFilter } from './tulip-hash-only.ts';
import { hashThenAll } from '../capacity.ts';

const SOURCE = 'drivers/net/ethernet/dec/tulip/tulip_core.c (set_rx_mode, COMET_MAC_ADDR)';
const SUMMARY = 'ADMtek Comet: 64-bit hash (ether_crc_le & 0x3f); > 64 groups or ALLMULTI: all multicast';

export const tulipComet: FixedFamily = {
  base: 'tulip-comet',
  source: SOURCE,
  summary: SUMMARY,
  profile: (): NicProfile => ({
    name: 'tulip-comet',
    source: SOURCE,
    summary: SUMMARY,
    thresholds: [TULIP_HASH_ONLY_LIMIT],
    capacity: hashThenAll(64, TULIP_HASH_ONLY_LIMIT, '64-bucket hash, all multicast above 64'),
    sharesUnicast: false,
    create: (ownMac: Mac, _faults: FaultSet): NicFilter => new TulipHashOnlyFilter(ownMac, 'comet'),
  }),
};
