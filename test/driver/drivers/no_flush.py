#!/usr/bin/env python3
"""The classic mistake: print() without flush. On a pipe, Python block-buffers stdout, so the
hello answer never arrives and the testbench must time out."""
import json, sys
for line in sys.stdin:
    req = json.loads(line)
    if req["op"] == "hello":
        print(json.dumps({"name": "no-flush", "model": None}))
    else:
        print(json.dumps({"ok": True}))
