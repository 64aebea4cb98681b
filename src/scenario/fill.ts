// The MACs a `fill` step adds (src/scenario/types.ts FillStep): 01:00:5e and the low 23 bits of
// first + i, as ip_eth_mc_map keeps them (include/net/ip.h).
import { type Mac, macFromBytes } from '../wire/mac.ts';
import { FILL_FIRST_MAX, type FillStep } from './types.ts';

export function fillMacs(step: Pick<FillStep, 'count' | 'first'>): Mac[] {
  return Array.from({ length: step.count }, (_, i) => {
    const v = (step.first + i) & FILL_FIRST_MAX;
    return macFromBytes([0x01, 0x00, 0x5e, v >> 16, (v >> 8) & 0xff, v & 0xff]);
  });
}
