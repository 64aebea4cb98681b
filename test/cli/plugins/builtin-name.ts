// A plug-in named like a built-in profile: refused (exit 2).
import { macEtherCrc } from '../../../src/index.ts';
import { hash32Plugin } from './hash32.ts';

export default hash32Plugin('tulip', (mac) => macEtherCrc(mac) >>> 27);
