// Defaults the CLI needs before it loads the driver machinery.

/** "A few seconds": long enough for a slow interpreter's first answer, short enough for CI. */
export const DEFAULT_DRIVER_TIMEOUT_MS = 3000;
