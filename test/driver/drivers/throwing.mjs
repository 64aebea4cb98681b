// A module driver whose reset throws.
export const hello = () => ({ name: 'throwing', model: null });
export const reset = () => {
  throw new Error('no hardware');
};
export const program = () => ({ ok: true });
export const rx = () => ({ accept: true });
