// A module driver whose program never returns: a synchronous infinite loop.
export const hello = () => ({ name: 'busy-loop', model: null });
export const reset = () => ({ ok: true });
export const program = () => {
  for (;;) {
    // spins
  }
};
export const rx = () => ({ accept: true });
