// A module driver whose reset ends the thread it runs in.
export const hello = () => ({ name: 'exits', model: null });
export const reset = () => process.exit(7);
export const program = () => ({ ok: true });
export const rx = () => ({ accept: true });
