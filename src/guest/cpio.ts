// The "newc" cpio format the kernel unpacks as an initramfs (Documentation/driver-api/early-userspace/buffer-format.rst):
// a 110-byte ASCII header per entry, name and data each padded to 4 bytes, a TRAILER!!! entry.

export interface CpioEntry {
  readonly name: string;
  /** File type and permissions (0o100755 a file, 0o40755 a directory). */
  readonly mode: number;
  readonly data?: Buffer;
}

const S_IFREG = 0o100000;
export const FILE_MODE = S_IFREG | 0o755;
export const DIR_MODE = 0o40755;

function hex8(n: number): string {
  return n.toString(16).padStart(8, '0');
}

function pad4(n: number): Buffer {
  return Buffer.alloc((4 - (n % 4)) % 4);
}

export function cpioNewc(entries: readonly CpioEntry[]): Buffer {
  const parts: Buffer[] = [];
  const all = [...entries, { name: 'TRAILER!!!', mode: 0 }];
  all.forEach((e, ino) => {
    const data = e.data ?? Buffer.alloc(0);
    const name = Buffer.from(`${e.name}\0`);
    const fields = [ino + 1, e.mode, 0, 0, 1, 0, data.length, 0, 0, 0, 0, name.length, 0];
    const header = Buffer.from(`070701${fields.map(hex8).join('')}`, 'ascii');
    parts.push(header, name, pad4(header.length + name.length), data, pad4(data.length));
  });
  return Buffer.concat(parts);
}
