// Can this machine run the guest differential? Linux, QEMU, busybox, cc and the cached kernel
// (scripts/guest-setup.sh); the reason it cannot, in one line, otherwise.
import { findGuestKernel } from './cache.ts';
import { GuestSetupError } from './errors.ts';

/** null when a guest can boot here, else the reason it cannot (one line, with the command that fixes it). */
export function guestUnavailable(): string | null {
  if (process.platform !== 'linux') return `not Linux (${process.platform})`;
  if (process.arch !== 'x64') return `not x86-64 (${process.arch}): the guest kernel is Debian's amd64 one`;
  try {
    findGuestKernel();
  } catch (e) {
    if (e instanceof GuestSetupError) return e.message;
    throw e;
  }
  return null;
}
