// A module driver that forgot rx.
export const hello = () => ({ name: 'missing-rx', model: null });
export const reset = () => ({ ok: true });
export const program = () => ({ ok: true });
