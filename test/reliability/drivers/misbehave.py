#!/usr/bin/env python3
# Misbehaves after reading hello, as argv[1] says: bigline (100 MB without a newline),
# nonewline (a valid answer without its newline, then exit 0), badutf8 (an answer with a byte
# that is no UTF-8).
import sys

how = sys.argv[1]
sys.stdin.readline()
out = sys.stdout.buffer
if how == "bigline":
    chunk = b"x" * (1 << 20)
    try:
        for _ in range(100):
            out.write(chunk)
        out.flush()
    except BrokenPipeError:
        sys.exit(0)
    sys.stdin.read()
elif how == "nonewline":
    out.write(b'{"name":"half","model":null}')
    out.flush()
elif how == "badutf8":
    out.write(b'{"name":"bad\xff\xfe","model":null}\n')
    out.flush()
    sys.stdin.read()
