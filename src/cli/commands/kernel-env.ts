// The kernel commands' handling of environment failures (src/cli/commands/kernel.ts,
// kernel-route.ts): an `ip` command, a namespace, a call of a KernelHost, a guest that did not
// answer become one line and exit 2, like a missing requirement, not a stack.
import { CliExit, EXIT } from '../cli.ts';

/**
 * Runs a kernel action; a failure of the environment (an `ip` command, a namespace, a barrier
 * that never arrived, a guest) becomes one line and exit 2, like a missing requirement, not a stack.
 */
export async function onKernel<T>(action: () => Promise<T>): Promise<T> {
  const { KernelEnvError } = await import('../../sys/netns.ts');
  const { KernelCallError } = await import('../../sys/ffi.ts');
  const { HostCallError } = await import('../../sys/kernel-host.ts');
  const { LiveBackendError } = await import('../../live/errors.ts');
  const { GuestError, GuestSetupError } = await import('../../guest/errors.ts');
  try {
    return await action();
  } catch (thrown) {
    // The live core names the backend; the kernel's own error says what failed.
    const e = thrown instanceof LiveBackendError ? thrown.cause : thrown;
    if (e instanceof KernelEnvError || e instanceof KernelCallError || e instanceof HostCallError) {
      throw new CliExit(EXIT.usage, `error: kernel environment: ${e.message}`);
    }
    if (e instanceof GuestError || e instanceof GuestSetupError) throw new CliExit(EXIT.usage, `error: ${e.message}`);
    // A scenario with more sockets than the file descriptor limit (ulimit -n) is too big to run.
    const code = (e as NodeJS.ErrnoException | null)?.code;
    if (code === 'EMFILE' || code === 'ENFILE') {
      throw new CliExit(EXIT.usage, `error: kernel environment: ${(e as Error).message} (the scenario needs more open files than this process may hold: ulimit -n)`);
    }
    throw e;
  }
}
