// A version-1 driver naming tulip (all multicast above 1,000 groups): a list of 2,000 (2t)
// is past what version 1 is sent, so check --driver must warn that they are not exercised.
export const hello = () => ({ name: 'tulip-v1', model: 'tulip' });
export const reset = () => ({ ok: true });
export const program = () => ({ ok: true });
export const rx = () => ({ accept: true });
