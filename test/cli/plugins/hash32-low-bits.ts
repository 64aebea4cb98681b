// A wrong plug-in model: the bucket from the low 5 CRC bits, while its spec says the high 5.
// `check` must catch it (a leak or a loss against the spec).
import { macEtherCrc } from '../../../src/index.ts';
import { hash32Plugin } from './hash32.ts';

export default hash32Plugin('hash32-low-bits', (mac) => macEtherCrc(mac) & 31);
