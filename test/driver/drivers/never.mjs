// A module driver whose hello never resolves.
export const hello = () => new Promise(() => {});
export const reset = () => ({ ok: true });
export const program = () => ({ ok: true });
export const rx = () => ({ accept: true });
