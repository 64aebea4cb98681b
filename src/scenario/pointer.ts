// JSON pointers (RFC 6901) for naming the offending field of a scenario file.

/** One reference token: "~" -> "~0", "/" -> "~1". */
export function pointerToken(key: string | number): string {
  return String(key).replace(/~/g, '~0').replace(/\//g, '~1');
}
