// A plug-in whose spec is named differently from its model: refused (exit 2).
import plugin from './hash32.ts';

export default { model: plugin.model, spec: { ...plugin.spec, base: 'hash33' } };
