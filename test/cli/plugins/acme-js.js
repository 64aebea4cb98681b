// The acme chip's spec as a plain JavaScript plug-in, checked by tsc --strict with checkJs
// (test/cli/plugin-kit.test.ts): definePlugin types the literal, so `multicast` stays the union.
import { crcBucket, definePlugin, exactHashAllAcceptance, fixedFamily } from '../../../src/index.ts';

const bucketOf = crcBucket('ether_crc', 23, 9);

export default definePlugin({
  model: fixedFamily({
    base: 'acme-js',
    source: 'test/cli/plugins/acme-js.js',
    summary: 'accepts every multicast frame (a model of nothing; only the types matter here)',
    thresholds: [2048],
    create: () => ({ program: () => ({ ok: true }), accept: () => true, state: () => ({}) }),
  }),
  spec: {
    base: 'acme-js',
    parameter: null,
    spec: () => ({
      name: 'acme-js',
      source: 'test/cli/plugins/acme-js.js',
      refusesBeyond: null,
      acceptance: (input) => ({ ...exactHashAllAcceptance({ exact: 32, bucketOf, allmultiAbove: 2048 })(input), multicast: input.allmulti ? 'must' : null }),
    }),
  },
});
