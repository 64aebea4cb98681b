// Typed errors. Every error names the offending input; the CLI prints `message` as one line.

/** Errno names the model can return, as Linux names them. */
export type Errno =
  | 'EINVAL'
  | 'EADDRINUSE'
  | 'EADDRNOTAVAIL'
  | 'ENOBUFS'
  | 'EBADF'
  | 'ENODEV'
  | 'ENOENT'
  | 'ENOSPC'
  | 'EEXIST'
  | 'EAFNOSUPPORT'
  // multicast routing (net/ipv4/ipmr.c, net/ipv6/ip6mr.c)
  | 'EOPNOTSUPP'
  | 'EACCES'
  | 'ENOPROTOOPT'
  | 'ENFILE';

/** Bad user input (a value that cannot be parsed, an unknown name). Exit code 2 in the CLI. */
export class InputError extends Error {
  override readonly name = 'InputError';
  /** Where the bad value sits: a JSON pointer for scenario files, or the argument itself. */
  readonly where: string;
  constructor(where: string, message: string) {
    super(where ? `${where}: ${message}` : message);
    this.where = where;
  }
}
